/**
 * The connector's fast path (issue 13): conversation histories and conversation pages are checked
 * by src/mistral/fast-check.ts instead of the SDK's zod schemas. Proven here against the simulator:
 *  - a well-formed answer takes the fast path (the SDK schema is never run: stats.validation);
 *  - a malformed history entry or conversation is still kept raw and gets exactly the warning the
 *    SDK-validated connector gives (`fastValidation: false`, the behaviour before issue 13);
 *  - the fast path sends the URL and headers the SDK sends (ids with reserved characters too).
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import {
  createMistralConnector,
  type ConnectorOptions,
  type MistralConnector,
} from '../src/mistral/index.ts';
import { startSimulator, type SimulatorHandle, type StartOptions } from '../src/simulator/index.ts';
import type { WireEntry } from '../src/shared/mistral-wire.ts';

const sims: SimulatorHandle[] = [];
after(async () => {
  await Promise.all(sims.map((s) => s.close()));
});

async function sim(o: StartOptions): Promise<SimulatorHandle> {
  const s = await startSimulator(o);
  sims.push(s);
  return s;
}

function connect(s: { url: string; apiKey: string }, o: Partial<ConnectorOptions> = {}): MistralConnector {
  return createMistralConnector({
    apiKey: s.apiKey,
    baseUrl: s.url,
    requestsPerSecond: 2000,
    maxConcurrency: 8,
    pageSize: 7,
    maxRetryElapsedMs: 20_000,
    ...o,
  });
}

test('well-formed histories and conversation pages take the fast path: same records, no SDK validation', async () => {
  const s = await sim({ seed: 5, generator: { agents: 6, conversations: 40 } });
  const fast = connect(s);
  const slow = connect(s, { fastValidation: false });
  const [fc, sc] = [await fast.listConversations(), await slow.listConversations()];
  assert.equal(fc.items.length, 40);
  assert.deepEqual(fc, sc);
  // Pages with a model conversation that has tools, completion_args or guardrails go to the SDK
  // (it flags unknown tools there); every other page is fast.
  const pages = Math.floor(40 / 7) + 1;
  const listed = fast.stats().validation!;
  assert.equal(listed.fast + listed.sdk, pages);
  assert.ok(listed.fast >= 1);
  let entries = 0;
  for (const cv of fc.items) {
    const [f, sl] = [await fast.getConversationHistory(cv.id), await slow.getConversationHistory(cv.id)];
    assert.deepEqual(f, sl, cv.id);
    assert.deepEqual(f.warnings, []);
    entries += f.item.entries.length;
  }
  assert.ok(entries > 100, `a history of every kind of entry (${entries} entries)`);
  assert.deepEqual(fast.stats().validation, { fast: listed.fast + 40, sdk: listed.sdk });
  assert.deepEqual(slow.stats().validation, { fast: 0, sdk: 40 + pages });
});

test('malformed history entries: kept raw, and the same data-quality warning as SDK validation', async () => {
  const s = await sim({ seed: 7, generator: { agents: 5, conversations: 14 } });
  const convs = s.workspace.conversations;
  type Edit = (entries: WireEntry[]) => void;
  const set =
    (type: string, patch: Record<string, unknown>): Edit =>
    (entries) => {
      const e = entries.find((x) => x.type === type) ?? entries[0];
      Object.assign(e as unknown as Record<string, unknown>, patch);
    };
  const edits: [string, Edit][] = [
    ['created_at without offset', set('message.output', { created_at: '2025-01-01T00:00:00' })],
    ['completed_at a number', set('message.output', { completed_at: 1735689600 })],
    ['unknown entry type', set('message.input', { type: 'message.telepathy' })],
    ['tool.execution name missing', set('message.output', { type: 'tool.execution', name: undefined })],
    ['agent_id a number', set('message.output', { agent_id: 42 })],
    ['entry null', (entries) => entries.splice(1, 0, null as unknown as WireEntry)],
    // Content chunks the SDK's chunk schemas reject (review F1).
    ['text chunk without text', set('message.output', { content: [{ type: 'text' }] })],
    ['unknown chunk type', set('message.output', { content: [{ type: 'bogus', text: 'hi' }] })],
    ['image_url chunk without image_url', set('message.input', { content: [{ type: 'image_url' }] })],
    [
      'handoff without next_agent_id',
      (entries) =>
        entries.push({
          object: 'entry',
          type: 'agent.handoff',
          id: 'ho_x',
          created_at: '2025-01-01T00:00:00Z',
          previous_agent_id: 'ag_1',
          previous_agent_name: 'A',
          next_agent_name: 'B',
        } as unknown as WireEntry),
    ],
  ];
  assert.ok(convs.length >= edits.length);
  edits.forEach(([, edit], i) => edit(convs[i].entries));

  const fast = connect(s);
  const slow = connect(s, { fastValidation: false });
  for (const [i, [what]] of edits.entries()) {
    const id = convs[i].conversation.id;
    const [f, sl] = [await fast.getConversationHistory(id), await slow.getConversationHistory(id)];
    assert.deepEqual(f, sl, what);
    assert.equal(f.warnings.length, 1, `${what}: one warning`);
    assert.equal(f.warnings[0].resourceId, id, what);
    assert.match(f.warnings[0].issue, /^entries\[\d+\]/, what);
    assert.deepEqual(f.item.entries, JSON.parse(JSON.stringify(convs[i].entries)), `${what}: kept raw`);
  }
  const { validation } = fast.stats();
  assert.deepEqual(validation, { fast: 0, sdk: edits.length });
});

test('a history whose envelope the SDK rejects gets the same envelope warning', async (t) => {
  // A server that answers conversation_id: 7 (not a string) with valid entries.
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ object: 'conversation.history', conversation_id: 7, entries: [] }));
  });
  server.listen(0, '127.0.0.1');
  t.after(() => server.close());
  await new Promise((r) => server.once('listening', r));
  const base = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, apiKey: 'k-test' };
  const [f, sl] = [
    await connect(base).getConversationHistory('conv_1'),
    await connect(base, { fastValidation: false }).getConversationHistory('conv_1'),
  ];
  assert.deepEqual(f, sl);
  assert.equal(f.warnings.length, 1);
  assert.match(f.warnings[0].issue, /^response envelope: conversation_id/);
});

test('a malformed conversation in a page: kept raw, same warning; a page the check doubts but the SDK accepts has none', async () => {
  const s = await sim({ seed: 9, generator: { agents: 4, conversations: 20 } });
  const convs = s.workspace.conversations;
  const bad = convs[3].conversation as unknown as Record<string, unknown>;
  bad.updated_at = '2025-13-01T00:00:00Z';
  // Valid for the SDK, not sure for the fast check (agent_id null on a model conversation).
  const models = convs.filter((c) => !(c.conversation as { agent_id?: unknown }).agent_id);
  assert.ok(models.length > 0, 'the workspace has a model conversation');
  for (const c of models) {
    const m = c.conversation as unknown as Record<string, unknown>;
    delete m.tools;
    delete m.completion_args;
    m.guardrails = null;
  }
  (models[0].conversation as unknown as Record<string, unknown>).agent_id = null;

  const fast = connect(s, { pageSize: 3 });
  const slow = connect(s, { pageSize: 3, fastValidation: false });
  const [f, sl] = [await fast.listConversations(), await slow.listConversations()];
  assert.deepEqual(f, sl);
  assert.equal(f.items.length, 20, 'every conversation kept');
  assert.deepEqual(
    f.warnings.map((w) => [w.resourceType, w.resourceId]),
    [['conversation', bad.id]],
  );
  assert.match(f.warnings[0].issue, /updated_at/);
  assert.equal(f.items.find((c) => c.id === bad.id)?.updated_at, '2025-13-01T00:00:00Z', 'kept raw');
  assert.ok(fast.stats().validation!.sdk >= 1, 'the doubtful pages went to the SDK');
  assert.ok(fast.stats().validation!.fast >= 1, 'the other pages did not');
});

test("an agent conversation carrying model, tools or guardrails gets the SDK's warning, as with SDK validation (review F1)", async () => {
  const s = await sim({ seed: 11, generator: { agents: 4, conversations: 20 } });
  const agentConvs = s.workspace.conversations
    .map((c) => c.conversation as unknown as Record<string, unknown>)
    .filter((c) => typeof c.agent_id === 'string');
  assert.ok(agentConvs.length >= 2);
  const [odd, withArgs] = agentConvs;
  // Model conversations without tools, so that every other page is fast-accepted.
  for (const c of s.workspace.conversations) {
    const m = c.conversation as unknown as Record<string, unknown>;
    if (typeof m.agent_id === 'string') continue;
    delete m.tools;
    delete m.completion_args;
    m.guardrails = null;
  }
  Object.assign(odd, { model: 'mistral-medium', tools: [{ type: 'weird' }], guardrails: [{ bogus: 1 }] });
  delete odd.agent_version;
  // With an agent_version too, the SDK's union reads this one as an agent conversation (no
  // warning): the fast path is not sure of it either, and leaves it to the SDK.
  Object.assign(withArgs, {
    agent_version: 0,
    model: 'mistral-medium',
    tools: [{ type: 'telepathy' }],
    completion_args: {},
  });

  const fast = connect(s, { pageSize: 5 });
  const slow = connect(s, { pageSize: 5, fastValidation: false });
  const [f, sl] = [await fast.listConversations(), await slow.listConversations()];
  assert.deepEqual(f, sl);
  assert.equal(f.items.length, 20, 'every conversation kept');
  assert.deepEqual(
    f.warnings.map((w) => w.resourceId),
    [odd.id],
  );
  assert.match(f.warnings[0].issue, /^tools\[0\]: tool type "weird" is unknown/);
  assert.deepEqual(
    f.items.find((c) => c.id === odd.id),
    JSON.parse(JSON.stringify(odd)),
    'kept raw',
  );
  // The two pages holding them went to the SDK, the others did not.
  const pageOf = (id: unknown) => Math.floor(f.items.findIndex((c) => c.id === id) / 5);
  const doubted = new Set([pageOf(odd.id), pageOf(withArgs.id)]).size;
  assert.deepEqual(fast.stats().validation, { fast: 4 + 1 - doubted, sdk: doubted });
});

test('agent versions and aliases: same records and warnings as SDK validation, bad records kept', async () => {
  const s = await sim({ seed: 4, generator: { agents: 8, conversations: 4 } });
  const agents = s.workspace.agents;
  const withAliases = agents.filter((a) => a.aliases.length > 0);
  assert.ok(withAliases.length >= 2);
  (withAliases[0].aliases[0] as unknown as Record<string, unknown>).version = '1';
  (agents[1].versions[0] as unknown as Record<string, unknown>).tools = null;
  const fast = connect(s, { pageSize: 2 });
  const slow = connect(s, { pageSize: 2, fastValidation: false });
  const warnings: string[] = [];
  for (const a of agents) {
    const [fv, sv] = [await fast.listAgentVersions(a.current.id), await slow.listAgentVersions(a.current.id)];
    assert.deepEqual(fv, sv, `versions of ${a.current.id}`);
    assert.equal(fv.items.length, a.versions.length);
    const [fa, sa] = [await fast.listAgentAliases(a.current.id), await slow.listAgentAliases(a.current.id)];
    assert.deepEqual(fa, sa, `aliases of ${a.current.id}`);
    assert.equal(fa.items.length, a.aliases.length);
    warnings.push(...[...fv.warnings, ...fa.warnings].map((w) => `${w.resourceType} ${w.resourceId}`));
  }
  assert.deepEqual(
    warnings.sort(),
    [
      `agent ${agents[1].versions[0].id}@${agents[1].versions[0].version}`,
      `alias ${withAliases[0].aliases[0].alias}`,
    ].sort(),
  );
  const v = fast.stats().validation!;
  assert.ok(v.fast > v.sdk && v.sdk >= 2, JSON.stringify(v));
});

test('the fast path sends the URL and headers the SDK sends (reserved characters, path prefix)', async (t) => {
  const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'content-type': 'application/json' });
    const history = /\/history$/.test((req.url ?? '').split('?')[0]);
    res.end(history ? JSON.stringify({ conversation_id: 'c', entries: [] }) : '[]');
  });
  server.listen(0, '127.0.0.1');
  t.after(() => server.close());
  await new Promise((r) => server.once('listening', r));
  const base = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/prefix/`,
    apiKey: 'k-test',
  };
  const ids = ['conv_1', 'a b/c?d#e%f', 'é&=+', '..', ''];
  const run = async (o: Partial<ConnectorOptions>) => {
    seen.length = 0;
    const c = connect(base, { ...o, maxConcurrency: 1 });
    for (const id of ids) {
      await c.getConversationHistory(id);
      await c.listAgentVersions(id);
      await c.listAgentAliases(id);
    }
    await c.listConversations();
    return { requests: seen.map((r) => ({ url: r.url, headers: r.headers })), stats: c.stats().validation };
  };
  const fast = await run({});
  const slow = await run({ fastValidation: false });
  assert.deepEqual(fast.stats, { fast: 3 * ids.length + 1, sdk: 0 });
  assert.deepEqual(fast.requests, slow.requests);
  assert.equal(fast.requests[0].url, '/prefix/v1/conversations/conv_1/history');
  assert.equal(fast.requests[0].headers.authorization, 'Bearer k-test');
});

test('listConversations({ onPage }) hands out each page as it is read, on the fast path and the SDK path alike', async () => {
  const s = await sim({ seed: 6, generator: { agents: 4, conversations: 30 } });
  for (const fastValidation of [true, false]) {
    const c = connect(s, { fastValidation });
    const pages: string[][] = [];
    const requestsAtPage: number[] = [];
    const all = await c.listConversations({
      onPage: (items) => {
        pages.push(items.map((i) => i.id));
        requestsAtPage.push(c.stats().requests);
      },
    });
    // pageSize 7: 30 conversations come in 5 pages (the 6th request is the empty page that ends it).
    assert.equal(pages.length, 5, `fastValidation ${fastValidation}`);
    assert.deepEqual(
      pages.flat(),
      all.items.map((i) => i.id),
    );
    assert.equal(new Set(pages.flat()).size, 30);
    // Each page is handed out before the next one is asked for.
    assert.deepEqual(
      requestsAtPage,
      [1, 2, 3, 4, 5].map((n) => requestsAtPage[0] + n - 1),
    );
  }
});
