import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modelFamily, modelLifecycle, toModelRecord } from './models.ts';
import { agentStatus, knowledgeBasesOf, toAgentRecord } from './agents.ts';
import { toLibraryRecord } from './libraries.ts';
import { toFileRecord } from './files.ts';
import type { WireAgent, WireLibrary } from '../shared/mistral-wire.ts';

const now = new Date('2026-11-28T12:00:00Z');

test('model lifecycle: stable, deprecated (future date), legacy (past date)', () => {
  assert.equal(modelLifecycle(null, now), 'stable');
  assert.equal(modelLifecycle('2027-01-01T00:00:00Z', now), 'deprecated');
  assert.equal(modelLifecycle('2026-01-01T00:00:00Z', now), 'legacy');
});

test('model family strips dates and -latest; fine-tuned uses the root', () => {
  assert.equal(modelFamily('mistral-small-2506'), 'mistral-small');
  assert.equal(modelFamily('mistral-large-latest'), 'mistral-large');
  assert.equal(modelFamily('open-mistral-7b'), 'open-mistral-7b');
  const ft = toModelRecord(
    {
      id: 'ft:open-mistral-7b:1a2b:20250101:abcd',
      capabilities: { completion_chat: true, fine_tuning: false },
      type: 'fine-tuned',
      job: 'job1',
      root: 'open-mistral-7b',
      created: 1735689600,
    },
    now,
  );
  assert.equal(ft.family, 'open-mistral-7b');
  assert.deepEqual(ft.capabilities, ['completion_chat']);
  assert.deepEqual(ft.fineTuned, { root: 'open-mistral-7b', job: 'job1', archived: false });
  assert.equal(ft.createdAt, '2025-01-01T00:00:00.000Z');
  assert.equal(ft.lifecycle, 'stable');
});

test('files keep size, purpose and times', () => {
  const f = toFileRecord({
    id: 'f1',
    object: 'file',
    bytes: 20480,
    created_at: 1735689600,
    filename: 'train.jsonl',
    purpose: 'fine-tune',
    sample_type: 'instruct',
    source: 'upload',
    visibility: 'workspace',
  });
  assert.equal(f.sizeBytes, 20480);
  assert.equal(f.purpose, 'fine-tune');
  assert.equal(f.createdAt, '2025-01-01T00:00:00.000Z');
});

const lib: WireLibrary = {
  id: 'lib1',
  name: 'Manuals',
  created_at: '2025-04-02T10:00:00Z',
  updated_at: '2025-04-02T10:00:00Z',
  owner_id: null,
  owner_type: 'Workspace',
  total_size: 10,
  nb_documents: 3,
  chunk_size: null,
};

const agent: WireAgent = {
  id: 'ag_1',
  version: 2,
  versions: [0, 1, 2],
  name: 'Support',
  model: 'mistral-medium-latest',
  instructions: 'Answer briefly.',
  tools: [{ type: 'web_search' }, { type: 'document_library', library_ids: ['lib1', 'lib-missing'] }],
  completion_args: { temperature: 0.3, top_p: 0.95, tool_choice: 'auto' },
  guardrails: [],
  created_at: '2025-05-01T09:00:00Z',
  updated_at: '2025-06-01T09:00:00Z',
  deployment_chat: true,
  source: 'api',
};

test('knowledge bases join libraries; unknown ids are kept and flagged, or unknown without a listing', () => {
  const index = new Map([['lib1', toLibraryRecord(lib)]]);
  assert.deepEqual(knowledgeBasesOf(agent.tools!, index), [
    { id: 'lib1', name: 'Manuals', found: true },
    { id: 'lib-missing', name: null, found: false },
  ]);
  assert.deepEqual(knowledgeBasesOf(agent.tools!, null), [
    { id: 'lib1', name: null, found: null },
    { id: 'lib-missing', name: null, found: null },
  ]);
});

test('agent record: completion args, empty guardrails list is null, versions and aliases', () => {
  const r = toAgentRecord(
    {
      current: agent,
      versions: [
        { ...agent, version: 1, guardrails: [{ moderation_llm_v2: { action: 'block' } }] },
        { ...agent, version: 0 },
        agent,
      ],
      aliases: [
        { alias: 'prod', version: 1, created_at: '2025-05-01T09:00:00Z', updated_at: '2025-05-01T09:00:00Z' },
      ],
      usage: null,
      warnings: [],
    },
    null,
    now,
  );
  assert.equal(r.temperature, 0.3);
  assert.equal(r.topP, 0.95);
  assert.equal(r.guardrails, null);
  assert.deepEqual(r.guardrailPolicies, []);
  assert.deepEqual(
    r.versionHistory.map((v) => v.version),
    [0, 1, 2],
  );
  assert.equal(r.versionHistory[1].guardrails?.policy_count, 1);
  assert.deepEqual(r.aliases, [
    { alias: 'prod', version: 1, createdAt: '2025-05-01T09:00:00Z', updatedAt: '2025-05-01T09:00:00Z' },
  ]);
  assert.equal(r.status, 'unknown');
  assert.equal(r.deploymentChat, true);
});

test('agent status: active within 30 days, idle otherwise, unknown without usage', () => {
  const usage = (lastActivityAt: string | null) =>
    ({ lastActivityAt }) as unknown as Parameters<typeof agentStatus>[0];
  assert.equal(agentStatus(usage('2026-11-20T00:00:00Z'), now), 'active');
  assert.equal(agentStatus(usage('2026-09-01T00:00:00Z'), now), 'idle');
  assert.equal(agentStatus(usage(null), now), 'idle');
  assert.equal(agentStatus(null, now), 'unknown');
});
