import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const BIN = join(ROOT, 'bin', 'trustlens');

function run(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, MISTRAL_API_KEY: '' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('trustlens rules (as a process)', () => {
  it('--format json prints every rule with full metadata', () => {
    const { code, stdout } = run(['rules', '--format', 'json']);
    assert.equal(code, 0);
    const rules = JSON.parse(stdout) as Array<{
      id: string;
      severity: string;
      resourceType: string;
      title: string;
      remediation: { text: string; patchAgentBody?: unknown };
      compliance: Array<{ framework: string; id: string; title: string | null }>;
    }>;
    assert.equal(rules.length, 40);
    const missing = rules.find((r) => r.id === 'mistral_agent_guardrails_missing');
    assert.ok(missing);
    assert.equal(missing.severity, 'high');
    assert.equal(missing.resourceType, 'agent');
    assert.ok(missing.remediation.patchAgentBody);
    assert.ok(
      rules.every((r) => r.compliance.length > 0 && r.compliance.every((c) => typeof c.title === 'string')),
    );
  });

  it('default table lists id, severity, resource, title and frameworks', () => {
    const { code, stdout } = run(['rules']);
    assert.equal(code, 0);
    const lines = stdout.trimEnd().split('\n');
    assert.match(lines[0], /^ID\s+SEVERITY\s+RESOURCE\s+TITLE\s+FRAMEWORKS$/);
    const row = lines.find((l) => l.startsWith('mistral_agent_chat_deployed_unguarded '));
    assert.ok(row);
    assert.match(row, /critical\s+agent\s+Agent deployed to Le Chat.*LLM01, T15/);
    assert.equal(lines.at(-1), '40 rules.');
  });

  it('an unknown format exits 64 with a remediation', () => {
    const { code, stderr } = run(['rules', '--format', 'xml']);
    assert.equal(code, 64);
    assert.match(stderr, /Unknown format "xml"/);
    assert.match(stderr, /--format table or --format json/);
  });
});
