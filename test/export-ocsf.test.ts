/**
 * The OCSF export (issue 12): every event validates against OCSF 1.8.0 Detection Finding as resolved
 * from the vendored OCSF sources (schemas/ocsf-1.8.0) by test/helpers/ocsf-validator.ts, which has its
 * own negative tests here so it cannot pass everything.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { renderOcsf } from '../src/exports/ocsf.ts';
import type { ScanFinding, ScanReport } from '../src/exports/scan-report.ts';
import { findingUid, type FindingLifecycle } from '../src/exports/types.ts';
import { HOSTILE_PAYLOADS } from '../src/simulator/hostile.ts';
import {
  loadOcsfClass,
  OCSF_SCHEMA_DIR,
  validateOcsfEvent,
  type OcsfClass,
} from './helpers/ocsf-validator.ts';
import { exportContext, generatedReport, scenarioReport } from './helpers/scan-reports.ts';

type Event = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let cls: OcsfClass;
let scenario: ScanReport;
let generated: ScanReport;

before(async () => {
  cls = loadOcsfClass();
  scenario = await scenarioReport();
  generated = await generatedReport(2000);
});

const clone = <T>(v: T): T => structuredClone(v);
const render = (report: ScanReport, ctx = exportContext()): Event[] =>
  JSON.parse(renderOcsf(report, ctx)) as Event[];

function assertAllValid(events: Event[]): void {
  for (const [i, e] of events.entries()) {
    const v = validateOcsfEvent(cls, e);
    assert.deepEqual(v.errors, [], `event ${i} is valid OCSF 1.8.0 detection_finding`);
    assert.deepEqual(v.warnings, [], `event ${i} uses no deprecated attribute`);
  }
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

// ---------------------------------------------------------------------------------------------
// The validator itself

test('the validator resolves detection_finding from the vendored sources, and the copy holds nothing else', () => {
  assert.equal(cls.classUid, 2004);
  assert.equal(cls.categoryUid, 2);
  for (const name of ['finding_info', 'resource_details', 'metadata', 'product', 'remediation', 'attack'])
    assert.ok(cls.objects.has(name), `${name} resolved`);
  // Inherited from base_event through finding, and a dictionary enum merged with finding's own values.
  assert.equal(cls.event.attributes.time.type, 'timestamp_t');
  assert.equal(cls.event.attributes.metadata.requirement, 'required');
  assert.equal(cls.event.attributes.status_id.enum?.['3']?.caption, 'Suppressed');
  assert.equal(cls.event.attributes.status_id.enum?.['99']?.caption, 'Other');
  const vendored: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.json')) vendored.push(relative(OCSF_SCHEMA_DIR, p));
    }
  };
  walk(OCSF_SCHEMA_DIR);
  assert.deepEqual(
    vendored.sort(),
    [...cls.files].sort(),
    'every vendored schema file is needed, none is missing',
  );
});

test('the validator rejects a missing required field, a wrong type, an unknown attribute and a bad enum id', () => {
  const good = render(scenario)[0];
  assert.ok(validateOcsfEvent(cls, good).valid, 'the untouched event is valid');
  const cases: Array<[string, (e: Event) => void, RegExp]> = [
    ['missing time', (e) => delete e.time, /^time$/],
    ['missing metadata.product', (e) => delete e.metadata.product, /^metadata\.product$/],
    ['missing finding_info.uid', (e) => delete e.finding_info.uid, /^finding_info\.uid$/],
    ['missing remediation.desc', (e) => delete e.remediation.desc, /^remediation\.desc$/],
    ['time as a string', (e) => (e.time = '2026-11-30T12:00:00Z'), /^time$/],
    ['severity_id as a string', (e) => (e.severity_id = '4'), /^severity_id$/],
    ['is_alert as a string', (e) => (e.is_alert = 'true'), /^is_alert$/],
    ['finding_info.types not an array', (e) => (e.finding_info.types = 'x'), /^finding_info\.types$/],
    ['resources[0].name as a number', (e) => (e.resources[0].name = 7), /^resources\[0\]\.name$/],
    ['a fractional integer', (e) => (e.confidence_id = 1.5), /^confidence_id$/],
    ['unknown top-level attribute', (e) => (e.verdict_text = 'FAIL'), /^verdict_text$/],
    ['unknown nested attribute', (e) => (e.finding_info.rule = 'x'), /^finding_info\.rule$/],
    ['unknown attribute in an array item', (e) => (e.resources[0].kind = 'agent'), /^resources\[0\]\.kind$/],
    ['bad severity_id', (e) => (e.severity_id = 7), /^severity_id$/],
    ['bad activity_id', (e) => (e.activity_id = 4), /^activity_id$/],
    ['bad status_id', (e) => (e.status_id = 42), /^status_id$/],
    ['bad nested enum', (e) => (e.resources[0].role_id = 9), /^resources\[0\]\.role_id$/],
    ['caption not matching its id', (e) => (e.severity = 'Low'), /^severity$/],
    ['wrong class_uid', (e) => (e.class_uid = 2001), /^class_uid$/],
    ['type_uid not class_uid*100+activity_id', (e) => (e.type_uid = 200402), /^type_uid$/],
    ['profile attribute without the profile', (e) => (e.assignee = { name: 'x' }), /^assignee$/],
    [
      'object constraint (at_least_one)',
      (e) => (e.finding_info.attacks = [{ version: '1' }]),
      /attacks\[0\]/,
    ],
    ['object where a scalar is expected', (e) => (e.message = { text: 'x' }), /^message$/],
  ];
  for (const [name, mutate, path] of cases) {
    const e = clone(good);
    mutate(e);
    const v = validateOcsfEvent(cls, e);
    assert.equal(v.valid, false, `${name} is rejected`);
    assert.ok(
      v.errors.some((err) => path.test(err.path)),
      `${name}: error at the right path, got ${JSON.stringify(v.errors)}`,
    );
  }
  assert.equal(validateOcsfEvent(cls, [good]).valid, false, 'an array is not an event');
});

// ---------------------------------------------------------------------------------------------
// The renderer

test('the scenario renders one valid Detection Finding per finding, with the finding uid', () => {
  const events = render(scenario);
  assert.ok(scenario.findings.length > 0);
  assert.equal(events.length, scenario.findings.length);
  assertAllValid(events);
  const ctx = exportContext();
  scenario.findings.forEach((f, i) => {
    const e = events[i];
    assert.equal(e.class_uid, 2004);
    assert.equal(e.category_uid, 2);
    assert.equal(e.activity_id, 1);
    assert.equal(e.finding_info.uid, findingUid(scenario, f, ctx));
    assert.equal(e.finding_info.analytic.uid, f.ruleId);
    assert.equal(
      e.resources[0].uid,
      f.resourceType === 'integration' ? scenario.source.baseUrl : f.resourceId,
    );
    assert.equal(e.metadata.version, '1.8.0');
    assert.equal(e.metadata.product.name, 'TrustLens');
    assert.equal(e.metadata.product.version, '0.1.0');
    assert.equal(e.time, Date.parse(scenario.generatedAt));
    assert.ok(e.remediation.desc.length > 0);
    assert.equal(e.status, 'New');
  });
  const uids = new Set(events.map((e) => e.finding_info.uid));
  assert.equal(uids.size, events.length, 'uids are unique');
  const critical = scenario.findings.findIndex((f) => f.status === 'FAIL' && f.severity === 'critical');
  assert.ok(critical >= 0);
  assert.equal(events[critical].severity_id, 5);
  assert.equal(events[critical].severity, 'Critical');
  // Compliance mapping: ATLAS techniques as attacks, every framework as a tag.
  const mapped = events.find((e) => e.finding_info.attacks);
  assert.ok(mapped, 'some rule maps to MITRE ATLAS');
  assert.match(mapped.finding_info.attacks[0].technique.uid, /^AML\.T\d{4}$/);
  assert.ok(mapped.finding_info.tags.some((t: Event) => t.name.startsWith('compliance:')));
});

test('the generated 2,000-agent workspace renders valid events, one per finding', (t) => {
  const start = performance.now();
  const text = renderOcsf(generated, exportContext());
  const ms = performance.now() - start;
  t.diagnostic(
    `renderOcsf: ${generated.findings.length} findings of ${generated.summary.agents} agents in ${ms.toFixed(0)} ms, ${(text.length / 1e6).toFixed(1)} MB`,
  );
  const events = JSON.parse(text) as Event[];
  assert.equal(events.length, generated.findings.length);
  assert.ok(events.length > 2000);
  assertAllValid(events);
});

test('two renders of the same report are identical (stable uids)', () => {
  const a = renderOcsf(generated, exportContext());
  const b = renderOcsf(generated, exportContext());
  assert.equal(a, b);
});

test('UNKNOWN is neither a failure nor a pass: unknown severity and confidence, not an alert', () => {
  const report = withUnknown(scenario);
  const events = render(report);
  assertAllValid(events);
  report.findings.forEach((f, i) => {
    const e = events[i];
    assert.equal(e.status_code, f.status);
    if (f.status === 'UNKNOWN') {
      assert.equal(e.severity_id, 0);
      assert.equal(e.severity, 'Unknown');
      assert.equal(e.confidence_id, 0);
      assert.equal(e.is_alert, false);
      assert.match(e.status_detail, /^UNKNOWN: .*neither a failure nor a pass/);
      assert.deepEqual(e.finding_info.types, ['Posture check not evaluated']);
      assert.equal(e.unmapped.trustlens.rule_severity, f.severity, 'the rule severity is kept aside');
    } else {
      assert.ok(e.severity_id >= 1);
      assert.equal(e.confidence_id, 3);
      assert.match(e.status_detail, /^FAIL: /);
      assert.deepEqual(e.finding_info.types, ['Posture check failed']);
    }
  });
});

test('a muted finding is Suppressed, with its lifecycle times and stored id', () => {
  const muted = scenario.findings[0];
  const lifecycle = (f: ScanFinding): FindingLifecycle | undefined =>
    f === muted
      ? {
          id: 'stored-finding-id',
          firstSeenAt: '2026-10-01T08:00:00.000Z',
          lastSeenAt: '2026-11-29T08:00:00.000Z',
          mute: {
            reason: 'Accepted risk <b>x</b>',
            by: 'ana@example.com',
            at: '2026-11-02T09:00:00Z',
            expiresAt: null,
          },
        }
      : undefined;
  const events = render(scenario, exportContext({ lifecycle, integration: { id: 'int_1', name: 'Prod' } }));
  assertAllValid(events);
  const e = events[0];
  assert.equal(e.status_id, 3);
  assert.equal(e.status, 'Suppressed');
  assert.match(e.comment, /Accepted risk <b>x<\/b>/);
  assert.equal(e.finding_info.uid, 'stored-finding-id');
  assert.equal(e.finding_info.first_seen_time, Date.parse('2026-10-01T08:00:00.000Z'));
  assert.equal(e.finding_info.last_seen_time, Date.parse('2026-11-29T08:00:00.000Z'));
  assert.equal(e.metadata.tenant_uid, 'int_1');
  for (const other of events.slice(1)) {
    assert.equal(other.status_id, 1);
    assert.equal(other.finding_info.first_seen_time, undefined);
  }
});

test('a mute that expired before the export no longer suppresses', () => {
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
  const e = render(scenario, exportContext({ lifecycle }))[0];
  assert.equal(e.status_id, 1);
  assert.equal(e.status, 'New');
  assert.equal(e.comment, undefined);
});

test('a simulated workspace says so; a real one does not', () => {
  const sim = render(scenario, exportContext({ simulated: true }));
  assertAllValid(sim);
  for (const e of sim) {
    assert.deepEqual(e.metadata.labels, ['simulated']);
    assert.equal(e.metadata.product.feature.uid, 'simulated');
    assert.equal(e.unmapped.trustlens.simulated, true);
  }
  for (const e of render(scenario)) {
    assert.equal(e.metadata.labels, undefined);
    assert.equal(e.metadata.product.feature, undefined);
  }
});

test('hostile workspace text round-trips unchanged and never breaks validity', () => {
  const r = clone(scenario);
  r.findings = r.findings.map((f, i) => ({
    ...f,
    resourceName: HOSTILE_PAYLOADS[i % HOSTILE_PAYLOADS.length],
    detail: HOSTILE_PAYLOADS[(i + 1) % HOSTILE_PAYLOADS.length],
    evidence: { name: HOSTILE_PAYLOADS[(i + 2) % HOSTILE_PAYLOADS.length] },
  }));
  // Every payload is used at least once.
  while (r.findings.length < HOSTILE_PAYLOADS.length)
    r.findings.push({ ...r.findings[0], resourceId: `x${r.findings.length}` });
  r.findings = r.findings.map((f, i) => ({
    ...f,
    resourceName: HOSTILE_PAYLOADS[i % HOSTILE_PAYLOADS.length],
  }));
  const text = renderOcsf(r, exportContext());
  const events = JSON.parse(text) as Event[];
  assertAllValid(events);
  r.findings.forEach((f, i) => {
    // A finding on the integration (e.g. the admin-key rules of issue 11) targets the workspace itself.
    if (f.resourceType === 'integration') assert.equal(events[i].resources[0].uid, r.source.baseUrl);
    else assert.equal(events[i].resources[0].name, f.resourceName);
    assert.equal(events[i].finding_info.desc, f.detail);
    assert.deepEqual(events[i].unmapped.trustlens.evidence, f.evidence);
  });
  // JSON.stringify escapes every control character: the file has no raw one but the line breaks.
  const raw = [...text].filter((c) => c.charCodeAt(0) < 0x20 && c !== '\n');
  assert.deepEqual(raw, []);
});

test('no API key or bearer token reaches the export', () => {
  for (const report of [scenario, generated]) {
    const text = renderOcsf(report, exportContext({ simulated: true }));
    assert.doesNotMatch(text, /sim-[0-9a-f]{32}/, 'the simulator key is in no output');
    assert.doesNotMatch(text, /Bearer /);
  }
});

test('a report without findings is an empty array', () => {
  const r = clone(scenario);
  r.findings = [];
  assert.equal(renderOcsf(r, exportContext()), '[]\n');
});
