/**
 * Issue 12: a scan's progress on stderr, as users see it. `trustlens scan` runs as a process against
 * the simulator on 127.0.0.1, on a pseudo-terminal (util-linux `script`) and on a pipe:
 *  - terminal: the block is redrawn in place (cursor up + clear) and replaced by a summary line;
 *  - pipe: plain lines, one per resource-type state change, no escape code, then the summary;
 *  - NO_COLOR on a terminal: plain lines, no escape code.
 * `sync`'s progress lines and --quiet run in-process (runCliInProcess), where standard error is this
 * test process's: a pipe under the test runner (those tests are skipped if it is a terminal).
 * And the display itself, fed snapshots: an estimate of the time left only where a total is known.
 */
/* eslint-disable no-control-regex -- the assertions look for terminal escape sequences */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startSimulator, type SimulatorHandle } from '../src/simulator/index.ts';
import { createProgressDisplay, summaryLine } from '../src/cli/progress.ts';
import { ESCAPE_PATTERN, detectSettings } from '../src/cli/terminal.ts';
import type { SyncProgress } from '../src/services/syncs.ts';
import { BIN, runCli, runCliInProcess } from './helpers/run-cli.ts';

const FEATURES = ['models', 'files', 'libraries', 'agents', 'versions', 'usage'];
const ESC_GLOBAL = /\u001b/g;

let sim: SimulatorHandle;
const dir = mkdtempSync(join(tmpdir(), 'trustlens-progress-'));
before(async () => {
  sim = await startSimulator({ seed: 3, generator: { agents: 6, conversations: 30 } });
});
after(async () => {
  await sim?.close();
});

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
/** In-process runs write to this process's standard error: a pipe under the test runner. */
const stderrPipe = process.stderr.isTTY === true ? 'standard error is a terminal here, not a pipe' : false;

/** Runs the CLI on a pseudo-terminal (stdin, stdout and stderr are the terminal); returns what it showed. */
function runOnPty(
  args: string[],
  env: Record<string, string | undefined>,
): Promise<{ code: number | null; out: string }> {
  const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
  const command = [process.execPath, BIN, ...args].map(quote).join(' ');
  return new Promise((done, fail) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      env: {
        ...process.env,
        MISTRAL_API_KEY: undefined,
        DATABASE_URL: undefined,
        TRUSTLENS_DATA_DIR: undefined,
        NO_COLOR: undefined,
        FORCE_COLOR: undefined,
        TERM: 'xterm-256color',
        ...env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`pty run timed out: ${out}`));
    }, 180_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, out });
    });
  });
}

