import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AGENT, checkRecords, CONVERSATION, MODEL } from './record-validation.ts';

const agent = (extra: Record<string, unknown> = {}) => ({
  id: 'ag_1',
  version: 1,
  versions: [1],
  name: 'A',
  model: 'mistral-small-latest',
  created_at: '2025-01-01T00:00:00Z',
  updated_at: '2025-01-01T00:00:00Z',
  deployment_chat: false,
  source: 'api',
  ...extra,
});

test('a record the SDK rejects is flagged with a short issue, others are not', () => {
  const w = checkRecords(
    AGENT,
    [agent(), agent({ id: 'ag_2', tools: null })],
    undefined,
    'GET /v1/agents/pages',
  );
  assert.equal(w.length, 1);
  assert.equal(w[0].resourceId, 'ag_2');
  assert.equal(w[0].resourceType, 'agent');
  assert.match(w[0].issue, /^tools: .*null/);
});

test('tools the SDK turns into UNKNOWN are flagged', () => {
  const w = checkRecords(
    AGENT,
    [agent({ tools: [{ type: 'web_search' }, { type: 'mcp', server: 'x' }, { type: 'document_library' }] })],
    undefined,
    'e',
  );
  assert.equal(w.length, 2);
  assert.match(w[0].issue, /tools\[1\].*"mcp"/);
  assert.match(w[1].issue, /tools\[2\].*"document_library"/);
});

test('model cards: unknown type and invalid known type are flagged with the reason', () => {
  const good = { id: 'm1', type: 'base', capabilities: {} };
  const bad = { id: 'm2', type: 'base', capabilities: {}, deprecation: '2025-01-01' };
  const odd = { id: 'm3', type: 'quantum', capabilities: {} };
  const w = checkRecords(MODEL, [good, bad, odd], undefined, 'GET /v1/models');
  assert.deepEqual(
    w.map((x) => x.resourceId),
    ['m2', 'm3'],
  );
  assert.match(w[0].issue, /deprecation/);
  assert.match(w[1].issue, /quantum/);
});

test('conversations validate as agent or model conversation', () => {
  const ok = {
    id: 'c1',
    created_at: '2025-01-01T00:00:00Z',
    updated_at: '2025-01-01T00:00:00Z',
    agent_id: 'ag_1',
  };
  const okModel = {
    id: 'c2',
    created_at: '2025-01-01T00:00:00Z',
    updated_at: '2025-01-01T00:00:00Z',
    model: 'm',
  };
  const bad = {
    id: 'c3',
    created_at: '2025-01-01T00:00:00',
    updated_at: '2025-01-01T00:00:00Z',
    agent_id: 'ag_1',
  };
  const w = checkRecords(CONVERSATION, [ok, okModel, bad], undefined, 'GET /v1/conversations');
  assert.deepEqual(
    w.map((x) => x.resourceId),
    ['c3'],
  );
});
