/* eslint-disable no-control-regex -- the assertions look for terminal escape sequences */
/**
 * Issue 12: colour only where it belongs. The rules (src/cli/terminal.ts): never with --no-color,
 * NO_COLOR (any non-empty value), TERM=dumb or a stream that is not a terminal; FORCE_COLOR forces it
 * (but never over NO_COLOR or --no-color). Colour codes never come from workspace text.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  colorWanted,
  configureTerminal,
  detectSettings,
  paint,
  paintSeverities,
} from '../src/cli/terminal.ts';
import { safeText } from '../src/shared/text.ts';
import { HOSTILE_PAYLOADS } from '../src/simulator/hostile.ts';
import { runCli } from './helpers/run-cli.ts';

const TTY = { isTTY: true };
const PIPE = { isTTY: false };

test('when to colour a stream', () => {
  assert.equal(colorWanted(TTY, {}, undefined), true, 'a terminal');
  assert.equal(colorWanted(PIPE, {}, undefined), false, 'a pipe or a file');
  assert.equal(colorWanted(TTY, { NO_COLOR: '1' }, undefined), false, 'NO_COLOR=1');
  assert.equal(colorWanted(TTY, { NO_COLOR: 'anything' }, undefined), false, 'NO_COLOR, any value');
  assert.equal(
    colorWanted(TTY, { NO_COLOR: '' }, undefined),
    true,
    'an empty NO_COLOR is unset (no-color.org)',
  );
  assert.equal(colorWanted(TTY, {}, false), false, '--no-color');
  assert.equal(colorWanted(TTY, { TERM: 'dumb' }, undefined), false, 'TERM=dumb');
  assert.equal(colorWanted(PIPE, { FORCE_COLOR: '1' }, undefined), true, 'FORCE_COLOR on a pipe');
  assert.equal(colorWanted(PIPE, { FORCE_COLOR: '' }, undefined), true, 'FORCE_COLOR set empty');
  assert.equal(colorWanted(TTY, { FORCE_COLOR: '0' }, undefined), false, 'FORCE_COLOR=0');
  assert.equal(colorWanted(PIPE, { FORCE_COLOR: '1', NO_COLOR: '1' }, undefined), false, 'NO_COLOR wins');
  assert.equal(colorWanted(PIPE, { FORCE_COLOR: '1' }, false), false, '--no-color wins');
  const s = detectSettings({ verbose: true, quiet: true }, {}, { stdout: TTY, stderr: PIPE });
  assert.deepEqual(s.color, { stdout: true, stderr: false }, 'each stream decides');
  assert.equal(s.verbose, false, '--quiet wins over --verbose');
  assert.equal(detectSettings({}, { NO_COLOR: '1' }, { stdout: TTY, stderr: TTY }).liveProgress, false);
  assert.equal(detectSettings({}, {}, { stdout: TTY, stderr: TTY }).liveProgress, true);
});

test('severities are painted, and workspace text can never carry an escape of its own', (t) => {
  t.after(() => configureTerminal({}));
  configureTerminal({ color: false });
  assert.equal(paintSeverities('stdout', 'critical high'), 'critical high', 'no colour: unchanged');
  assert.equal(paint('stderr', 'red', 'Error:'), 'Error:');
  // Forced colour on (this test's streams are pipes): FORCE_COLOR is read when the settings are made.
  const saved = process.env.FORCE_COLOR;
  process.env.FORCE_COLOR = '1';
  t.after(() => (saved === undefined ? delete process.env.FORCE_COLOR : (process.env.FORCE_COLOR = saved)));
  configureTerminal({});
  assert.equal(
    paintSeverities('stdout', 'x critical y'),
    'x \u001b[1m\u001b[31mcritical\u001b[39m\u001b[22m y',
  );
  assert.equal(paintSeverities('stdout', 'rule-critical-x'), 'rule-critical-x', 'whole words only');
  for (const payload of [
    ...HOSTILE_PAYLOADS,
    '\u001b[31mcritical\u001b[0m',
    '\u009b31mHIGH',
    '\u001b]8;;x\u0007',
  ]) {
    const shown = paintSeverities('stdout', safeText(payload, 10_000));
    // Remove the codes this program adds: nothing escape-like may be left.
    const ours = shown.replace(/\u001b\[(1|22|31|33|36|39)m/g, '');
    assert.doesNotMatch(ours, /[\u001b\u009b\u0007]/, `escape left from ${JSON.stringify(payload)}`);
  }
});

test('the error renderer: labels coloured under FORCE_COLOR, never with NO_COLOR or --no-color', async () => {
  const bad = ['rules', '--format', 'xml'];
  const forced = await runCli(bad, { FORCE_COLOR: '1', NO_COLOR: undefined });
  assert.equal(forced.code, 64);
  assert.match(forced.stderr, /\u001b\[31mError:\u001b\[39m/);
  assert.match(forced.stderr, /\u001b\[33mWhat to do:\u001b\[39m/);

  for (const [args, env] of [
    [bad, { FORCE_COLOR: '1', NO_COLOR: '1' }],
    [['--no-color', ...bad], { FORCE_COLOR: '1' }],
    [[...bad, '--no-color'], { FORCE_COLOR: '1' }],
    [bad, { FORCE_COLOR: undefined, NO_COLOR: undefined }],
  ] as const) {
    const r = await runCli([...args], env);
    assert.equal(r.code, 64, r.stderr);
    assert.match(
      r.stderr,
      /^Error: Unknown format "xml"\.\nWhat to do: /,
      `${args.join(' ')} ${JSON.stringify(env)}`,
    );
    assert.doesNotMatch(r.stderr + r.stdout, /\u001b/);
  }
});

test('tables: severities coloured under FORCE_COLOR, plain when piped', async () => {
  const plain = await runCli(['rules'], { FORCE_COLOR: undefined, NO_COLOR: undefined });
  assert.equal(plain.code, 0, plain.stderr);
  assert.doesNotMatch(plain.stdout, /\u001b/);
  const forced = await runCli(['rules'], { FORCE_COLOR: '1', NO_COLOR: undefined });
  assert.match(forced.stdout, /\u001b\[31mhigh\u001b\[39m/);
  // The columns still line up: the codes are added after the widths were computed.
  const strip = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');
  assert.equal(strip(forced.stdout), plain.stdout);
});