test(
  'on a pseudo-terminal: the progress block is redrawn in place, then replaced by a summary',
  {
    skip: hasScript ? false : 'util-linux script is not installed',
  },
  async () => {
    const report = join(dir, 'pty.json');
    const r = await runOnPty(['scan', '--base-url', sim.url, '--format', 'json', '--output', report], {
      MISTRAL_API_KEY: sim.apiKey,
    });
    assert.equal(r.code, 0, r.out);
    // Cursor control: back up to the block's first line ("ESC [ n F") and clear below ("ESC [ J").
    assert.match(r.out, /\u001b\[\d+F\u001b\[J/, 'the block is redrawn in place');
    assert.match(r.out, /\u001b\[J/);
    assert.match(r.out, /scan: reading the workspace/, 'the live block was drawn');
    for (const f of FEATURES) assert.match(r.out, new RegExp(`\\n {2}${f} `), `a line for ${f}`);
    // The last thing drawn is the summary, after the block was cleared.
    const lastClear = r.out.lastIndexOf('\u001b[J');
    const tail = r.out.slice(lastClear).replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
    assert.match(
      tail,
      /scan: read in \d+\.\d s, \d+ requests; 14 models, \d+ files, \d+ libraries, 6 agents, 6 of 6 agent histories, 30 conversation histories\./,
    );
    assert.doesNotMatch(tail, /reading the workspace/, 'the live block is gone after the summary');
    assert.equal(JSON.parse(readFileSync(report, 'utf8')).agents.length, 6);
  },
);

test('on a pipe: one plain line per resource-type state change, no escape code, then the summary', async () => {
  const r = await runCli(['scan', '--base-url', sim.url, '--format', 'json'], {
    MISTRAL_API_KEY: sim.apiKey,
    FORCE_COLOR: undefined,
    NO_COLOR: undefined,
  });
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, ESCAPE_PATTERN);
  assert.equal(r.stderr.match(ESC_GLOBAL), null, 'not a single ESC byte');
  assert.equal(JSON.parse(r.stdout).agents.length, 6, 'stdout is the report alone');
  const lines = r.stderr.split('\n').filter(Boolean);
  const transitions = lines.filter((l) => /^scan: \w+ (reading|done|failed|unavailable)\b/.test(l));
  for (const f of FEATURES) {
    const mine = transitions.filter((l) => l.startsWith(`scan: ${f} `));
    const states = mine.map((l) => l.split(' ')[2]);
    // Each state once, in order: reading (when seen), then done.
    assert.equal(new Set(states).size, states.length, `${f}: no repeated line: ${mine.join(' | ')}`);
    assert.equal(states.at(-1), 'done', `${f} ends done: ${mine.join(' | ')}`);
    assert.ok(states.length <= 2, `${f}: at most reading and done`);
  }
  assert.match(r.stderr, /^scan: versions done \(6 of 6 agent histories\)$/m);
  assert.match(r.stderr, /^scan: agents done \(6 agents\)$/m);
  assert.match(lines.at(-1)!, /^scan: read in \d+\.\d s, \d+ requests; /, 'the summary comes last');
  assert.equal(lines.length, transitions.length + 1, `nothing else is printed: ${r.stderr}`);
});

test(
  'trustlens sync: the same progress lines, labelled with the integration, then the result on stdout',
  {
    skip: stderrPipe,
  },
  async () => {
    const data = join(dir, 'data');
    const add = await runCliInProcess(
      ['integration', 'add', '--name', 'prod', '--base-url', sim.url, '--data-dir', data],
      {
        MISTRAL_API_KEY: sim.apiKey,
      },
    );
    assert.equal(add.code, 0, add.stderr);
    const r = await runCliInProcess(['sync', 'prod', '--data-dir', data], {
      FORCE_COLOR: undefined,
      NO_COLOR: undefined,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr.match(ESC_GLOBAL), null);
    for (const f of FEATURES) assert.match(r.stderr, new RegExp(`^prod: ${f} done`, 'm'), r.stderr);
    assert.match(r.stderr, /^prod: computing findings and storing$/m, 'the storing phase is said');
    assert.match(r.stderr, /^prod: read in /m);
    assert.match(r.stdout, /^prod: succeeded in /m, 'the result stays on stdout');
    const quiet = await runCliInProcess(['sync', 'prod', '--quiet', '--data-dir', data]);
    assert.equal(quiet.code, 0, quiet.stderr);
    assert.equal(quiet.stderr, '');
  },
);

test('--quiet: nothing on stderr on success, the result on stdout', async () => {
  const r = await runCliInProcess(['scan', '--quiet', '--base-url', sim.url, '--format', 'json'], {
    MISTRAL_API_KEY: sim.apiKey,
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.equal(JSON.parse(r.stdout).agents.length, 6);
  // And with --output: no "Wrote …" line either.
  const q = await runCliInProcess(['-q', 'scan', '--base-url', sim.url, '--output', join(dir, 'q.txt')], {
    MISTRAL_API_KEY: sim.apiKey,
  });
  assert.equal(q.code, 0, q.stderr);
  assert.equal(q.stderr, '');
  assert.equal(q.stdout, '');
});

test(
  'NO_COLOR and --no-color on a terminal: plain progress lines, not one escape code',
  {
    skip: hasScript ? false : 'util-linux script is not installed',
  },
  async () => {
    for (const [args, env] of [
      [['scan'], { NO_COLOR: '1' }],
      [['--no-color', 'scan'], {}],
      [['scan'], { TERM: 'dumb' }],
    ] as const) {
      const r = await runOnPty([...args, '--base-url', sim.url, '--output', join(dir, 'nc.txt')], {
        MISTRAL_API_KEY: sim.apiKey,
        ...env,
      });
      assert.equal(r.code, 0, r.out);
      assert.equal(r.out.match(ESC_GLOBAL), null, `${args.join(' ')} ${JSON.stringify(env)}: ${r.out}`);
      assert.match(r.out, /scan: agents done \(6 agents\)/);
      assert.match(r.out, /scan: read in /);
    }
  },
);

function snapshot(features: SyncProgress['features'], extra: Partial<SyncProgress> = {}): SyncProgress {
  return { requests: 10, rateLimited: 0, retries: 0, elapsedMs: 1000, phase: 'reading', features, ...extra };
}

test('the display: time left only where a total is known; verbose rate-limit lines; summary', () => {
  let clock = 0;
  let text = '';
  const settings = { ...detectSettings({}, {}, { stdout: {}, stderr: {} }), liveProgress: true };
  const display = createProgressDisplay({
    out: { write: (s: string) => (text += s) },
    settings,
    now: () => clock,
    redrawMs: 0,
  });
  const versions = (count: number) => ({
    feature: 'versions' as const,
    state: 'running' as const,
    count,
    total: 40,
  });
  const usage = (count: number) => ({
    feature: 'usage' as const,
    state: 'running' as const,
    count,
    total: null,
  });
  display.update(snapshot([versions(0), usage(0)]));
  clock = 2000;
  display.update(snapshot([versions(10), usage(50)]));
  // 10 of 40 in 2 s: 30 more at 5 a second.
  assert.match(text, /versions .*10 of 40 agent histories so far, about 6 s left/);
  assert.match(text, /usage .*50 conversation histories so far\n/, 'no estimate without a total');
  assert.doesNotMatch(text.split('usage')[2] ?? '', /left/);
  display.finish();
  assert.match(
    text,
    /\u001b\[3F\u001b\[J.*scan: read in 1\.0 s, 10 requests; versions reading \(10 of 40 agent histories\), usage reading \(50 conversation histories\)\./s,
  );

  // A pipe, verbose: figures on each line, and a line when Mistral rate-limits.
  let plain = '';
  const verbose = createProgressDisplay({
    out: { write: (s: string) => (plain += s) },
    settings: { ...settings, liveProgress: false, verbose: true },
    label: 'prod',
  });
  verbose.update(snapshot([{ feature: 'models', state: 'running', count: null, total: null }]));
  verbose.update(
    snapshot([{ feature: 'models', state: 'done', count: 3, total: null }], {
      rateLimited: 2,
      retries: 2,
      requests: 7,
    }),
  );
  verbose.finish();
  assert.equal(plain.match(ESC_GLOBAL), null);
  assert.match(plain, /^prod: models reading \[1\.0 s, 10 requests\]$/m);
  assert.match(plain, /^prod: Mistral rate-limited 2 request\(s\) \(HTTP 429\); waiting and slowing down/m);
  assert.match(
    plain,
    /^prod: models done \(3 models\) \[1\.0 s, 7 requests \(2 retried, 2 rate-limited\)\]$/m,
  );
  assert.equal(
    summaryLine(snapshot([{ feature: 'agents', state: 'unavailable', count: null, total: null }]), 'x'),
    'x: read in 1.0 s, 10 requests; agents unavailable.',
  );
});

test('--quiet: the display is silent and gives the service no listener', () => {
  let text = '';
  const display = createProgressDisplay({
    out: { write: (s: string) => (text += s) },
    settings: { ...detectSettings({ quiet: true }, {}, { stdout: {}, stderr: { isTTY: true } }) },
  });
  assert.equal(display.listener, undefined);
  display.update(snapshot([{ feature: 'models', state: 'done', count: 1, total: null }]));
  display.finish();
  assert.equal(text, '');
});
