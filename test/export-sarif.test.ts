/**
 * The SARIF export (issue 12): every log validates against the official SARIF 2.1.0 JSON schema
 * (vendored from SchemaStore in schemas/sarif-2.1.0; JSON Schema draft-07, hence Ajv's default class).
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { ScanFinding, ScanReport } from '../src/exports/scan-report.ts';
import { FINGERPRINT_KEY, renderSarif, WORKSPACE_URI_BASE_ID } from '../src/exports/sarif.ts';
import { findingUid, type FindingLifecycle } from '../src/exports/types.ts';
import { RULES } from '../src/rules/catalog.ts';
import { HOSTILE_PAYLOADS } from '../src/simulator/hostile.ts';
import { exportContext, generatedReport, scenarioReport } from './helpers/scan-reports.ts';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SCHEMA_PATH = join(import.meta.dirname, '..', 'schemas', 'sarif-2.1.0', 'sarif-2.1.0.json');

let validate: ValidateFunction;
let scenario: ScanReport;
let generated: ScanReport;

before(async () => {
  const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as Obj;
  assert.equal(
    schema.$schema,
    'http://json-schema.org/draft-07/schema#',
    'the schema is draft-07: Ajv (default)',
  );
  // strict: false because Ajv's strict mode lints schema style (required properties declared in anyOf
  // branches), not validation: the official schema is used unchanged.
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true });
  addFormats.default(ajv);
  validate = ajv.compile(schema);
  scenario = await scenarioReport();
  generated = await generatedReport(2000);
});

const clone = <T>(v: T): T => structuredClone(v);
const render = (report: ScanReport, ctx = exportContext()): Obj =>
  JSON.parse(renderSarif(report, ctx)) as Obj;

function assertValid(log: Obj): void {
  const ok = validate(log);
  assert.ok(ok, `valid SARIF 2.1.0: ${JSON.stringify(validate.errors?.slice(0, 5))}`);
}

/** A report with at least one UNKNOWN and one FAIL finding (UNKNOWN made from a FAIL when none is). */
function withUnknown(report: ScanReport): ScanReport {
  const r = clone(report);
  if (!r.findings.some((f) => f.status === 'UNKNOWN')) {
    r.findings[r.findings.length - 1] = { ...r.findings[r.findings.length - 1], status: 'UNKNOWN' };
  }
  assert.ok(r.findings.some((f) => f.status === 'FAIL'));
  return r;
}

test('the schema validator is not vacuous: broken logs are rejected', () => {
  const good = render(scenario);
  assertValid(good);
  const cases: Array<[string, (l: Obj) => void]> = [
    ['no version', (l) => delete l.version],
    ['a result without a message', (l) => delete l.runs[0].results[0].message],
    ['a bad level', (l) => (l.runs[0].results[0].level = 'critical')],
    ['a bad kind', (l) => (l.runs[0].results[0].kind = 'unknown')],
    ['an unknown property', (l) => (l.runs[0].results[0].severity = 'high')],
    ['a driver without a name', (l) => delete l.runs[0].tool.driver.name],
    [
      'a non-URI artifact location',
      (l) => (l.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri = 'a b\\c'),
    ],
    ['an invocation without executionSuccessful', (l) => delete l.runs[0].invocations[0].executionSuccessful],
  ];
  for (const [name, mutate] of cases) {
    const l = clone(good);
    mutate(l);
    assert.equal(validate(l), false, `${name} is rejected`);
  }
});

