/**
 * Deployment files (issue 13): compose.yaml validates against the Compose Specification's JSON schema
 * (vendored in schemas/compose-spec, draft-07) and keeps its invariants (PostgreSQL 15 with a healthcheck,
 * the API waits for it, secrets only through *_FILE secret files, commands the CLI has); the Dockerfile keeps
 * its own (Node 20 bookworm-slim stages, a non-root USER, a HEALTHCHECK on /healthz, no secret in ENV or
 * ARG, an entry point that exists); docker/entrypoint.sh turns *_FILE into variables without printing them;
 * docs/deploy.md names every environment variable config.ts reads. Where `docker compose` is available,
 * `docker compose config -q` checks the file too; elsewhere that test is skipped with a message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { Command } from 'commander';
import { parseDocument } from 'yaml';
import { commands } from '../src/cli/commands/index.ts';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ROOT = join(import.meta.dirname, '..');
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');
const SECRET_NAME = /KEY|PASSWORD|PASSPHRASE|TOKEN|SECRET|CREDENTIAL|DATABASE_URL/i;

function loadCompose(text = read('compose.yaml')): Obj {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  assert.deepEqual(
    doc.errors.map((e) => e.message),
    [],
    'compose.yaml is valid YAML',
  );
  assert.deepEqual(
    doc.warnings.map((e) => e.message),
    [],
    'compose.yaml has no YAML warning',
  );
  return doc.toJS() as Obj;
}

function composeValidator() {
  const schema = JSON.parse(read('schemas/compose-spec/compose-spec.json')) as Obj;
  assert.equal(schema.$schema, 'https://json-schema.org/draft-07/schema', 'draft-07: Ajv (default)');
  // strict: false: Ajv's strict mode lints schema style; the official schema is used unchanged.
  const ajv = new Ajv({ allErrors: true, strict: false });
  // The schema names the draft-07 meta-schema by its https address; Ajv ships it under the http one.
  const draft07 = createRequire(import.meta.url)('ajv/dist/refs/json-schema-draft-07.json') as Obj;
  ajv.addMetaSchema({ ...draft07, $id: schema.$schema as string });
  return ajv.compile(schema);
}

/** The CLI's program with every verb registered (implementations load lazily: nothing runs). */
function cliProgram(): Command {
  const program = new Command('trustlens');
  for (const register of commands) register(program);
  return program;
}

/** `[verb, ...args]` must be a registered command whose every --flag exists. */
function assertCliCommand(argv: string[], where: string) {
  const [verb, ...args] = argv;
  const cmd = cliProgram().commands.find((c) => c.name() === verb);
  assert.ok(cmd, `${where}: \`trustlens ${verb}\` is a CLI command`);
  for (const arg of args.filter((a) => a.startsWith('--'))) {
    const flag = arg.split('=')[0];
    assert.ok(
      cmd.options.some((o) => o.long === flag),
      `${where}: \`trustlens ${verb}\` has the option ${flag}`,
    );
  }
}

test('compose.yaml validates against the Compose Specification schema', () => {
  const validate = composeValidator();
  const compose = loadCompose();
  assert.ok(validate(compose), JSON.stringify(validate.errors, null, 2));

  // The validator can fail: a misspelt key and a wrong type are refused.
  const broken = structuredClone(compose);
  broken.services.trustlens.enviroment = broken.services.trustlens.environment;
  assert.equal(validate(broken), false, 'an unknown service key is refused');
  const wrongType = structuredClone(compose);
  wrongType.services.postgres.healthcheck.test = { command: 'pg_isready' };
  assert.equal(validate(wrongType), false, 'a wrong type is refused');
});

