/**
 * CycloneDX 1.6 export (issue 12): the document validates against the spec's strict JSON schema (the
 * CycloneDX library's own validator) for the scenario, a hostile report and the 2,000-agent workspace;
 * every agent, model, library and file is a component of the right type; every dependency resolves;
 * instructions and connector credentials never appear; the serial number is stable for the same report
 * and context; a simulated workspace says so.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { cycloneDxSerialNumber, renderCycloneDx } from '../src/exports/cyclonedx.ts';
import type { ScanReport } from '../src/exports/scan-report.ts';
import { HOSTILE_PAYLOADS, hostilePayload } from '../src/simulator/hostile.ts';
import { exportContext, generatedReport, scenarioReport } from './helpers/scan-reports.ts';

interface Prop {
  name: string;
  value: string;
}
interface CdxComponent {
  type: string;
  name: string;
  version?: string;
  description?: string;
  'bom-ref': string;
  properties?: Prop[];
  modelCard?: { modelParameters?: { inputs?: unknown[] }; properties?: Prop[] };
}
interface CdxBom {
  bomFormat: string;
  specVersion: string;
  serialNumber: string;
  version: number;
  metadata: {
    timestamp: string;
    tools: { components: CdxComponent[] };
    component: CdxComponent;
    properties?: Prop[];
  };
  components: CdxComponent[];
  services?: Array<{ name: string; 'bom-ref': string; group?: string; properties?: Prop[] }>;
  dependencies: Array<{ ref: string; dependsOn?: string[] }>;
  vulnerabilities?: unknown[];
}

const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot6);

async function assertValid(text: string): Promise<void> {
  const errors = await validator.validate(text);
  assert.equal(errors, null, `not valid CycloneDX 1.6 (strict): ${JSON.stringify(errors)?.slice(0, 2000)}`);
}

const prop = (c: { properties?: Prop[] }, name: string) => c.properties?.find((p) => p.name === name)?.value;
const propsNamed = (c: { properties?: Prop[] }, name: string) =>
  (c.properties ?? []).filter((p) => p.name === name).map((p) => p.value);

/** Checks the BOM against the report it was made from. */
function assertMatchesReport(bom: CdxBom, report: ScanReport): void {
  assert.equal(bom.bomFormat, 'CycloneDX');
  assert.equal(bom.specVersion, '1.6');
  const byRef = new Map(bom.components.map((c) => [c['bom-ref'], c]));
  assert.equal(byRef.size, bom.components.length, 'bom-refs are unique');
  const agentComponents = bom.components.filter((c) => prop(c, 'trustlens:agent:id') !== undefined);
  const agentById = new Map(agentComponents.map((c) => [prop(c, 'trustlens:agent:id'), c]));
  const dependsOn = new Map(bom.dependencies.map((d) => [d.ref, d.dependsOn ?? []]));
  const findingsOf = new Map<string, string[]>();
  for (const f of report.findings) {
    if (f.resourceType !== 'agent') continue;
    const list = findingsOf.get(f.resourceId) ?? [];
    list.push(`${f.severity} ${f.status} ${f.ruleId}`);
    findingsOf.set(f.resourceId, list);
  }
  for (const agent of report.agents) {
    const c = agentById.get(agent.id);
    assert.ok(c, `agent ${agent.id} is a component`);
    assert.equal(c.type, 'application');
    assert.equal(c.name, agent.name);
    assert.equal(c.version, String(agent.version));
    assert.equal(prop(c, 'trustlens:agent:guardrails'), agent.guardrails ? 'present' : 'absent');
    const deps = dependsOn.get(c['bom-ref']) ?? [];
    const model = deps.map((r) => byRef.get(r)).find((x) => x?.type === 'machine-learning-model');
    assert.ok(model, `agent ${agent.id} depends on its model`);
    const modelRecord = report.models.find((m) => m.id === model.name);
    assert.ok(
      model.name === agent.model || modelRecord?.aliases.includes(agent.model),
      `agent ${agent.id}: model ${model.name} is ${agent.model}`,
    );
    for (const kb of agent.knowledgeBases)
      assert.ok(
        deps.some((r) => byRef.get(r)?.type === 'data' && r === `library:${kb.id}`),
        `agent ${agent.id} depends on library ${kb.id}`,
      );
    const ruleIds = (findingsOf.get(agent.id) ?? []).sort();
    assert.deepEqual(propsNamed(c, 'trustlens:finding').sort(), ruleIds, `findings of agent ${agent.id}`);
  }
  assert.equal(agentComponents.length, report.agents.length);
  for (const m of report.models) {
    const c = byRef.get(`model:${m.id}`);
    assert.ok(c, `model ${m.id}`);
    assert.equal(c.type, 'machine-learning-model');
    assert.ok(c.modelCard, `model ${m.id} has a modelCard`);
    assert.equal(prop(c.modelCard, 'trustlens:model:capabilities'), m.capabilities.join(','));
  }
  for (const l of report.libraries) {
    const c = byRef.get(`library:${l.id}`);
    assert.ok(c && c.type === 'data' && c.name === l.name, `library ${l.id}`);
  }
  for (const f of report.files) {
    const c = byRef.get(`file:${f.id}`);
    assert.ok(c && c.type === 'data' && c.name === f.filename, `file ${f.id}`);
  }
  // Every dependency resolves to a component, a service or the workspace.
  const known = new Set([
    ...byRef.keys(),
    ...(bom.services ?? []).map((s) => s['bom-ref']),
    bom.metadata.component['bom-ref'],
  ]);
  for (const d of bom.dependencies) {
    assert.ok(known.has(d.ref), `dependency ref ${d.ref} resolves`);
    for (const r of d.dependsOn ?? []) assert.ok(known.has(r), `${d.ref} → ${r} resolves`);
  }
  // Findings are properties, not vulnerabilities (docs/exports-bom-html-csv.md).
  assert.equal(bom.vulnerabilities, undefined);
}

