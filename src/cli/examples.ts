/**
 * The "Examples:" section of every command's --help, by command path ("integration add"). main.ts adds
 * them after the commands are registered; a command may instead add its own "Examples:" with
 * addHelpText('after', …). test/cli-help-completion.test.ts walks every registered command and fails
 * when one has none: a new verb adds its lines here (or in its own file).
 */
export const EXAMPLES: Record<string, string[]> = {
  '': [
    'trustlens demo                                   # scan a built-in simulated workspace, no key needed',
    'MISTRAL_API_KEY=… trustlens scan --format json   # scan your workspace once',
    'trustlens integration add --name prod && trustlens sync prod',
    'TRUSTLENS_TOKEN=… trustlens findings list prod --server http://127.0.0.1:8080   # through a running server',
    'trustlens completion bash > ~/.local/share/bash-completion/completions/trustlens',
  ],
  scan: [
    'MISTRAL_API_KEY=… trustlens scan',
    'trustlens scan --api-key-file ~/.mistral-key --base-url eu --format sarif --output scan.sarif',
    'trustlens scan --fail-on high --quiet > report.txt     # CI gate: exit 3 on a high finding',
    'trustlens scan --data-dir ./.trustlens                 # keep history, findings and drift',
    'MISTRAL_ADMIN_API_KEY=… trustlens scan                 # also keys, members, audit log (admin key)',
  ],
  demo: [
    'trustlens demo',
    'trustlens demo --agents 100 --format json --output demo.json',
    'trustlens demo --no-beta                               # a workspace without beta API access',
  ],
  sim: [
    'trustlens sim --seed 7 --agents 50',
    'trustlens sim --rps 20 --fault-rate 0.05               # rate limits and faults, for testing',
  ],
  rules: ['trustlens rules', 'trustlens rules --format json | jq -r ".[].id"'],
  keys: ['trustlens keys status', 'trustlens keys rewrap'],
  'keys status': [
    'trustlens keys status',
    'trustlens keys status --format json --data-dir /var/lib/trustlens',
  ],
  'keys rewrap': ['TRUSTLENS_MASTER_KEY=<new> TRUSTLENS_MASTER_KEY_PREVIOUS=<old> trustlens keys rewrap'],
  integration: ['trustlens integration add --name prod', 'trustlens integration list'],
  'integration add': [
    'MISTRAL_API_KEY=… trustlens integration add --name prod',
    'trustlens integration add --name eu-prod --base-url eu --api-key-file ~/.mistral-key',
    'trustlens integration add --name prod --admin-api-key-file ~/.mistral-admin-key',
  ],
  'integration update': [
    'trustlens integration update prod --frequency 30',
    'trustlens integration update prod --name production',
    'trustlens integration update prod --admin-api-key-file ~/.mistral-admin-key',
    'trustlens integration update prod --remove-admin-key',
  ],
  'integration list': [
    'trustlens integration list',
    'trustlens integration list --format json',
    'trustlens integration list --server https://trustlens.example.com --token-file ~/.trustlens-token',
  ],
  'integration rotate-key': [
    'MISTRAL_API_KEY=<new key> trustlens integration rotate-key prod',
    'trustlens integration rotate-key prod --admin-api-key-file ~/.mistral-admin-key',
  ],
  'integration remove': ['trustlens integration remove prod', 'trustlens integration remove prod --yes'],
  runs: [
    'trustlens runs prod',
    'trustlens runs prod --format json',
    'TRUSTLENS_TOKEN=… trustlens runs prod --server http://127.0.0.1:8080',
  ],
  sync: [
    'trustlens sync prod',
    'trustlens sync --all --fail-on critical --quiet        # nightly job: exit 3 on a critical finding',
    'trustlens sync prod --verbose 2> sync.log              # progress, retries and rate limits to a log',
    'TRUSTLENS_SERVER=http://127.0.0.1:8080 TRUSTLENS_TOKEN=… trustlens sync prod   # the server runs it',
  ],
  findings: ['trustlens findings list prod', 'trustlens findings show <finding-id>'],
  'findings list': [
    'trustlens findings list prod',
    'trustlens findings list prod --severity critical,high --format json',
    'trustlens findings list prod --status all --muted include',
    'trustlens findings list prod --server http://127.0.0.1:8080 --token-file ~/.trustlens-token',
  ],
  'findings show': [
    'trustlens findings show <finding-id>',
    'trustlens findings show <finding-id> --format json',
  ],
  'findings mute': [
    'trustlens findings mute <finding-id> --reason "accepted risk: internal only" --by alice --expires 2027-01-31',
  ],
  'findings unmute': [
    'trustlens findings unmute <finding-id> --by alice',
    'TRUSTLENS_TOKEN=… trustlens findings unmute <finding-id> --server https://trustlens.example.com',
  ],
  events: ['trustlens events prod --since 2026-06-01', 'trustlens events prod --format json --limit 500'],
  agents: ['trustlens agents prod', 'trustlens agents prod --guardrails none'],
  usage: [
    'trustlens usage prod --agent support-bot --days 30',
    'trustlens usage prod --model-only --format json',
  ],
  posture: [
    'trustlens posture',
    'trustlens posture prod --top 5 --format json',
    'TRUSTLENS_TOKEN=… trustlens posture --server http://127.0.0.1:8080',
  ],
  serve: [
    'trustlens serve',
    'trustlens serve --demo                                 # what npm start runs',
    'HOST=0.0.0.0 PORT=8080 trustlens serve --data-dir /var/lib/trustlens',
  ],
  completion: [
    'trustlens completion bash > ~/.local/share/bash-completion/completions/trustlens',
    'trustlens completion zsh > "${fpath[1]}/_trustlens"',
    'source <(trustlens completion bash)                    # this shell only',
  ],
  export: [
    'trustlens export prod --format sarif --output trustlens.sarif   # upload to code scanning',
    'trustlens export prod --format ocsf --output findings.ocsf.json  # for a security data lake',
    'trustlens export --format html --output report.html             # one integration: no name needed',
    'trustlens export prod --format cyclonedx --output aibom.cdx.json',
    'trustlens export prod --format sarif --server https://trustlens.example.com --token-file ~/.trustlens-token',
  ],
  alerts: [
    'trustlens alerts destinations add --name secops --kind slack --url-file slack-url.txt',
    'trustlens alerts rules add --name high --destination secops --min-severity high',
    'trustlens alerts deliveries --status failed',
  ],
  'alerts destinations': ['trustlens alerts destinations list', 'trustlens alerts destinations test secops'],
  'alerts destinations list': [
    'trustlens alerts destinations list',
    'trustlens alerts destinations list --format json',
  ],
  'alerts destinations add': [
    'trustlens alerts destinations add --name secops --kind slack --url-file slack-url.txt',
    'TRUSTLENS_ALERT_URL=https://siem.example.com/hooks/trustlens trustlens alerts destinations add --name siem',
  ],
  'alerts destinations test': ['trustlens alerts destinations test secops'],
  'alerts destinations rotate-secret': ['trustlens alerts destinations rotate-secret siem > new-secret.txt'],
  'alerts destinations enable': ['trustlens alerts destinations enable secops'],
  'alerts destinations disable': [
    'trustlens alerts destinations disable secops   # pause during maintenance',
  ],
  'alerts destinations remove': ['trustlens alerts destinations remove secops'],
  'alerts rules': [
    'trustlens alerts rules list',
    'trustlens alerts rules add --name high --destination secops --min-severity high',
  ],
  'alerts rules list': ['trustlens alerts rules list', 'trustlens alerts rules list --format json'],
  'alerts rules add': [
    'trustlens alerts rules add --name high --destination secops --min-severity high',
    'trustlens alerts rules add --name drift --destination siem --event guardrails_removed --event alias_weaker',
    'trustlens alerts rules add --name broken --destination secops --event sync_failing --sync-failing-runs 3',
    'trustlens alerts rules add --name secrets --destination siem --min-severity info --rule mistral_agent_instructions_secret --integration prod',
  ],
  'alerts rules remove': ['trustlens alerts rules remove high'],
  'alerts deliveries': [
    'trustlens alerts deliveries',
    'trustlens alerts deliveries --destination secops --status failed --format json',
  ],
  'alerts dispatch': [
    'trustlens sync prod && trustlens alerts dispatch   # without a server: send the alerts now',
  ],
};

export function examplesText(lines: readonly string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}