test('compose.yaml: PostgreSQL 15 with a healthcheck, the API waits for it, commands exist', () => {
  const compose = loadCompose();
  const services = compose.services as Record<string, Obj>;
  const postgres = services.postgres;
  assert.match(String(postgres.image), /^postgres:15([.-]|$)/, 'PostgreSQL 15');
  assert.ok(postgres.healthcheck?.test, 'PostgreSQL has a healthcheck');
  assert.match(JSON.stringify(postgres.healthcheck.test), /pg_isready/);

  const app = Object.entries(services).filter(([name]) => name !== 'postgres');
  assert.ok(app.length >= 1, 'at least one TrustLens service');
  for (const [name, svc] of app) {
    assert.equal(svc.depends_on?.postgres?.condition, 'service_healthy', `${name} waits for PostgreSQL`);
    assert.ok(Array.isArray(svc.command), `${name}: command in exec form`);
    assertCliCommand(svc.command as string[], `compose service ${name}`);
    assert.ok(svc.build || /^trustlens/.test(String(svc.image)), `${name} runs the TrustLens image`);
  }
  // Scale-out services (issue 13), when the CLI has them: serve --no-worker and a worker.
  const verbs = cliProgram().commands.map((c) => c.name());
  if (verbs.includes('worker')) {
    assert.ok(
      app.some(([, svc]) => (svc.command as string[])[0] === 'worker'),
      '`trustlens worker` exists: compose.yaml runs a worker service',
    );
    assert.ok(
      app.some(([, svc]) => JSON.stringify(svc.command) === JSON.stringify(['serve', '--no-worker'])),
      'the API service serves only (`serve --no-worker`): the workers sync',
    );
    const worker = app.find(([, svc]) => (svc.command as string[])[0] === 'worker')![1];
    assert.equal(worker.ports, undefined, 'a worker publishes no port');
  }
});

test('compose.yaml: secrets come from secret files, never from values in the file', () => {
  const compose = loadCompose();
  const declared = compose.secrets as Record<string, Obj>;
  for (const [name, svc] of Object.entries(compose.services as Record<string, Obj>)) {
    const env = svc.environment as Record<string, unknown> | undefined;
    assert.ok(!Array.isArray(env), `${name}: environment as a mapping`);
    const mounted = new Set(
      ((svc.secrets ?? []) as Array<string | { source: string }>).map((s) =>
        typeof s === 'string' ? s : s.source,
      ),
    );
    for (const [key, value] of Object.entries(env ?? {})) {
      const text = String(value ?? '');
      if (key.endsWith('_FILE')) {
        const m = /^\/run\/secrets\/([\w.-]+)$/.exec(text);
        assert.ok(m, `${name}: ${key} names a mounted secret (/run/secrets/NAME)`);
        assert.ok(mounted.has(m[1]), `${name}: the secret ${m[1]} is mounted in the service`);
        assert.ok(declared?.[m[1]]?.file, `the secret ${m[1]} is declared with a file`);
        continue;
      }
      if (key === 'DATABASE_URL') {
        assert.doesNotMatch(text, /:\/\/[^/@]*:[^/@]*@/, `${name}: DATABASE_URL carries no password`);
        continue;
      }
      if (SECRET_NAME.test(key)) {
        assert.match(text, /^\$\{[A-Z_]+(:?-)?\}$|^$/, `${name}: ${key} has no value in compose.yaml`);
      }
    }
    for (const file of (svc.env_file ?? []) as Array<string | { path: string }>) {
      const path = typeof file === 'string' ? file : file.path;
      assert.ok(
        !existsSync(join(ROOT, path)) || !/^[^#]*\S/m.test(read(path)),
        `${path} is never committed with values`,
      );
    }
  }
  // The secret files themselves stay out of the repository and out of the image's build context.
  const gitignore = read('secrets/.gitignore').split('\n');
  assert.ok(
    gitignore.includes('*') && gitignore.includes('!.gitignore'),
    'secrets/ holds no committed secret',
  );
});

/** Dockerfile instructions: comments dropped, continuation lines joined. */
function dockerInstructions(text: string): Array<{ op: string; args: string }> {
  const out: Array<{ op: string; args: string }> = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!current && (line === '' || line.startsWith('#'))) continue;
    if (current && line.startsWith('#')) continue;
    current += (current ? ' ' : '') + line.replace(/\\$/, '').trim();
    if (line.endsWith('\\')) continue;
    const m = /^(\w+)\s+(.*)$/s.exec(current);
    if (m) out.push({ op: m[1].toUpperCase(), args: m[2] });
    current = '';
  }
  return out;
}

const execForm = (args: string) => JSON.parse(args.replace(/^--\S+\s+/g, '')) as string[];

