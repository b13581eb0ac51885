/**
 * `trustlens alerts …` and `trustlens export` as users run them (PGlite data folder): a
 * destination from a URL file (secret printed once, URL never), a rule, `sync` sending the digest to a
 * local receiver, the delivery log, a test alert, and every export format written 0600. Most commands
 * run in-process (runCliInProcess); `integration add`, a refused `alerts destinations add` and one
 * `export` to stdout run through bin/trustlens, as processes that must exit by themselves.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifySignature } from '../src/alerts/signing.ts';
import { EXPORT_FORMATS } from '../src/exports/types.ts';
import { startSimulator } from '../src/simulator/index.ts';
import { runCli, runCliInProcess } from './helpers/run-cli.ts';
import { startWebhookReceiver } from './helpers/webhook-receiver.ts';

test('alerts destinations/rules/deliveries/test and export, from the command line', async () => {
  const sim = await startSimulator({ seed: 9, generator: { agents: 5, conversations: 10 } });
  const hook = await startWebhookReceiver();
  const dir = mkdtempSync(join(tmpdir(), 'trustlens-alerts-cli-'));
  const d = ['--data-dir', dir];
  try {
    const added = await runCli(['integration', 'add', '--name', 'prod', '--base-url', sim.url, ...d], {
      MISTRAL_API_KEY: sim.apiKey,
    });
    assert.equal(added.code, 0, added.stderr);

    const noUrl = await runCli(['alerts', 'destinations', 'add', '--name', 'siem', ...d]);
    assert.equal(noUrl.code, 64, noUrl.stderr);
    assert.match(noUrl.stderr, /--url-file/);

    const urlFile = join(dir, 'url.txt');
    writeFileSync(urlFile, `${hook.url}/hook/S3CRET-PATH\n`, { mode: 0o600 });
    const dest = await runCliInProcess([
      'alerts',
      'destinations',
      'add',
      '--name',
      'siem',
      '--url-file',
      urlFile,
      ...d,
    ]);
    assert.equal(dest.code, 0, dest.stderr);
    const secret = dest.stdout.trim();
    assert.match(secret, /^whsec_/);
    assert.ok(!dest.stdout.includes('S3CRET') && !dest.stderr.includes('S3CRET'), 'the URL is never printed');

    const list = await runCliInProcess(['alerts', 'destinations', 'list', ...d]);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /siem\s+webhook\s+http:\/\/127\.0\.0\.1:\d+\/…PATH\s+yes/);
    assert.ok(!list.stdout.includes('S3CRET') && !list.stdout.includes(secret));

    const badRule = await runCliInProcess([
      'alerts',
      'rules',
      'add',
      '--name',
      'x',
      '--destination',
      'siem',
      '--event',
      'nope',
      ...d,
    ]);
    assert.equal(badRule.code, 64, badRule.stderr);
    const rule = await runCliInProcess([
      'alerts',
      'rules',
      'add',
      '--name',
      'high',
      '--destination',
      'siem',
      '--min-severity',
      'high',
      '--integration',
      'prod',
      ...d,
    ]);
    assert.equal(rule.code, 0, rule.stderr);
    const rules = await runCliInProcess(['alerts', 'rules', 'list', ...d]);
    assert.match(rules.stdout, /high\s+high\+\s+-\s+siem\s+yes/);

    // A sync sends its digest before the command ends.
    const sync = await runCliInProcess(['sync', 'prod', ...d]);
    assert.equal(sync.code, 0, sync.stderr);
    assert.match(sync.stderr, /Alerts: 1 delivered, 0 to retry, 0 failed/);
    assert.equal(hook.received.length, 1);
    const got = hook.received[0];
    assert.equal(got.path, '/hook/S3CRET-PATH');
    assert.equal(verifySignature(secret, got.headers['trustlens-signature'] as string, got.body), null);
    const digest = JSON.parse(got.body);
    assert.equal(digest.type, 'trustlens.alert.digest');
    assert.ok(digest.findings.length > 0);
    assert.ok(
      digest.findings.every((f: { severity: string }) => f.severity === 'high' || f.severity === 'critical'),
    );
    assert.ok(!got.body.includes(sim.apiKey));

    // Nothing new: the next sync sends nothing.
    const again = await runCliInProcess(['sync', 'prod', ...d]);
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stderr, /Alerts:/);
    assert.equal(hook.received.length, 1);

    const test1 = await runCliInProcess(['alerts', 'destinations', 'test', 'siem', ...d]);
    assert.equal(test1.code, 0, test1.stderr);
    assert.match(test1.stdout, /Delivered \(HTTP 200\)/);
    hook.script([410]);
    const test2 = await runCliInProcess(['alerts', 'destinations', 'test', 'siem', ...d]);
    assert.notEqual(test2.code, 0);
    assert.match(test2.stderr, /not delivered: the receiver answered 410/);
    const log = await runCliInProcess(['alerts', 'deliveries', '--format', 'json', ...d]);
    const deliveries = JSON.parse(log.stdout) as Array<{
      kind: string;
      status: string;
      lastStatusCode: number;
    }>;
    assert.deepEqual(
      deliveries.map((x) => [x.kind, x.status, x.lastStatusCode]),
      [
        ['test', 'failed', 410],
        ['test', 'delivered', 200],
        ['digest', 'delivered', 200],
      ],
    );
    const table = await runCliInProcess(['alerts', 'deliveries', '--status', 'failed', ...d]);
    assert.match(table.stdout, /siem\s+test\s+failed\s+1\/6\s+410/);

    for (const format of EXPORT_FORMATS) {
      const file = join(dir, `out.${format}`);
      const r = await runCliInProcess(['export', 'prod', '--format', format, '--output', file, ...d]);
      assert.equal(r.code, 0, `${format}: ${r.stderr}`);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      const text = readFileSync(file, 'utf8');
      assert.ok(text.length > 100 && !text.includes(sim.apiKey), format);
    }
    const bad = await runCliInProcess(['export', 'prod', '--format', 'xml', ...d]);
    assert.equal(bad.code, 64);
    assert.match(bad.stderr, /json, ocsf, sarif, csv, cyclonedx, html/);
    // As a process: it must exit by itself (a store left open would hang a real run; runCli times out).
    const sarif = await runCli(['export', '--format', 'sarif', ...d]);
    assert.equal(sarif.code, 0, sarif.stderr);
    assert.equal(JSON.parse(sarif.stdout).version, '2.1.0');
  } finally {
    await hook.close();
    await sim.close();
  }
});
