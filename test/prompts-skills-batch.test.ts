/**
 * Prompts, skills and batch jobs with the ordinary key (issue 11): the record mapping (names,
 * versions, aliases, counts; never the prompt or skill text), the connector against the simulator
 * (every v2 pageToken page and every batch page, records the SDK rejects kept raw and flagged,
 * switches off → BETA_ACCESS_REQUIRED / FORBIDDEN), and the scan JSON (sections and counts, null
 * and 'unavailable' when the workspace's plan cannot list them, 'error' → partial).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { isAppError } from '../src/errors/index.ts';
import { buildScanReport } from '../src/exports/scan-report.ts';
import {
  REGISTRY_FEATURE_KEYS,
  toBatchJobRecord,
  toRegistryRecord,
} from '../src/inventory/prompts-skills.ts';
import type { Snapshot } from '../src/inventory/types.ts';
import { createMistralConnector } from '../src/mistral/index.ts';
import type { MistralConnector } from '../src/mistral/types.ts';
import type { WireBatchJob, WirePrompt } from '../src/shared/mistral-wire-v2.ts';
import { startSimulator, type SimulatorHandle } from '../src/simulator/index.ts';
import { discoverWorkspace } from '../src/sync/discover.ts';
import { FAST_SIMULATOR_CONNECTOR } from './helpers/fast-connector.ts';

const SECRET_BODY = 'TOP-SECRET-PROMPT-BODY sk-live-0123456789';

describe('record mapping', () => {
  const prompt: WirePrompt = {
    id: 'p1',
    name: 'support_reply',
    title: 'Support reply',
    description: SECRET_BODY,
    sharingScope: 'workspace',
    definition: { content: SECRET_BODY },
    version: 3,
    notes: SECRET_BODY,
    aliases: ['production'],
    latestVersion: 3,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-02-01T00:00:00Z',
  };

  test('a prompt with its versions: counts, latest, aliases → version; never its text', () => {
    const versions = [
      { version: 1, definition: { content: SECRET_BODY }, notes: SECRET_BODY, aliases: [] },
      { version: 2, definition: { content: SECRET_BODY }, aliases: ['staging', 'canary'] },
      { version: 3, definition: { content: SECRET_BODY }, aliases: ['production'] },
    ];
    const r = toRegistryRecord(prompt, versions);
    assert.deepEqual(r, {
      id: 'p1',
      name: 'support_reply',
      title: 'Support reply',
      sharingScope: 'workspace',
      versionCount: 3,
      latestVersion: 3,
      aliases: [
        { alias: 'canary', version: 2 },
        { alias: 'production', version: 3 },
        { alias: 'staging', version: 2 },
      ],
      createdAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-02-01T00:00:00Z',
      referencedAgents: null,
      // The "sk-live-…" in every text: where it is, never the text or the value.
      secretsScanned: true,
      secretFindings: [
        { version: null, field: 'description', kind: 'openai_style_key', line: 1, column: 24 },
        { version: 1, field: 'definition.content', kind: 'openai_style_key', line: 1, column: 24 },
        { version: 1, field: 'notes', kind: 'openai_style_key', line: 1, column: 24 },
        { version: 2, field: 'definition.content', kind: 'openai_style_key', line: 1, column: 24 },
        { version: 3, field: 'definition.content', kind: 'openai_style_key', line: 1, column: 24 },
      ],
    });
    assert.ok(!JSON.stringify(r).includes('TOP-SECRET'));
    assert.ok(!JSON.stringify(r).includes('sk-live'));
  });

  test('credential scan: only in a later version, of a prompt and of a skill; text and value never kept', () => {
    const key = 'AKIAABCDEFGHIJKLMNOP';
    const clean = (v: number) => ({ version: v, definition: { content: `You answer politely (v${v}).` } });
    const p = toRegistryRecord({ ...prompt, description: 'Replies', notes: 'ok' }, [
      clean(1),
      clean(2),
      { version: 3, definition: { content: `Line one\nUse AWS ${key} for the bucket.` }, notes: 'rotate' },
    ]);
    assert.equal(p.secretsScanned, true);
    assert.deepEqual(p.secretFindings, [
      { version: 3, field: 'definition.content', kind: 'aws_access_key_id', line: 2, column: 9 },
    ]);
    const skill = toRegistryRecord(
      { id: 's1', name: 'code_review', latestVersion: 2 },
      [
        { version: 1, definition: { description: 'Use for reviews', body: '# Review\nRead the diff.' } },
        {
          version: 2,
          definition: {
            description: 'Use for reviews',
            body: '# Review\nRead the diff.',
            assets: {
              'deploy.sh': { textContent: `#!/bin/sh\nexport TOKEN=ghp_${'a1B2'.repeat(9)}` },
              'logo.png': { rawContent: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1]).toString('base64') },
              'ci.env': { rawContent: Buffer.from(`X=1\nKEY=${key}`).toString('base64') },
            },
          },
          notes: 'token=<your token>',
        },
      ],
      'skill',
    );
    assert.equal(skill.secretsScanned, true);
    assert.deepEqual(
      skill.secretFindings.map((f) => [f.version, f.field, f.kind, f.line]),
      [
        [2, 'definition.assets["ci.env"]', 'aws_access_key_id', 2],
        [2, 'definition.assets["deploy.sh"]', 'github_token', 2],
      ],
    );
    const text = JSON.stringify([p, skill]);
    for (const secret of [key, 'ghp_', 'a1B2', 'Use AWS', 'Read the diff', '<your token>'])
      assert.ok(!text.includes(secret), `no "${secret}" in the records`);
  });

  test('credential scan: not scanned (versions not read, text missing) is not "clean"', () => {
    // Versions not read: the served version is scanned, but the record is not wholly scanned.
    const unread = toRegistryRecord({ ...prompt, description: 'x', notes: 'y' }, null);
    assert.equal(unread.secretsScanned, false);
    assert.deepEqual(
      unread.secretFindings.map((f) => [f.version, f.field]),
      [[3, 'definition.content']],
    );
    // A version without its definition: the text was not returned.
    const noText = toRegistryRecord({ id: 'p3', name: 'x' }, [
      { version: 1, definition: { content: 'hi' } },
      { version: 2 },
    ]);
    assert.equal(noText.secretsScanned, false);
    assert.deepEqual(noText.secretFindings, []);
    // Scanned and clean.
    const ok = toRegistryRecord({ id: 'p4', name: 'x' }, [{ version: 1, definition: { content: 'hi' } }]);
    assert.equal(ok.secretsScanned, true);
    assert.deepEqual(ok.secretFindings, []);
    // A title shaped like a credential is not kept either.
    const titled = toRegistryRecord({ id: 'p5', name: 'x', title: 'password=Hunter22!' }, [
      { version: 1, definition: { content: 'hi' } },
    ]);
    assert.equal(titled.title, '[REDACTED]');
    assert.deepEqual(titled.secretFindings, [
      { version: null, field: 'title', kind: 'password', line: 1, column: 1 },
    ]);
    assert.ok(!JSON.stringify(titled).includes('Hunter22'));
  });

  test('versions not read: versionCount null (not 0), aliases of the served version, latest from the object', () => {
    const r = toRegistryRecord(prompt, null);
    assert.equal(r.versionCount, null);
    assert.equal(r.latestVersion, 3);
    assert.deepEqual(r.aliases, [{ alias: 'production', version: 3 }]);
    // A raw record the SDK rejected (wrong types) still maps, field by field.
    const bad = toRegistryRecord({ id: 'p2', name: 42, latestVersion: 'x' } as unknown as WirePrompt, [
      { version: 5 },
    ]);
    assert.equal(bad.name, 'p2');
    assert.equal(bad.latestVersion, 5);
    assert.equal(bad.title, null);
  });

  test('a batch job: agent that exists, deleted, none, agents not listed; metadata keys only', () => {
    const job: WireBatchJob = {
      id: 'b1',
      input_files: ['f1', 'f2'],
      endpoint: '/v1/chat/completions',
      agent_id: 'ag_1',
      model: null,
      metadata: { customer: SECRET_BODY, batch: 'x' },
      errors: [{ message: SECRET_BODY, count: 3 }, { message: 'x' }],
      status: 'FAILED',
      created_at: 1_780_000_000,
      started_at: null,
      completed_at: 1_780_000_600,
      total_requests: 10,
      completed_requests: 10,
      succeeded_requests: 6,
      failed_requests: 4,
    };
    const r = toBatchJobRecord(job, new Set(['ag_1']));
    assert.equal(r.agentExists, true);
    assert.equal(r.createdAt, new Date(1_780_000_000_000).toISOString());
    assert.equal(r.startedAt, null);
    assert.equal(r.errorCount, 4);
    assert.equal(r.inputFileCount, 2);
    assert.deepEqual(r.metadataKeys, ['batch', 'customer']);
    assert.ok(!JSON.stringify(r).includes('TOP-SECRET'));
    assert.equal(toBatchJobRecord(job, new Set(['ag_2'])).agentExists, false);
    assert.equal(toBatchJobRecord(job, null).agentExists, null);
    assert.equal(toBatchJobRecord({ ...job, agent_id: null, model: 'm' }, new Set()).agentExists, null);
  });
});

describe('connector and scan against the simulator', () => {
  let sim: SimulatorHandle;
  before(async () => {
    sim = await startSimulator({ seed: 11, generator: { agents: 5 } });
  });
  after(() => sim.close());
  const connect = (): MistralConnector =>
    createMistralConnector({
      apiKey: sim.apiKey,
      baseUrl: sim.url,
      pageSize: 2,
      ...FAST_SIMULATOR_CONNECTOR,
    });
  const scan = async () => {
    const r = await discoverWorkspace({ connector: connect(), now: new Date(sim.workspace.now) });
    return { r, report: buildScanReport(r.snapshot, [], () => undefined, new Date(sim.workspace.now)) };
  };

  test('every prompt and skill over several pageToken pages, with versions; every batch job over pages', async () => {
    const c = connect();
    const requests = () => c.stats().requests;
    const before0 = requests();
    const prompts = await c.listPrompts!();
    const promptIds = (sim.workspace.prompts ?? []).map((p) => p.object.id);
    assert.ok(promptIds.length >= 3);
    assert.deepEqual(
      prompts.items.map((p) => p.id),
      promptIds,
    );
    assert.ok(requests() - before0 >= Math.ceil(promptIds.length / 2), 'several pages were read');
    const skills = await c.listSkills!();
    assert.deepEqual(
      skills.items.map((s) => s.id),
      (sim.workspace.skills ?? []).map((s) => s.object.id),
    );
    const first = sim.workspace.skills![0];
    const versions = await c.listSkillVersions!(first.object.id!);
    assert.equal(versions.items.length, first.versions.length);
    assert.ok(versions.items.length >= 3);
    const pv = await c.listPromptVersions!(promptIds[0]!);
    assert.equal(pv.items.length, sim.workspace.prompts![0].versions.length);
    const jobs = await c.listBatchJobs!();
    assert.equal(jobs.items.length, sim.workspace.batchJobs!.length);
    assert.equal(new Set(jobs.items.map((j) => j.id)).size, jobs.items.length);
    assert.deepEqual([...prompts.warnings, ...skills.warnings, ...jobs.warnings], []);
  });

  test('a record the SDK rejects is kept raw with a data-quality warning', async () => {
    const job = sim.workspace.batchJobs![0] as unknown as Record<string, unknown>;
    const saved = job.total_requests;
    job.total_requests = 'many';
    const p = sim.workspace.prompts![1].object as Record<string, unknown>;
    const savedName = p.name;
    p.name = 42;
    try {
      const c = connect();
      const jobs = await c.listBatchJobs!();
      assert.ok(
        jobs.items.some((j) => j.id === job.id),
        'kept',
      );
      assert.ok(jobs.warnings.some((w) => w.resourceType === 'batchJob' && w.resourceId === job.id));
      const prompts = await c.listPrompts!();
      assert.equal(prompts.items.length, sim.workspace.prompts!.length);
      assert.ok(prompts.warnings.some((w) => w.resourceType === 'prompt' && w.resourceId === p.id));
    } finally {
      job.total_requests = saved;
      p.name = savedName;
    }
  });

  test('scan JSON: sections, counts, the deleted agent, availability rows; no prompt text', async () => {
    const { r, report } = await scan();
    assert.equal(r.status, 'succeeded');
    for (const k of REGISTRY_FEATURE_KEYS) assert.equal(report.extraAvailability[k]?.status, 'available');
    assert.equal(report.summary.prompts, sim.workspace.prompts!.length);
    assert.equal(report.summary.skills, sim.workspace.skills!.length);
    assert.equal(report.summary.batchJobs, sim.workspace.batchJobs!.length);
    assert.equal(report.summary.batchJobsWithDeletedAgent, 1);
    const firstAgent = String(sim.workspace.agents[0].current.id);
    assert.ok(report.batchJobs!.some((j) => j.agentId === firstAgent && j.agentExists === true));
    const withVersions = report.prompts!.find((p) => p.id === sim.workspace.prompts![0].object.id)!;
    assert.equal(withVersions.versionCount, sim.workspace.prompts![0].versions.length);
    assert.ok(
      withVersions.aliases.some((a) => a.alias === 'production' && a.version === withVersions.latestVersion),
    );
    const text = JSON.stringify(report);
    const body = sim.workspace.prompts![0].versions[0].definition.content;
    assert.ok(!text.includes(body), 'no prompt content in the scan JSON');
    assert.ok(!text.includes('Steps: read the input'), 'no skill body in the scan JSON');
  });

  test('switches off: sections and counts null, rows unavailable, the rest unchanged and the run not partial', async () => {
    sim.configure({ features: { prompts: false, skills: false, batch: false } });
    try {
      const { r, report } = await scan();
      assert.equal(r.status, 'succeeded');
      assert.equal(report.prompts, null);
      assert.equal(report.skills, null);
      assert.equal(report.batchJobs, null);
      assert.equal(report.summary.prompts, null);
      assert.equal(report.summary.batchJobs, null);
      assert.equal(report.summary.batchJobsWithDeletedAgent, null);
      assert.equal(report.extraAvailability.prompts?.code, 'BETA_ACCESS_REQUIRED');
      assert.equal(report.extraAvailability.skills?.status, 'unavailable');
      assert.equal(report.extraAvailability.batchJobs?.status, 'unavailable');
      assert.equal(report.extraAvailability.batchJobs?.code, 'FORBIDDEN');
      assert.ok(report.extraAvailability.batchJobs?.remediation);
      assert.equal(report.summary.agents, sim.workspace.agents.length);
      const e = await connect().listBatchJobs!().then(
        () => null,
        (x: unknown) => x,
      );
      assert.ok(isAppError(e) && e.details.feature === 'batchJobs');
    } finally {
      sim.configure({ features: {} });
    }
  });

  test('a failed read is an error and makes the run partial (not an empty list)', async () => {
    const c = connect();
    // Only the batch listing fails (as after retries of a 5xx): the rest is read.
    const failing: MistralConnector = Object.assign(Object.create(c) as MistralConnector, {
      listBatchJobs: () => Promise.reject(new Error('HTTP 500 from GET /v1/batch/jobs')),
    });
    const r = await discoverWorkspace({ connector: failing, now: new Date(sim.workspace.now) });
    const report = buildScanReport(r.snapshot, [], () => undefined, new Date(sim.workspace.now));
    assert.equal(r.snapshot.extraAvailability?.batchJobs?.status, 'error');
    assert.equal(report.batchJobs, null);
    assert.equal(report.summary.batchJobs, null);
    assert.equal(r.status, 'partial');
    assert.equal(report.status, 'partial');
    assert.ok(report.prompts && report.prompts.length > 0, 'the rest was read');
  });
});

test('a snapshot from before: the three rows say not read, sections and counts null', () => {
  const old: Snapshot = {
    takenAt: '2026-01-01T00:00:00.000Z',
    source: { provider: 'mistral', baseUrl: 'https://api.mistral.ai' },
    integration: null,
    availability: Object.fromEntries(
      ['models', 'files', 'agents', 'libraries', 'usage', 'versions'].map((k) => [
        k,
        { status: 'available' },
      ]),
    ) as Snapshot['availability'],
    agents: [],
    models: [],
    files: [],
    libraries: [],
    workspaceUsage: null,
    errors: [],
    dataQuality: [],
  };
  const report = buildScanReport(old, [], () => undefined, new Date());
  for (const k of REGISTRY_FEATURE_KEYS) assert.match(report.extraAvailability[k]?.message ?? '', /Not read/);
  assert.deepEqual([report.prompts, report.skills, report.batchJobs], [null, null, null]);
  assert.equal(report.summary.skills, null);
});

test('docs/scan-json.md documents the prompts, skills and batch jobs fields', () => {
  const docs = readFileSync(new URL('../docs/scan-json.md', import.meta.url), 'utf8');
  const fields = [
    'prompts',
    'skills',
    'batchJobs',
    'batchJobsWithDeletedAgent',
    'versionCount',
    'latestVersion',
    'aliases',
    'referencedAgents',
    'agentExists',
    'metadataKeys',
    'errorCount',
  ];
  for (const f of fields) assert.ok(docs.includes(`"${f}"`), `docs/scan-json.md names "${f}"`);
});
