import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WireConversation, WireEntry } from '../shared/mistral-wire.ts';
import { conversationContribution } from './contribution.ts';

const agentConv = (id: string, agentId: string, createdAt = '2026-11-20T10:00:00Z'): WireConversation => ({
  object: 'conversation',
  id,
  created_at: createdAt,
  updated_at: createdAt,
  agent_id: agentId,
});

const modelConv = (id: string, createdAt = '2026-11-20T10:00:00Z'): WireConversation => ({
  object: 'conversation',
  id,
  created_at: createdAt,
  updated_at: createdAt,
  model: 'mistral-small-latest',
});

const input = (t: string): WireEntry => ({
  type: 'message.input',
  role: 'user',
  content: 'hi',
  created_at: t,
});
const output = (t: string, done: string | null, agentId?: string | null): WireEntry => ({
  type: 'message.output',
  role: 'assistant',
  content: 'ok',
  created_at: t,
  completed_at: done,
  ...(agentId !== undefined ? { agent_id: agentId } : {}),
});
const tool = (name: string, t: string, agentId?: string): WireEntry => ({
  type: 'tool.execution',
  name,
  arguments: '{}',
  created_at: t,
  ...(agentId ? { agent_id: agentId } : {}),
});
const fcall = (name: string, t: string, agentId?: string): WireEntry => ({
  type: 'function.call',
  tool_call_id: 'c1',
  name,
  arguments: '{}',
  created_at: t,
  ...(agentId ? { agent_id: agentId } : {}),
});
const handoff = (from: string, to: string, t: string): WireEntry => ({
  type: 'agent.handoff',
  previous_agent_id: from,
  previous_agent_name: from,
  next_agent_id: to,
  next_agent_name: to,
  created_at: t,
});

