/**
 * A hand-written workspace for the usage tests (test/usage-*.test.ts), with the expected numbers
 * computed by hand next to it (definitions: docs/metrics.md).
 */
import type { WireConversation, WireEntry } from '../src/shared/mistral-wire.ts';
import type { SimConversation, SimWorkspace } from '../src/simulator/index.ts';

export const NOW = new Date('2026-11-28T12:00:00Z');

export function agentConversation(
  id: string,
  agentId: string,
  createdAt: string,
  updatedAt = createdAt,
): WireConversation {
  return {
    object: 'conversation',
    id,
    created_at: createdAt,
    updated_at: updatedAt,
    agent_id: agentId,
    agent_version: 1,
  };
}

export function modelConversation(id: string, createdAt: string, updatedAt = createdAt): WireConversation {
  return {
    object: 'conversation',
    id,
    created_at: createdAt,
    updated_at: updatedAt,
    model: 'mistral-small-latest',
    completion_args: { tool_choice: 'auto' },
  };
}

let n = 0;
const eid = (): string => `e${++n}`;
const plus = (t: string, ms: number): string => new Date(Date.parse(t) + ms).toISOString();

export const input = (t: string): WireEntry => ({
  object: 'entry',
  type: 'message.input',
  id: eid(),
  created_at: t,
  completed_at: null,
  role: 'user',
  content: 'hello',
  prefix: false,
});

/** A message.output entry; `latencyMs` null = no completed_at; agentId undefined = no agent_id key. */
export const output = (t: string, latencyMs: number | null, agentId?: string): WireEntry => ({
  object: 'entry',
  type: 'message.output',
  id: eid(),
  created_at: t,
  completed_at: latencyMs === null ? null : plus(t, latencyMs),
  role: 'assistant',
  content: [{ type: 'text', text: 'answer' }],
  model: 'mistral-medium-2505',
  ...(agentId !== undefined ? { agent_id: agentId } : {}),
});

export const tool = (name: string, t: string, agentId?: string): WireEntry => ({
  object: 'entry',
  type: 'tool.execution',
  id: eid(),
  created_at: t,
  completed_at: plus(t, 500),
  name,
  arguments: '{"q":"x"}',
  info: {},
  ...(agentId !== undefined ? { agent_id: agentId } : {}),
});

export const functionCall = (name: string, t: string, agentId?: string): WireEntry => ({
  object: 'entry',
  type: 'function.call',
  id: eid(),
  created_at: t,
  completed_at: null,
  tool_call_id: `call_${n}`,
  name,
  arguments: '{"id":"1"}',
  confirmation_status: null,
  ...(agentId !== undefined ? { agent_id: agentId } : {}),
});

export const functionResult = (t: string): WireEntry => ({
  object: 'entry',
  type: 'function.result',
  id: eid(),
  created_at: t,
  completed_at: null,
  tool_call_id: `call_${n}`,
  result: '{"ok":true}',
});

export const handoff = (from: string, to: string, t: string): WireEntry => ({
  object: 'entry',
  type: 'agent.handoff',
  id: eid(),
  created_at: t,
  completed_at: t,
  previous_agent_id: from,
  previous_agent_name: from,
  next_agent_id: to,
  next_agent_name: to,
});

/**
 * Five conversations (listing order):
 * - c1 ag_router → handoff → ag_legal: router 1 run (800 ms) + web_search; legal web_search_premium,
 *   1 run without completed_at, 1 run (1200 ms), function.call lookup_case.
 * - c2 ag_support, entries WITHOUT agent_id: 2 runs (2000, 4000 ms), code_interpreter,
 *   document_library, image_generation, conn_jira.
 * - c3 ag_legal, 150 days ago (outside the last 90 days): 1 run (600 ms), function.call lookup_case.
 * - m1 model-only: 2 runs (300, 500 ms), web_search.
 * - c4 ag_support, a question not answered yet.
 */
export function usageWorkspace(): SimWorkspace {
  const conversations: SimConversation[] = [
    {
      conversation: agentConversation('c1', 'ag_router', '2026-11-20T10:00:00Z', '2026-11-20T10:00:20Z'),
      entries: [
        input('2026-11-20T10:00:00Z'),
        output('2026-11-20T10:00:01Z', 800, 'ag_router'),
        tool('web_search', '2026-11-20T10:00:03Z', 'ag_router'),
        handoff('ag_router', 'ag_legal', '2026-11-20T10:00:05Z'),
        tool('web_search_premium', '2026-11-20T10:00:06Z', 'ag_legal'),
        output('2026-11-20T10:00:10Z', null, 'ag_legal'),
        output('2026-11-20T10:00:12Z', 1200, 'ag_legal'),
        functionCall('lookup_case', '2026-11-20T10:00:14Z', 'ag_legal'),
        functionResult('2026-11-20T10:00:15Z'),
      ],
    },
    {
      conversation: agentConversation('c2', 'ag_support', '2026-11-26T09:00:00Z', '2026-11-26T09:01:00Z'),
      entries: [
        input('2026-11-26T09:00:00Z'),
        output('2026-11-26T09:00:01Z', 2000),
        tool('code_interpreter', '2026-11-26T09:00:04Z'),
        tool('document_library', '2026-11-26T09:00:05Z'),
        tool('image_generation', '2026-11-26T09:00:06Z'),
        tool('conn_jira', '2026-11-26T09:00:07Z'),
        output('2026-11-26T09:00:08Z', 4000),
      ],
    },
    {
      conversation: agentConversation('c3', 'ag_legal', '2026-07-01T08:00:00Z', '2026-07-01T08:00:10Z'),
      entries: [
        input('2026-07-01T08:00:00Z'),
        output('2026-07-01T08:00:01Z', 600, 'ag_legal'),
        functionCall('lookup_case', '2026-07-01T08:00:03Z', 'ag_legal'),
      ],
    },
    {
      conversation: modelConversation('m1', '2026-11-27T07:00:00Z', '2026-11-27T07:00:30Z'),
      entries: [
        input('2026-11-27T07:00:00Z'),
        output('2026-11-27T07:00:01Z', 300),
        tool('web_search', '2026-11-27T07:00:02Z'),
        output('2026-11-27T07:00:05Z', 500),
      ],
    },
    {
      conversation: agentConversation('c4', 'ag_support', '2026-11-27T12:00:00Z'),
      entries: [input('2026-11-27T12:00:00Z')],
    },
  ];
  return { now: NOW.toISOString(), models: [], files: [], agents: [], libraries: [], conversations };
}