test('the scenario renders one run, a descriptor per catalog rule and a result per finding', () => {
  const log = render(scenario);
  assertValid(log);
  assert.equal(log.version, '2.1.0');
  assert.equal(log.runs.length, 1);
  const run = log.runs[0];
  const driver = run.tool.driver;
  assert.equal(driver.name, 'TrustLens');
  assert.equal(driver.version, '0.1.0');
  assert.equal(driver.informationUri, undefined, 'no invented home page');
  assert.deepEqual(
    driver.rules.map((r: Obj) => r.id),
    RULES.map((r) => r.meta.id),
  );
  for (const [i, d] of driver.rules.entries()) {
    const meta = RULES[i].meta;
    assert.equal(d.shortDescription.text, meta.title);
    assert.equal(d.fullDescription.text, meta.description);
    assert.ok(d.help.text.includes(meta.remediation.text) && d.help.markdown.includes(meta.remediation.text));
    assert.equal(d.helpUri, undefined);
    assert.equal(
      d.defaultConfiguration.level,
      { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' }[meta.severity],
    );
    assert.equal(d.properties.tags[0], 'security');
    assert.ok(d.properties.tags.length <= 20, 'GitHub rejects a rule with more than 20 tags');
    for (const ref of meta.compliance) assert.ok(d.properties.tags.includes(`${ref.framework}/${ref.id}`));
    if (meta.severity === 'info') assert.equal(d.properties['security-severity'], undefined);
    else {
      const score = Number(d.properties['security-severity']);
      const [lo, hi] = { critical: [9.0, 10], high: [7.0, 8.9], medium: [4.0, 6.9], low: [0.1, 3.9] }[
        meta.severity
      ];
      assert.ok(
        score >= lo && score <= hi,
        `${meta.id}: security-severity ${score} is ${meta.severity} for GitHub`,
      );
    }
  }
  assert.equal(run.results.length, scenario.findings.length);
  const ctx = exportContext();
  scenario.findings.forEach((f, i) => {
    const r = run.results[i];
    assert.equal(r.ruleId, f.ruleId);
    assert.equal(driver.rules[r.ruleIndex].id, f.ruleId);
    assert.equal(r.partialFingerprints[FINGERPRINT_KEY], findingUid(scenario, f, ctx));
    assert.equal(r.fingerprints[FINGERPRINT_KEY], findingUid(scenario, f, ctx));
    assert.equal(r.properties.resourceType, f.resourceType);
    assert.equal(r.properties.resourceId, f.resourceId);
    assert.deepEqual(r.properties.evidence, f.evidence);
    const loc = r.locations[0];
    assert.equal(loc.logicalLocations[0].kind, 'resource');
    if (f.resourceType === 'agent') {
      assert.equal(loc.logicalLocations[0].fullyQualifiedName, `workspace/agents/${f.resourceId}`);
      assert.equal(loc.physicalLocation.artifactLocation.uri, `v1/agents/${f.resourceId}`);
    }
    assert.equal(loc.physicalLocation.artifactLocation.uriBaseId, WORKSPACE_URI_BASE_ID);
    assert.equal(r.suppressions, undefined);
  });
  assert.equal(run.originalUriBaseIds[WORKSPACE_URI_BASE_ID].uri, `${scenario.source.baseUrl}/`);
  assert.equal(run.invocations[0].executionSuccessful, true);
  assert.equal(run.invocations[0].toolExecutionNotifications, undefined);
});

test('the generated 2,000-agent workspace renders a valid log, one result per finding', (t) => {
  const start = performance.now();
  const text = renderSarif(generated, exportContext());
  const ms = performance.now() - start;
  t.diagnostic(
    `renderSarif: ${generated.findings.length} findings of ${generated.summary.agents} agents in ${ms.toFixed(0)} ms, ${(text.length / 1e6).toFixed(1)} MB`,
  );
  const log = JSON.parse(text) as Obj;
  assertValid(log);
  assert.equal(log.runs[0].results.length, generated.findings.length);
  assert.ok(log.runs[0].results.length > 2000);
});

test('two renders of the same report are identical (stable fingerprints)', () => {
  assert.equal(renderSarif(generated, exportContext()), renderSarif(generated, exportContext()));
});

test('UNKNOWN is kind "open" with level "none"; FAIL is kind "fail" with a level from the severity', () => {
  const report = withUnknown(scenario);
  const log = render(report);
  assertValid(log);
  report.findings.forEach((f, i) => {
    const r = log.runs[0].results[i];
    assert.equal(r.properties.verdict, f.status);
    if (f.status === 'UNKNOWN') {
      assert.equal(r.kind, 'open');
      assert.equal(r.level, 'none');
      assert.match(r.message.text, /^Not evaluated \(UNKNOWN\): /);
    } else {
      assert.equal(r.kind, 'fail');
      assert.notEqual(r.level, 'none');
    }
  });
});

test('a partial or failed report never claims success and carries every error with its remediation', () => {
  for (const status of ['partial', 'failed'] as const) {
    const r = clone(scenario);
    r.status = status;
    const feature = Object.keys(r.availability)[0] as ScanReport['errors'][number]['feature'];
    r.errors = [
      {
        feature,
        message: 'Listing failed with 503.',
        remediation: 'Retry later.',
        code: 'UPSTREAM_UNAVAILABLE',
      },
      { feature, message: 'Second [error].', remediation: 'Check the key.', code: 'UPSTREAM_FORBIDDEN' },
    ];
    const log = render(r);
    assertValid(log);
    const inv = log.runs[0].invocations[0];
    assert.equal(inv.executionSuccessful, false, `${status} is not a success`);
    assert.equal(inv.toolExecutionNotifications.length, 2);
    inv.toolExecutionNotifications.forEach((n: Obj, i: number) => {
      assert.equal(n.level, 'error');
      assert.equal(n.properties.remediation, r.errors[i].remediation);
      assert.equal(n.descriptor.id, r.errors[i].code);
      assert.ok(n.message.text.includes('Remediation: ' + r.errors[i].remediation));
    });
    assert.equal(
      inv.toolExecutionNotifications[1].message.text,
      'Second \\[error\\]. Remediation: Check the key.',
    );
    // Even without an error entry, a failed report says what happened.
    r.errors = [];
    const bare = render(r).runs[0].invocations[0];
    assert.equal(bare.executionSuccessful, false);
    assert.equal(bare.toolExecutionNotifications.length, 1);
  }
});

test('a muted finding carries an accepted external suppression', () => {
  const muted = scenario.findings[0];
  const lifecycle = (f: ScanFinding): FindingLifecycle | undefined =>
    f === muted
      ? {
          id: 'stored-finding-id',
          firstSeenAt: '2026-10-01T08:00:00.000Z',
          lastSeenAt: '2026-11-29T08:00:00.000Z',
          mute: {
            reason: 'Accepted risk',
            by: 'ana@example.com',
            at: '2026-11-02T09:00:00Z',
            expiresAt: '2027-01-01T00:00:00Z',
          },
        }
      : undefined;
  const log = render(scenario, exportContext({ lifecycle }));
  assertValid(log);
  const [first, ...rest] = log.runs[0].results;
  assert.deepEqual(
    first.suppressions.map((s: Obj) => [s.kind, s.status, s.justification]),
    [['external', 'accepted', 'Accepted risk']],
  );
  assert.equal(first.partialFingerprints[FINGERPRINT_KEY], 'stored-finding-id');
  assert.equal(first.properties.firstSeenAt, '2026-10-01T08:00:00.000Z');
  for (const r of rest) assert.equal(r.suppressions, undefined);
});

test('a mute that expired before the export gives no suppression', () => {
  const lifecycle = (): FindingLifecycle => ({
    id: 'stored-finding-id',
    firstSeenAt: '2026-10-01T08:00:00.000Z',
    lastSeenAt: '2026-11-29T08:00:00.000Z',
    // exportContext() exports at 2026-11-30T12:00:00Z
    mute: {
      reason: 'Until the fix',
      by: 'ana@example.com',
      at: '2026-11-02T09:00:00Z',
      expiresAt: '2026-11-30T11:59:59Z',
    },
  });
  const log = render(scenario, exportContext({ lifecycle }));
  assertValid(log);
  for (const r of log.runs[0].results) assert.equal(r.suppressions, undefined);
});

test('a simulated workspace says so', () => {
  const log = render(scenario, exportContext({ simulated: true }));
  assertValid(log);
  const run = log.runs[0];
  assert.equal(run.properties.simulated, true);
  assert.match(run.invocations[0].toolConfigurationNotifications[0].message.text, /simulated workspace/);
  assert.match(run.automationDetails.description.text, /\(simulated\)/);
  assert.equal(render(scenario).runs[0].properties.simulated, false);
});

test('hostile workspace text round-trips unchanged and never breaks validity', () => {
  const r = clone(scenario);
  while (r.findings.length < HOSTILE_PAYLOADS.length)
    r.findings.push({ ...r.findings[0], resourceId: `ag_extra_${r.findings.length}` });
  r.findings = r.findings.map((f, i) => ({
    ...f,
    resourceName: HOSTILE_PAYLOADS[i % HOSTILE_PAYLOADS.length],
    detail: HOSTILE_PAYLOADS[(i + 1) % HOSTILE_PAYLOADS.length],
    evidence: { name: HOSTILE_PAYLOADS[(i + 2) % HOSTILE_PAYLOADS.length] },
  }));
  // A hostile resource id too: it must stay a valid URI reference.
  r.findings[0] = { ...r.findings[0], resourceType: 'agent', resourceId: 'ag <x>/../[y]?#%' };
  const log = render(r);
  assertValid(log);
  r.findings.forEach((f, i) => {
    const res = log.runs[0].results[i];
    assert.equal(res.properties.resourceName, f.resourceName);
    assert.deepEqual(res.properties.evidence, f.evidence);
    if (f.resourceType !== 'integration')
      assert.equal(res.locations[0].logicalLocations[0].name, f.resourceName);
    // The message escapes brackets (SARIF embedded links); unescaped, it holds the text as is.
    assert.ok(res.message.text.replace(/\\([[\]])/g, '$1').includes(f.detail));
    assert.doesNotMatch(res.message.text, /(^|[^\\])[[\]]/, 'no unescaped bracket');
  });
  assert.equal(log.runs[0].results[0].properties.resourceId, 'ag <x>/../[y]?#%');
  assert.equal(
    log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri,
    `v1/agents/${encodeURIComponent('ag <x>/../[y]?#%')}`,
  );
});

test('no API key or bearer token reaches the export', () => {
  for (const report of [scenario, generated]) {
    const text = renderSarif(report, exportContext({ simulated: true }));
    assert.doesNotMatch(text, /sim-[0-9a-f]{32}/, 'the simulator key is in no output');
    assert.doesNotMatch(text, /Bearer /);
  }
});

test('a report without findings is a valid log with no results', () => {
  const r = clone(scenario);
  r.findings = [];
  const log = render(r);
  assertValid(log);
  assert.deepEqual(log.runs[0].results, []);
  assert.equal(log.runs[0].tool.driver.rules.length, RULES.length);
});
