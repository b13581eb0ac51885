/**
 * Issue 12: every command's --help has examples; `trustlens completion bash|zsh` prints a script built
 * from the registered commands, which bash parses and which completes "trustlens sc" to "scan".
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Command } from 'commander';
import { buildProgram } from '../src/cli/program.ts';
import { runCli } from './helpers/run-cli.ts';

function walk(cmd: Command, path: string[] = [], out: Array<{ path: string[]; cmd: Command }> = []) {
  out.push({ path, cmd });
  for (const sub of cmd.commands) walk(sub, [...path, sub.name()], out);
  return out;
}

/** A command's whole --help, with what addHelpText adds after it. */
function helpOf(cmd: Command): string {
  let text = '';
  cmd.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
  cmd.outputHelp();
  return text;
}

test('every registered command, the program included, has an Examples section in its --help', () => {
  const all = walk(buildProgram('0.0.0-test'));
  assert.ok(all.length >= 20, `${all.length} commands walked`);
  const names = all.map((c) => c.path.join(' '));
  for (const expected of [
    '',
    'scan',
    'demo',
    'integration add',
    'findings list',
    'keys status',
    'completion',
  ])
    assert.ok(names.includes(expected), `"${expected}" is registered`);
  const missing: string[] = [];
  for (const { path, cmd } of all) {
    const help = helpOf(cmd);
    const at = help.indexOf('\nExamples:\n');
    if (at < 0) {
      missing.push(path.join(' ') || '(program)');
      continue;
    }
    // Each example runs this very command (or the program): "trustlens <path> …".
    const examples = help
      .slice(at)
      .split('\n')
      .filter((l) => l.startsWith('  $ '));
    assert.ok(examples.length > 0, `${path.join(' ')}: the Examples section lists examples`);
    const invocation = ['trustlens', ...path].join(' ');
    assert.ok(
      examples.some((l) => l.includes(invocation)),
      `${path.join(' ') || '(program)'}: an example runs \`${invocation}\`: ${examples.join(' | ')}`,
    );
  }
  assert.deepEqual(missing, [], 'commands without examples (add them in src/cli/examples.ts)');
});

test('the examples use only options their command has', () => {
  const all = walk(buildProgram('0.0.0-test'));
  for (const { path, cmd } of all) {
    const known = new Set([
      ...cmd.options.flatMap((o) => [o.long, o.short]),
      '--help',
      '--quiet',
      '--verbose',
      '--no-color',
      '-q',
      '-v',
    ]);
    const help = helpOf(cmd);
    const at = help.indexOf('\nExamples:\n');
    if (at < 0) continue;
    const invocation = ['trustlens', ...path].join(' ');
    for (const line of help
      .slice(at)
      .split('\n')
      .filter((l) => l.includes(`${invocation} `))) {
      const rest = line.slice(line.indexOf(invocation) + invocation.length).split('#')[0];
      // Only this command's own options (up to a pipe or a second command).
      const own = rest.split(/\||&&|>/)[0];
      // A subcommand's example is checked on the subcommand.
      const firstWord = own.trim().split(/\s+/)[0];
      if (cmd.commands.some((c) => c.name() === firstWord)) continue;
      for (const flag of own.match(/(?<=\s)--?[a-z][\w-]*/g) ?? [])
        assert.ok(
          known.has(flag),
          `${invocation}: the example "${line.trim()}" uses ${flag}, which it does not take`,
        );
    }
  }
});

test('--version and a command --help as a process: exit 0, examples printed', async () => {
  const v = await runCli(['--version']);
  assert.equal(v.code, 0, v.stderr);
  assert.match(v.stdout, /^\d+\.\d+\.\d+\n$/);
  const h = await runCli(['integration', 'add', '--help']);
  assert.equal(h.code, 0, h.stderr);
  assert.match(h.stdout, /\nExamples:\n {2}\$ .*trustlens integration add --name prod/);
});

test('completion bash: bash parses it, and completing "trustlens sc" offers scan', async (t) => {
  const r = await runCli(['completion', 'bash']);
  assert.equal(r.code, 0, r.stderr);
  const dir = mkdtempSync(join(tmpdir(), 'trustlens-completion-'));
  const file = join(dir, 'trustlens.bash');
  writeFileSync(file, r.stdout);
  const syntax = spawnSync('bash', ['-n', file], { encoding: 'utf8' });
  assert.equal(syntax.status, 0, `bash -n: ${syntax.stderr}`);

  // Drive the completion function as bash's programmable completion would: COMP_WORDS/COMP_CWORD.
  const complete = (...words: string[]): string[] => {
    const script = [
      'set -u',
      `source ${JSON.stringify(file)}`,
      `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')})`,
      'COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))',
      'COMP_LINE="${COMP_WORDS[*]}"',
      'COMP_POINT=${#COMP_LINE}',
      'fn=$(complete -p trustlens | sed -E "s/.*-F ([^ ]+).*/\\1/")',
      '"$fn"',
      'printf "%s\\n" "${COMPREPLY[@]}"',
    ].join('\n');
    const out = spawnSync('bash', ['-c', script], { encoding: 'utf8', cwd: dir });
    assert.equal(out.status, 0, `completing ${words.join(' ')}: ${out.stderr}`);
    return out.stdout.split('\n').filter(Boolean);
  };
  assert.deepEqual(complete('trustlens', 'sc'), ['scan']);
  assert.ok(complete('trustlens', '').includes('completion'), 'every verb is offered');
  assert.deepEqual(complete('trustlens', 'integration', 'r').sort(), ['remove', 'rotate-key']);
  assert.ok(complete('trustlens', 'scan', '--fo').includes('--format'));
  assert.deepEqual(complete('trustlens', 'scan', '--format', 'sa'), ['sarif'], 'format values are offered');
  assert.deepEqual(complete('trustlens', 'rules', '--format', ''), ['table', 'json']);
  assert.ok(complete('trustlens', 'findings', 'list', 'prod', '--severity', 'cr').includes('critical'));
  // A flag's value is not taken for a subcommand, and global flags before the verb are skipped.
  assert.deepEqual(complete('trustlens', '--quiet', 'findings', 'sh'), ['show']);
  assert.ok(complete('trustlens', 'scan', '--base-url', 'eu', '--').includes('--fail-on'));
  t.diagnostic('bash completion checked by running its function under bash');
});

test('completion zsh: a #compdef script over the same function (zsh -n when zsh is installed)', async (t) => {
  const r = await runCli(['completion', 'zsh']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^#compdef trustlens\n/);
  assert.match(r.stdout, /bashcompinit/);
  assert.match(r.stdout, /\ncomplete -o default -F _trustlens_complete trustlens\n/);
  assert.match(r.stdout, /"integration"\)\n\s+subs="add update list rotate-key remove"/);
  const zsh = spawnSync('zsh', ['--version'], { encoding: 'utf8' });
  if (zsh.error) {
    t.diagnostic('zsh is not installed here: only the script structure was checked');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'trustlens-completion-'));
  const file = join(dir, '_trustlens');
  writeFileSync(file, r.stdout);
  const syntax = spawnSync('zsh', ['-n', file], { encoding: 'utf8' });
  assert.equal(syntax.status, 0, `zsh -n: ${syntax.stderr}`);
});

test('completion of an unknown shell is a usage error that names the shells', async () => {
  const r = await runCli(['completion', 'fish']);
  assert.equal(r.code, 64);
  assert.match(r.stderr, /bash or zsh/);
  assert.match(r.stderr, /What to do: Run `trustlens completion bash`/);
});