/** The scenario with every hostile payload in agent, tool, library, file and model texts. */
function hostileReport(base: ScanReport): ScanReport {
  const r = structuredClone(base);
  const template = r.agents[0];
  r.agents = HOSTILE_PAYLOADS.map((p, i) => ({
    ...structuredClone(template),
    id: `ag_hostile_${i}`,
    name: p,
    description: hostilePayload(i + 1),
    instructions: `${hostilePayload(i + 2)}\nsecret sk-hostile-${i}-abcdef0123456789`,
    model: i % 3 === 0 ? hostilePayload(i + 3) : template.model,
    handoffs: [`ag_hostile_${(i + 1) % HOSTILE_PAYLOADS.length}`],
    tools: template.tools.map((t) =>
      t.type === 'function'
        ? {
            ...t,
            function: { ...t.function, name: hostilePayload(i + 4), description: hostilePayload(i + 5) },
          }
        : t.type === 'connector'
          ? { ...t, connector_id: hostilePayload(i + 6) }
          : t,
    ),
  }));
  r.libraries = r.libraries.map((l, i) => ({
    ...l,
    name: hostilePayload(i + 7),
    description: hostilePayload(i + 8),
  }));
  r.files = r.files.map((f, i) => ({ ...f, filename: hostilePayload(i + 9) }));
  r.models = r.models.map((m, i) => ({ ...m, description: hostilePayload(i + 10) }));
  r.findings = HOSTILE_PAYLOADS.map((p, i) => ({
    ...base.findings[i % base.findings.length],
    resourceType: 'agent' as const,
    resourceId: `ag_hostile_${i}`,
    resourceName: p,
    title: hostilePayload(i + 1),
    detail: hostilePayload(i + 2),
  }));
  return r;
}

