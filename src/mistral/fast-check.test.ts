import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AgentAliasResponse$inboundSchema,
  ConversationHistory$inboundSchema,
  Entry$inboundSchema,
} from '@mistralai/mistralai/models/components';
import { AgentsApiV1ConversationsListResponse$inboundSchema } from '@mistralai/mistralai/models/operations';
import { generateWorkspace } from '../simulator/generator.ts';
import { peekEntries } from '../simulator/index.ts';
import { fastAliasOk, fastConversationOk, fastEntryOk, fastHistoryOk } from './fast-check.ts';
import { CONVERSATION } from './record-validation.ts';

const ws = generateWorkspace({ seed: 13, agents: 40, conversations: 400 });
const wire = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const entries = ws.conversations.flatMap((c) => wire(peekEntries(c))) as unknown as Record<string, unknown>[];
const conversations = ws.conversations.map((c) => wire(c.conversation)) as unknown as Record<
  string,
  unknown
>[];

const sdkEntryOk = (e: unknown) => Entry$inboundSchema.safeParse(e).success;
/**
 * What the connector's SDK path does with one listed conversation: the listing's own union
 * (it picks a model conversation over an agent one when both match), then the warnings of
 * silently degraded records (unknown tools). "OK" = accepted with no warning.
 */
const sdkConversationOk = (c: unknown) => {
  const r = AgentsApiV1ConversationsListResponse$inboundSchema.safeParse(c);
  return r.success && CONVERSATION.degraded(r.data, c).length === 0;
};

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

const T0 = '2025-01-01T00:00:00Z';
/** One well-formed chunk of every type the SDK knows (and three no entry's content union has). */
const CHUNKS: Record<string, Record<string, unknown>> = {
  text: { type: 'text', text: 'hi' },
  image_object: { type: 'image_url', image_url: { url: 'https://example.com/p.png', detail: 'high' } },
  image_string: { type: 'image_url', image_url: 'https://example.com/p.png' },
  document_url: { type: 'document_url', document_url: 'https://example.com/b.pdf', document_name: 'b.pdf' },
  tool_file: {
    type: 'tool_file',
    tool: 'code_interpreter',
    file_id: 'f1',
    file_name: 'a.png',
    file_type: 'png',
  },
  tool_reference: {
    type: 'tool_reference',
    tool: 'web_search',
    title: 'Journal',
    url: 'https://example.org',
    favicon: null,
    description: null,
  },
  thinking: {
    type: 'thinking',
    thinking: [
      { type: 'text', text: 'hmm' },
      { type: 'tool_reference', tool: 'web_search', title: 'Journal' },
      { type: 'reference', reference_ids: [1, 'r2'] },
    ],
    signature: null,
    closed: true,
  },
  reference: { type: 'reference', reference_ids: [1] },
  file: { type: 'file', file_id: 'f1' },
  bogus: { type: 'bogus', text: 'hi' },
};
const CHUNK_KEYS = [
  'type',
  'text',
  'image_url',
  'document_url',
  'document_name',
  'tool',
  'file_id',
  'file_name',
  'file_type',
  'title',
  'url',
  'favicon',
  'description',
  'thinking',
  'signature',
  'closed',
  'reference_ids',
  'detail',
  'extra',
];
const CHUNK_BAD: unknown[] = [
  ...BAD_VALUES,
  'text',
  'image_url',
  'thinking',
  'tool_reference',
  'reference',
  'file',
  'bogus',
  'web_search',
  { url: 'u' },
  { url: 1 },
  { url: 'u', detail: 7 },
  { detail: 'low' },
  [{ type: 'text' }],
  [{ type: 'reference', reference_ids: [1.5] }],
  [{ type: 'reference', reference_ids: [2 ** 60] }],
  [{ type: 'thinking', thinking: [] }],
  [1],
  ['a'],
  2 ** 60,
];

/** A field the chunk has (and `type`) gets every bad value; any other field (an extra one) a few. */
const EXTRA_VALUES: unknown[] = [null, 'x', 1, {}, [{ type: 'text' }]];
const badValuesOf = (c: Record<string, unknown>, k: string): unknown[] =>
  k === 'type' || k in c ? CHUNK_BAD : EXTRA_VALUES;