test('Dockerfile: node:20-bookworm-slim stages, non-root, HEALTHCHECK on /healthz, no secret, entry command exists', () => {
  const ins = dockerInstructions(read('Dockerfile'));
  const froms = ins.filter((i) => i.op === 'FROM');
  assert.ok(froms.length >= 2, 'multi-stage');
  const imageArg = ins.find((i) => i.op === 'ARG' && i.args.startsWith('NODE_IMAGE='));
  assert.equal(imageArg?.args, 'NODE_IMAGE=node:20-bookworm-slim');
  for (const f of froms) assert.match(f.args, /^(\$\{NODE_IMAGE\}|node:20-bookworm-slim)(\s|$)/, f.args);

  const lastFrom = ins.lastIndexOf(froms[froms.length - 1]);
  const final = ins.slice(lastFrom);
  const users = final.filter((i) => i.op === 'USER');
  assert.ok(users.length > 0, 'the final stage sets USER');
  const user = users[users.length - 1].args.split(':')[0];
  assert.ok(!['root', '0'].includes(user), `the final USER is not root (${user})`);
  assert.ok(
    final.findIndex((i) => i === users[users.length - 1]) >
      Math.max(...final.map((i, n) => (i.op === 'RUN' ? n : -1))),
    'USER comes after every RUN of the final stage',
  );

  const health = final.filter((i) => i.op === 'HEALTHCHECK');
  assert.equal(health.length, 1, 'one HEALTHCHECK');
  assert.match(health[0].args, /CMD .*\/healthz/);
  assert.match(read('src/server/routes/operations.ts'), /'\/healthz'/, 'the server answers /healthz');

  for (const i of ins.filter((x) => x.op === 'ENV' || x.op === 'ARG')) {
    for (const m of i.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S*)/g)) {
      assert.ok(!SECRET_NAME.test(m[1]), `${i.op} ${m[1]}: no secret is baked into the image`);
    }
  }
  assert.ok(
    !final.some((i) => i.op === 'COPY' && /(^|\s)(secrets|\.trustlens|master\.key)/.test(i.args)),
    'no secret copied',
  );

  // Every COPY from the build context names a file that exists and is not excluded by .dockerignore.
  const ignored = read('.dockerignore')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  for (const entry of [
    '.git',
    '**/node_modules',
    '.trustlens',
    '**/master.key',
    'secrets',
    '**/.env*',
    '**/*.env',
  ]) {
    assert.ok(ignored.includes(entry), `.dockerignore excludes ${entry}`);
  }
  for (const i of ins.filter((x) => x.op === 'COPY' && !x.args.includes('--from='))) {
    const parts = i.args.split(/\s+/).filter((p) => !p.startsWith('--'));
    for (const src of parts.slice(0, -1)) {
      assert.ok(existsSync(join(ROOT, src)), `COPY ${src}: exists`);
      assert.ok(!ignored.includes(src), `COPY ${src}: not excluded by .dockerignore`);
    }
  }

  // The entry point is a file copied into the image, executable; CMD is a CLI command.
  const entrypoint = execForm(final.find((i) => i.op === 'ENTRYPOINT')!.args);
  const copied = final
    .filter((i) => i.op === 'COPY' && !i.args.includes('--from='))
    .map((i) => i.args.split(/\s+/).filter((p) => !p.startsWith('--')))
    .find((p) => p[p.length - 1] === entrypoint[0]);
  assert.ok(copied, `ENTRYPOINT ${entrypoint[0]} is copied into the image`);
  assert.ok(statSync(join(ROOT, copied[0])).mode & 0o111, `${copied[0]} is executable`);
  assert.match(read(copied[0]), /exec node \/app\/bin\/trustlens "\$@"/);
  assert.ok(
    final.some((i) => i.op === 'WORKDIR' && i.args === '/app'),
    'the final stage works in /app',
  );
  const cmd = execForm(final.find((i) => i.op === 'CMD')!.args);
  assertCliCommand(cmd, 'Dockerfile CMD');
});