describe('CycloneDX export', () => {
  let scenario: ScanReport;
  before(async () => {
    scenario = await scenarioReport();
  });

  it('is a valid CycloneDX 1.6 AI-BOM of the scenario', async () => {
    const text = renderCycloneDx(scenario, exportContext());
    await assertValid(text);
    const bom = JSON.parse(text) as CdxBom;
    assertMatchesReport(bom, scenario);
    assert.equal(bom.metadata.timestamp, '2026-11-30T12:00:00.000Z');
    assert.deepEqual(
      bom.metadata.tools.components.map((c) => [c.name, c.version]),
      [['TrustLens', '0.1.0']],
    );
    assert.equal(bom.metadata.component.type, 'platform');
    assert.equal(prop(bom.metadata.component, 'trustlens:scan:status'), scenario.status);
    assert.equal(prop(bom.metadata.component, 'trustlens:simulated'), undefined);
    // The scenario's first agent calls a connector, a function and built-in tools: all are services.
    const services = new Map((bom.services ?? []).map((s) => [s['bom-ref'], s]));
    assert.equal(services.get('connector:gmail')?.group, 'connector');
    assert.equal(prop(services.get('connector:gmail')!, 'trustlens:connector:authorization'), 'oauth2-token');
    assert.ok(services.get('tool:web_search'));
    assert.ok([...services.keys()].some((k) => k.endsWith(':function:lookup_order')));
    // A handoff is a dependency between agents.
    const a = scenario.agents.find((x) => (x.handoffs ?? []).length > 0)!;
    const deps = bom.dependencies.find((d) => d.ref === `agent:${a.id}`)!.dependsOn!;
    for (const h of a.handoffs!) assert.ok(deps.includes(`agent:${h}`), `handoff ${a.id} → ${h}`);
  });

  it('never carries instructions or credentials, at most their sha256', async () => {
    const text = renderCycloneDx(scenario, exportContext());
    for (const agent of scenario.agents) {
      assert.ok(agent.instructions && agent.instructions.length > 10);
      assert.ok(!text.includes(agent.instructions), `instructions of ${agent.id} are not in the BOM`);
      for (const line of agent.instructions.split('\n'))
        if (line.length > 12) assert.ok(!text.includes(line), `no line of the instructions: ${line}`);
    }
    assert.ok(!text.includes('sk-test-abc123def456'));
    assert.ok(!text.includes('[REDACTED]'), 'connector authorization values are not exported');
    assert.ok(!/"instructions"/.test(text));
  });

  it('says when the workspace is simulated, and gives the same serial number for the same report and context', () => {
    const context = exportContext({ simulated: true, integration: { id: 'int_1', name: 'Demo workspace' } });
    const a = JSON.parse(renderCycloneDx(scenario, context)) as CdxBom;
    const b = JSON.parse(renderCycloneDx(scenario, context)) as CdxBom;
    assert.equal(prop(a.metadata.component, 'trustlens:simulated'), 'true');
    assert.equal(prop(a.metadata as { properties?: Prop[] }, 'trustlens:simulated'), 'true');
    assert.match(a.metadata.component.description ?? '', /SIMULATED/);
    assert.equal(a.metadata.component.name, 'Demo workspace');
    assert.match(
      a.serialNumber,
      /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    assert.equal(a.serialNumber, b.serialNumber);
    assert.deepEqual(a, b, 'the whole document is deterministic');
    const later = exportContext({ ...context, exportedAt: new Date('2026-12-01T00:00:00Z') });
    assert.notEqual(cycloneDxSerialNumber(scenario, later), a.serialNumber);
    const other = structuredClone(scenario);
    other.agents[0].name = 'Renamed';
    assert.notEqual(cycloneDxSerialNumber(other, context), a.serialNumber);
  });

  it('stays valid with hostile texts, and keeps them as data', async () => {
    const report = hostileReport(scenario);
    const text = renderCycloneDx(report, exportContext());
    await assertValid(text);
    const bom = JSON.parse(text) as CdxBom;
    assertMatchesReport(bom, report);
    const names = new Set(bom.components.map((c) => c.name));
    for (const p of HOSTILE_PAYLOADS)
      assert.ok(names.has(p), `payload kept byte for byte: ${p.slice(0, 40)}`);
    for (let i = 0; i < report.agents.length; i++) assert.ok(!text.includes(`sk-hostile-${i}-`));
    // A model an agent uses that is not in the model list is kept, marked as not listed.
    const unlisted = bom.components.filter((c) => prop(c, 'trustlens:listed') === 'false');
    assert.ok(unlisted.some((c) => c.type === 'machine-learning-model' && c.name === hostilePayload(3)));
  });

  it('lists only what could be read when agents are unavailable', async () => {
    const report = structuredClone(scenario);
    report.agents = [];
    report.findings = report.findings.filter((f) => f.resourceType !== 'agent');
    report.availability.agents = 'unavailable';
    report.status = 'partial';
    const text = renderCycloneDx(report, exportContext());
    await assertValid(text);
    const bom = JSON.parse(text) as CdxBom;
    assert.equal(prop(bom.metadata.component, 'trustlens:availability:agents'), 'unavailable');
    assert.equal(prop(bom.metadata.component, 'trustlens:scan:status'), 'partial');
    assert.equal(bom.components.filter((c) => c.type === 'application').length, 0);
  });

  it('marks the findings whose mute is in force', () => {
    const lifecycle = (f: ScanReport['findings'][number]) => ({
      id: `stored-${f.ruleId}-${f.resourceId}`,
      firstSeenAt: '2026-01-01T00:00:00.000Z',
      lastSeenAt: '2026-11-30T00:00:00.000Z',
      mute: {
        reason: 'accepted',
        by: 'alice',
        at: '2026-02-01T00:00:00Z',
        expiresAt: f.severity === 'critical' ? null : '2026-11-30T11:00:00Z',
      },
    });
    const bom = JSON.parse(renderCycloneDx(scenario, exportContext({ lifecycle }))) as CdxBom;
    const values = bom.components.flatMap((c) => propsNamed(c, 'trustlens:finding'));
    const muted = values.filter((v) => v.endsWith(' muted'));
    assert.ok(muted.length > 0 && muted.every((v) => v.startsWith('critical ')), 'muted for ever: in force');
    assert.ok(
      values.some((v) => !v.startsWith('critical ') && !v.endsWith(' muted')),
      'expired: not muted',
    );
  });

  it('renders and validates the 2,000-agent workspace', async (t) => {
    const report = await generatedReport(2000);
    const started = performance.now();
    const text = renderCycloneDx(report, exportContext());
    const ms = performance.now() - started;
    t.diagnostic(
      `2,000 agents: rendered in ${Math.round(ms)} ms, ${(Buffer.byteLength(text) / 1e6).toFixed(2)} MB`,
    );
    await assertValid(text);
    assertMatchesReport(JSON.parse(text) as CdxBom, report);
  });
});