function chunkVariants(c: Record<string, unknown>): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [c];
  for (const k of CHUNK_KEYS)
    for (const v of badValuesOf(c, k)) {
      const x = { ...c, [k]: v };
      if (v === undefined) delete x[k];
      out.push(x);
    }
  // Inside the parts the SDK checks too: an image's url/detail, a thinking chunk's own chunks.
  if (typeof c.image_url === 'object')
    for (const k of ['url', 'detail', 'extra'])
      for (const v of CHUNK_BAD) {
        const u = { ...(c.image_url as Record<string, unknown>), [k]: v };
        if (v === undefined) delete u[k];
        out.push({ ...c, image_url: u });
      }
  if (Array.isArray(c.thinking))
    (c.thinking as Record<string, unknown>[]).forEach((inner, i) => {
      for (const k of CHUNK_KEYS)
        for (const v of badValuesOf(inner, k)) {
          const x = { ...inner, [k]: v };
          if (v === undefined) delete x[k];
          const thinking = [...(c.thinking as unknown[])];
          thinking[i] = x;
          out.push({ ...c, thinking });
        }
    });
  return out;
}

const messageEntries = (content: unknown): Record<string, unknown>[] => [
  { object: 'entry', type: 'message.input', id: 'm1', created_at: T0, role: 'user', content },
  {
    object: 'entry',
    type: 'message.output',
    id: 'm2',
    created_at: T0,
    role: 'assistant',
    agent_id: 'ag',
    model: 'mistral-medium',
    content,
  },
];

test('content chunks of every type: the fast check accepts only what the SDK accepts (review F1)', () => {
  let accepted = 0;
  let rejected = 0;
  for (const [name, chunk] of Object.entries(CHUNKS))
    for (const v of chunkVariants(chunk))
      for (const content of v === chunk ? [[v], [{ type: 'text', text: 'a' }, v]] : [[v]])
        for (const e of messageEntries(content)) {
          if (!fastEntryOk(e)) {
            rejected++;
            continue;
          }
          accepted++;
          assert.equal(
            sdkEntryOk(e),
            true,
            `${name}: fast-accepted but the SDK rejects: ${JSON.stringify(e)}`,
          );
        }
  assert.ok(accepted > 1000 && rejected > 1000, `both sides exercised (${accepted} / ${rejected})`);
  // Every well-formed chunk the SDK takes in an entry takes the fast path there (no needless replay).
  for (const [name, chunk] of Object.entries(CHUNKS))
    for (const e of messageEntries([chunk]))
      assert.equal(fastEntryOk(e), sdkEntryOk(e), `${name} in ${String(e.type)}`);
  // The review's three histories: the SDK rejects them, so the fast path must not take them.
  for (const entry of [
    { type: 'message.output', content: [{ type: 'text' }] },
    { type: 'message.output', content: [{ type: 'bogus' }] },
    { type: 'message.input', role: 'user', content: [{ type: 'image_url' }] },
  ]) {
    const body = { conversation_id: 'c', entries: [entry] };
    assert.equal(ConversationHistory$inboundSchema.safeParse(body).success, false);
    assert.equal(fastHistoryOk(body), false, JSON.stringify(entry));
  }
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
  // An agent conversation that also carries a model conversation's fields: the SDK's listing
  // union reads it as a model conversation and judges its tools (review F1).
  const modelFields: Record<string, unknown[]> = {
    model: ['mistral-medium', null, 3],
    tools: [[{ type: 'weird' }], [{ type: 'web_search' }], [], null],
    completion_args: [{ temperature: 0.1 }, {}, null],
    instructions: ['be nice', null],
    guardrails: [[{ bogus: 1 }], [], null],
  };
  const withModel: Record<string, unknown>[] = [
    { ...samples[0], model: 'mistral-medium', tools: [{ type: 'weird' }], guardrails: [{ bogus: 1 }] },
  ];
  for (const [k, vs] of Object.entries(modelFields))
    for (const v of vs) {
      withModel.push({ ...samples[0], [k]: v });
      withModel.push({ ...samples[0], model: 'mistral-medium', [k]: v });
      withModel.push({ ...samples[0], model: 'mistral-medium', tools: [{ type: 'weird' }], [k]: v });
    }
  for (const v of withModel) {
    if (fastConversationOk(v))
      assert.equal(sdkConversationOk(v), true, `fast-accepted but the SDK warns: ${JSON.stringify(v)}`);
  }
  assert.equal(sdkConversationOk(withModel[0]), false, 'the SDK warns about the unknown tool');
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
