/**
 * `trustlens sim`: flag parsing, and a real run of ./bin/trustlens sim that prints its URL and key,
 * serves requests, and stops on SIGINT.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { simOptionsFromFlags } from '../src/cli/commands/sim.ts';
import { isAppError } from '../src/errors/index.ts';

const ROOT = join(import.meta.dirname, '..');

describe('trustlens sim flags', () => {
  const fixed = () => new Date('2026-03-04T05:06:07.890Z');

  test('defaults: generated workspace ending at the current minute, beta on, no limits', () => {
    const o = simOptionsFromFlags({ beta: true }, fixed);
    assert.equal(o.host, '127.0.0.1');
    assert.equal(o.port, 0);
    assert.deepEqual(o.generator, { now: '2026-03-04T05:06:00.000Z' });
    assert.equal(o.beta, undefined);
    assert.equal(o.rateLimit, undefined);
    assert.equal(o.faults, undefined);
  });

  test('every knob', () => {
    const o = simOptionsFromFlags(
      {
        beta: false,
        betaStatus: '404',
        seed: '9',
        agents: '200',
        conversations: '4000',
        rps: '200',
        latencyMs: '25',
        faultRate: '0.05',
        port: '0',
        now: '2026-01-01T00:00:00Z',
      },
      fixed,
    );
    assert.equal(o.seed, 9);
    assert.deepEqual(o.generator, { now: '2026-01-01T00:00:00.000Z', agents: 200, conversations: 4000 });
    assert.deepEqual(o.beta, { enabled: false, status: 404 });
    assert.deepEqual(o.rateLimit, { rps: 200 });
    assert.equal(o.latencyMs, 25);
    assert.deepEqual(o.faults, { rate: 0.05 });
    assert.deepEqual(simOptionsFromFlags({ beta: false }, fixed).beta, { enabled: false, status: 403 });
    assert.deepEqual(
      simOptionsFromFlags({ beta: true, faultRate: '0.5', faultKinds: '503, reset' }, fixed).faults,
      { rate: 0.5, kinds: ['503', 'reset'] },
    );
  });

  test('a scenario replaces the generator', () => {
    const o = simOptionsFromFlags({ beta: true, scenario: join(ROOT, 'scenarios/small.json') }, fixed);
    assert.equal(o.generator, undefined);
    assert.equal(o.workspace?.agents.length, 2);
  });

  test('bad values are INVALID_INPUT errors', () => {
    for (const f of [
      { seed: '-1' },
      { agents: '1.5' },
      { rps: '0' },
      { faultRate: '2' },
      { betaStatus: '500', beta: false },
      { port: '70000' },
      { now: 'yesterday' },
      { scenario: '/nonexistent.json' },
    ]) {
      assert.throws(
        () => simOptionsFromFlags({ beta: true, ...f }, fixed),
        (e) => isAppError(e) && e.code === 'INVALID_INPUT',
        JSON.stringify(f),
      );
    }
  });
});

describe('./bin/trustlens sim', { timeout: 60_000 }, () => {
  test('prints URL and key, serves, stops on SIGINT', async () => {
    const child = spawn(
      process.execPath,
      [
        join(ROOT, 'bin/trustlens'),
        'sim',
        '--seed',
        '3',
        '--agents',
        '4',
        '--conversations',
        '9',
        '--no-beta',
        '404',
      ],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, MISTRAL_API_KEY: '' },
      },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    try {
      const ready = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no banner within 30 s; stdout=${out} stderr=${err}`)),
          30_000,
        );
        child.stdout.on('data', (d) => {
          out += d;
          if (out.includes('Ctrl-C')) {
            clearTimeout(timer);
            resolve(out);
          }
        });
        child.once('exit', () => reject(new Error(`exited early: ${out} ${err}`)));
      });
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(ready)?.[1];
      const key = /API key: (sim-[0-9a-f]{32})/.exec(ready)?.[1];
      assert.ok(url && key, ready);
      assert.match(ready, /4 agents, 9 conversations/);
      assert.ok(ready.includes(`MISTRAL_API_KEY=${key} trustlens scan --base-url ${url}`));
      const h = { authorization: `Bearer ${key}` };
      assert.equal(
        (await fetch(`${url}/v1/models`, { headers: h, signal: AbortSignal.timeout(10_000) })).status,
        200,
      );
      assert.equal(
        (await fetch(`${url}/v1/agents`, { headers: h, signal: AbortSignal.timeout(10_000) })).status,
        404,
      );
      child.kill('SIGINT');
      assert.equal(await exited, 0);
      assert.match(out, /Simulator stopped/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