/** Runs docker/entrypoint.sh with a stand-in `node` that prints the variables it received. */
function runEntrypoint(env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'tl-entrypoint-'));
  try {
    const fakeNode = join(dir, 'node');
    writeFileSync(
      fakeNode,
      '#!/bin/sh\nprintf \'%s\\n\' "args=$*" "key=${TRUSTLENS_MASTER_KEY:-}" "pw=${PGPASSWORD:-}" "keyfile=${TRUSTLENS_MASTER_KEY_FILE:-unset}"\n',
    );
    chmodSync(fakeNode, 0o755);
    const files: Record<string, string> = {};
    for (const [k, v] of Object.entries(env)) {
      if (k.endsWith('_FILE') && v.startsWith('content:')) {
        const p = join(dir, k.toLowerCase());
        writeFileSync(p, v.slice('content:'.length), { mode: 0o600 });
        files[k] = p;
      }
    }
    const r = spawnSync('sh', [join(ROOT, 'docker/entrypoint.sh'), 'serve', '--no-scheduler'], {
      env: { PATH: `${dir}:/usr/bin:/bin`, ...env, ...files },
      encoding: 'utf8',
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('docker/entrypoint.sh: *_FILE sets the variable, never prints it, and refuses what it cannot use', () => {
  const ok = runEntrypoint({
    TRUSTLENS_MASTER_KEY_FILE: 'content:c2VjcmV0LW1hc3Rlci1rZXktdmFsdWUtMDAwMDAwMDA=\n',
    PGPASSWORD_FILE: 'content:pg-secret-value\n\n',
  });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /^args=\/app\/bin\/trustlens serve --no-scheduler$/m);
  assert.match(ok.stdout, /^key=c2VjcmV0LW1hc3Rlci1rZXktdmFsdWUtMDAwMDAwMDA=$/m, 'trailing newline dropped');
  assert.match(ok.stdout, /^pw=pg-secret-value$/m);
  assert.match(ok.stdout, /^keyfile=unset$/m, 'the _FILE variable is not passed on');
  assert.equal(ok.stderr, '');

  const both = runEntrypoint({
    TRUSTLENS_MASTER_KEY: 'direct-secret-value',
    TRUSTLENS_MASTER_KEY_FILE: 'content:file-secret-value',
  });
  assert.equal(both.status, 64);
  assert.match(both.stderr, /both TRUSTLENS_MASTER_KEY and TRUSTLENS_MASTER_KEY_FILE are set/);
  assert.doesNotMatch(both.stderr + both.stdout, /secret-value/);

  const missing = runEntrypoint({ TRUSTLENS_MASTER_KEY_FILE: '/nonexistent/master_key' });
  assert.equal(missing.status, 64);
  assert.match(
    missing.stderr,
    /TRUSTLENS_MASTER_KEY_FILE names \/nonexistent\/master_key, which .* cannot read/,
  );
  assert.equal(missing.stdout, '', 'nothing runs');
});

test('docs/deploy.md names every environment variable config.ts reads, and the README links it', () => {
  const config = read('src/app/config.ts');
  const schema = config.slice(
    config.indexOf('const EnvSchema'),
    config.indexOf('});', config.indexOf('const EnvSchema')),
  );
  const names = [...schema.matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]);
  assert.ok(names.length >= 20, `config.ts's variables found (${names.length})`);
  const doc = read('docs/deploy.md');
  const missing = names.filter((n) => !doc.includes(`\`${n}\``));
  assert.deepEqual(missing, [], 'every variable has a row in docs/deploy.md');
  for (const extra of [
    'MISTRAL_API_KEY',
    'TRUSTLENS_MASTER_KEY_PREVIOUS',
    'PGPASSWORD',
    'TRUSTLENS_MASTER_KEY_FILE',
  ]) {
    assert.ok(doc.includes(`\`${extra}\``), `docs/deploy.md names ${extra}`);
  }
  assert.ok(read('README.md').includes('(docs/deploy.md)'), 'the README links docs/deploy.md');
});

function dockerCompose(): string | null {
  const r = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' });
  return r.status === 0 ? null : (r.error?.message ?? (r.stderr || r.stdout).trim().split('\n')[0]);
}

test('docker compose config -q accepts compose.yaml (where docker compose is available)', (t) => {
  const why = dockerCompose();
  if (why !== null) {
    t.skip(`docker compose is not available here (${why}); the schema test above still checks compose.yaml`);
    return;
  }
  // The secret files compose.yaml names, with throwaway values, in a copy of the project's two files.
  const dir = mkdtempSync(join(tmpdir(), 'tl-compose-'));
  try {
    writeFileSync(join(dir, 'compose.yaml'), read('compose.yaml'));
    writeFileSync(join(dir, 'Dockerfile'), read('Dockerfile'));
    spawnSync('mkdir', ['-p', join(dir, 'secrets')]);
    for (const s of Object.values(loadCompose().secrets as Record<string, Obj>))
      writeFileSync(join(dir, s.file as string), 'throwaway\n', { mode: 0o600 });
    const r = spawnSync('docker', ['compose', '-f', join(dir, 'compose.yaml'), 'config', '-q'], {
      cwd: dir,
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
