import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AgentAliasResponse$inboundSchema,
  AgentConversation$inboundSchema,
  ConversationHistory$inboundSchema,
  Entry$inboundSchema,
  ModelConversation$inboundSchema,
} from '@mistralai/mistralai/models/components';
import { generateWorkspace } from '../simulator/generator.ts';
import { peekEntries } from '../simulator/index.ts';
import { fastAliasOk, fastConversationOk, fastEntryOk, fastHistoryOk } from './fast-check.ts';

const ws = generateWorkspace({ seed: 13, agents: 40, conversations: 400 });
const wire = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const entries = ws.conversations.flatMap((c) => wire(peekEntries(c))) as unknown as Record<string, unknown>[];
const conversations = ws.conversations.map((c) => wire(c.conversation)) as unknown as Record<
  string,
  unknown
>[];

const sdkEntryOk = (e: unknown) => Entry$inboundSchema.safeParse(e).success;
const sdkConversationOk = (c: unknown) =>
  AgentConversation$inboundSchema.safeParse(c).success ||
  ModelConversation$inboundSchema.safeParse(c).success;

const BAD_VALUES: unknown[] = [
  undefined,
  null,
  0,
  42.5,
  true,
  '',
  'x',
  '2025-01-01T00:00:00',
  '2025-02-30T00:00:00Z',
  '2025-01-01T00:00:00+01:00',
  {},
  [],
  [{}],
  [{ type: 'text', text: 'hi' }],
];
const KEYS = [
  'object',
  'type',
  'id',
  'created_at',
  'completed_at',
  'agent_id',
  'model',
  'name',
  'next_agent_id',
  'previous_agent_name',
  'role',
  'content',
  'arguments',
  'tool_call_id',
  'result',
  'info',
  'prefix',
  'confirmation_status',
  'updated_at',
  'agent_version',
  'metadata',
  'tools',
  'guardrails',
  'completion_args',
  'description',
];

function variants(r: Record<string, unknown>): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const k of KEYS)
    for (const v of BAD_VALUES) {
      const x = { ...r, [k]: v };
      if (v === undefined) delete x[k];
      out.push(x);
    }
  return out;
}

test('every generated history entry and agent conversation takes the fast path', () => {
  assert.ok(entries.length > 1000);
  const types = new Set(entries.map((e) => e.type));
  assert.deepEqual([...types].sort(), [
    'agent.handoff',
    'function.call',
    'function.result',
    'message.input',
    'message.output',
    'tool.execution',
  ]);
  assert.deepEqual(
    entries.filter((e) => !fastEntryOk(e)),
    [],
  );
  for (const c of ws.conversations) {
    const body = wire({
      object: 'conversation.history',
      conversation_id: c.conversation.id,
      entries: peekEntries(c),
    });
    assert.equal(fastHistoryOk(body), true);
    assert.equal(ConversationHistory$inboundSchema.safeParse(body).success, true);
  }
  const agentConversations = conversations.filter((c) => typeof c.agent_id === 'string');
  assert.ok(agentConversations.length > 300);
  assert.deepEqual(
    agentConversations.filter((c) => !fastConversationOk(c)),
    [],
  );
});

test('whatever the fast check accepts, the SDK accepts too (every field of every entry type broken)', () => {
  const samples = [...new Map(entries.map((e) => [`${String(e.type)}:${typeof e.content}`, e])).values()];
  assert.ok(samples.length >= 6);
  let rejected = 0;
  for (const s of samples)
    for (const v of variants(s)) {
      if (!fastEntryOk(v)) {
        rejected++;
        continue;
      }
      assert.equal(sdkEntryOk(v), true, `fast-accepted but the SDK rejects: ${JSON.stringify(v)}`);
    }
  assert.ok(rejected > 100, `the check rejects the broken variants (${rejected})`);
  // The rejected ones the SDK also rejects are what keeps their warnings (replayed through it).
  assert.equal(fastEntryOk(null), false);
  assert.equal(fastEntryOk({ ...samples[0], type: undefined }), false, 'no type: not sure');
});

test('whatever the fast check accepts of conversations, the SDK accepts too', () => {
  const samples = [
    conversations.find((c) => typeof c.agent_id === 'string')!,
    { ...conversations.find((c) => typeof c.agent_id !== 'string')!, tools: [], guardrails: null },
  ];
  delete samples[1].completion_args;
  assert.equal(fastConversationOk(samples[1]), true);
  let rejected = 0;
  for (const s of samples)
    for (const v of variants(s)) {
      if (!fastConversationOk(v)) {
        rejected++;
        continue;
      }
      assert.equal(sdkConversationOk(v), true, `fast-accepted but the SDK rejects: ${JSON.stringify(v)}`);
    }
  assert.ok(rejected > 50);
  // A model conversation's tools are the SDK's to judge (it flags unknown ones).
  assert.equal(fastConversationOk({ ...samples[1], tools: [{ type: 'web_search' }] }), false);
});

test('aliases: the fast check is exactly the SDK schema on every field broken', () => {
  const aliases = ws.agents.flatMap((a) => wire(a.aliases)) as unknown as Record<string, unknown>[];
  assert.ok(aliases.length > 5);
  for (const a of aliases) assert.equal(fastAliasOk(a), true);
  const keys = ['alias', 'version', 'created_at', 'updated_at', 'extra'];
  for (const k of keys)
    for (const v of [...BAD_VALUES, 3, -1, 2 ** 60]) {
      const x: Record<string, unknown> = { ...aliases[0], [k]: v };
      if (v === undefined) delete x[k];
      assert.equal(fastAliasOk(x), AgentAliasResponse$inboundSchema.safeParse(x).success, JSON.stringify(x));
    }
});