describe('conversationContribution', () => {
  it('attributes runs by the entry agent_id, and after a handoff to the next agent', () => {
    const c = conversationContribution(agentConv('c1', 'ag_a'), [
      input('2026-11-20T10:00:00Z'),
      output('2026-11-20T10:00:01Z', '2026-11-20T10:00:03Z', 'ag_a'), // 2000 ms
      tool('web_search', '2026-11-20T10:00:04Z', 'ag_a'),
      handoff('ag_a', 'ag_b', '2026-11-20T10:00:05Z'),
      tool('web_search_premium', '2026-11-20T10:00:06Z', 'ag_b'),
      output('2026-11-20T10:00:07Z', '2026-11-20T10:00:08.500Z', 'ag_b'), // 1500 ms
      output('2026-11-20T10:00:09Z', null, 'ag_b'), // no completed_at: a run, no latency
    ]);
    assert.deepEqual(
      c.rows.map((r) => [r.agentId, r.day, r.runs, r.latencySumMs, r.latencyCount, r.webSearchCalls]),
      [
        ['ag_a', '2026-11-20', 1, 2000, 1, 1],
        ['ag_b', '2026-11-20', 2, 1500, 1, 1],
      ],
    );
    assert.deepEqual(c.rows[1].toolExecutionsByName, { web_search_premium: 1 });
    assert.equal(c.rows[0].lastEntryAt, '2026-11-20T10:00:04.000Z');
    assert.equal(c.rows[1].lastEntryAt, '2026-11-20T10:00:09.000Z');
    assert.deepEqual(c.state, {
      conversationId: 'c1',
      updatedAt: '2026-11-20T10:00:00Z',
      createdAt: '2026-11-20T10:00:00Z',
      agentId: 'ag_a',
      model: null,
    });
  });

  it('attributes entries without agent_id to the agent in effect (conversation agent, then handoffs)', () => {
    const c = conversationContribution(agentConv('c2', 'ag_a'), [
      output('2026-11-20T10:00:01Z', '2026-11-20T10:00:02Z'),
      fcall('lookup', '2026-11-20T10:00:03Z'),
      handoff('ag_a', 'ag_b', '2026-11-20T10:00:04Z'),
      output('2026-11-20T10:00:05Z', '2026-11-20T10:00:06Z', null),
      fcall('lookup', '2026-11-20T10:00:07Z'),
      fcall('refund', '2026-11-20T10:00:08Z'),
    ]);
    assert.deepEqual(
      c.rows.map((r) => [r.agentId, r.runs, r.functionCalls, r.functionCallsByName]),
      [
        ['ag_a', 1, 1, { lookup: 1 }],
        ['ag_b', 1, 2, { lookup: 1, refund: 1 }],
      ],
    );
  });

  it('counts each tool name in its counter; other names only by name', () => {
    const t = '2026-11-20T11:00:00Z';
    const c = conversationContribution(agentConv('c3', 'ag_a'), [
      tool('code_interpreter', t),
      tool('code_interpreter', t),
      tool('document_library', t),
      tool('web_search', t),
      tool('web_search_premium', t),
      tool('image_generation', t),
      tool('conn_github', t),
      tool('__proto__', t),
    ]);
    assert.equal(c.rows.length, 1);
    const r = c.rows[0];
    assert.deepEqual(
      [
        r.runs,
        r.codeInterpreterCalls,
        r.fileSearchCalls,
        r.webSearchCalls,
        r.imageGenerationCalls,
        r.functionCalls,
      ],
      [0, 2, 1, 2, 1, 0],
    );
    assert.equal(Object.keys(r.toolExecutionsByName).length, 7);
    assert.equal(r.toolExecutionsByName['conn_github'], 1);
    assert.equal(Object.getOwnPropertyDescriptor(r.toolExecutionsByName, '__proto__')?.value, 1);
    assert.equal(Object.getPrototypeOf(r.toolExecutionsByName), Object.prototype);
  });

  it('splits rows by the UTC day of each entry, falling back to the conversation day', () => {
    const c = conversationContribution(agentConv('c4', 'ag_a', '2026-11-19T23:59:00+01:00'), [
      output('2026-11-19T23:59:30Z', '2026-11-20T00:00:30Z'), // day of created_at: 19th, 60000 ms
      output('2026-11-20T00:00:40Z', '2026-11-20T00:00:41Z'),
      { type: 'message.output', role: 'assistant', content: 'x' }, // undated → conversation day 2026-11-19 (UTC)
    ]);
    assert.deepEqual(
      c.rows.map((r) => [r.day, r.runs, r.latencySumMs]),
      [
        ['2026-11-19', 2, 60000],
        ['2026-11-20', 1, 1000],
      ],
    );
    assert.equal(c.flags?.undatedEntries, 1);
  });

  it('ignores negative latency and flags it', () => {
    const c = conversationContribution(agentConv('c5', 'ag_a'), [
      output('2026-11-20T10:00:05Z', '2026-11-20T10:00:01Z'),
      output('2026-11-20T10:00:06Z', '2026-11-20T10:00:06.250Z'),
    ]);
    assert.deepEqual([c.rows[0].runs, c.rows[0].latencySumMs, c.rows[0].latencyCount], [2, 250, 1]);
    assert.equal(c.flags?.negativeLatency, 1);
  });

  it('gives the starting agent a zero row when it has no entries of its own', () => {
    const empty = conversationContribution(agentConv('c6', 'ag_a'), [input('2026-11-21T00:00:00Z')]);
    assert.deepEqual(
      empty.rows.map((r) => [r.agentId, r.day, r.runs, r.lastEntryAt]),
      [['ag_a', '2026-11-20', 0, '2026-11-20T10:00:00.000Z']],
    );
    // handoff before any output: the starting agent still counts the conversation
    const handedOff = conversationContribution(agentConv('c7', 'ag_a'), [
      handoff('ag_a', 'ag_b', '2026-11-20T10:00:01Z'),
      output('2026-11-20T10:00:02Z', '2026-11-20T10:00:03Z', 'ag_b'),
    ]);
    assert.deepEqual(
      handedOff.rows.map((r) => [r.agentId, r.runs]),
      [
        ['ag_a', 0],
        ['ag_b', 1],
      ],
    );
  });

  it('counts model-only conversations under the null agent', () => {
    const c = conversationContribution(modelConv('m1'), [
      input('2026-11-20T10:00:00Z'),
      output('2026-11-20T10:00:01Z', '2026-11-20T10:00:04Z', null), // 3000 ms
      tool('web_search', '2026-11-20T10:00:05Z'),
    ]);
    assert.deepEqual(
      c.rows.map((r) => [r.agentId, r.runs, r.latencySumMs, r.webSearchCalls]),
      [[null, 1, 3000, 1]],
    );
    assert.deepEqual([c.state.agentId, c.state.model], [null, 'mistral-small-latest']);
    const empty = conversationContribution(modelConv('m2'), []);
    assert.deepEqual(
      empty.rows.map((r) => [r.agentId, r.runs]),
      [[null, 0]],
    );
  });

  it('skips non-object entries from raw histories', () => {
    const c = conversationContribution(agentConv('c8', 'ag_a'), [
      null,
      7,
      output('2026-11-20T10:00:01Z', null),
    ] as never);
    assert.deepEqual(
      c.rows.map((r) => [r.agentId, r.runs]),
      [['ag_a', 1]],
    );
  });
});
