/**
 * Generator (determinism, realism invariants), evolve() (changes exactly what it reports) and scenarios.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  evolveWorkspace,
  generateWorkspace,
  loadScenario,
  parseScenario,
  peekEntries,
  startSimulator,
  type SimWorkspace,
} from '../src/simulator/index.ts';

const ROOT = join(import.meta.dirname, '..');
const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function allIsoTimes(ws: SimWorkspace): string[] {
  const out: string[] = [];
  for (const a of ws.agents) {
    for (const v of [a.current, ...a.versions]) out.push(v.created_at, v.updated_at);
    for (const al of a.aliases) out.push(al.created_at, al.updated_at);
  }
  for (const l of ws.libraries) {
    out.push(l.library.created_at, l.library.updated_at);
    for (const d of l.documents)
      out.push(d.created_at, ...(d.last_processed_at ? [d.last_processed_at] : []));
  }
  for (const c of ws.conversations) {
    out.push(c.conversation.created_at, c.conversation.updated_at);
    for (const e of c.entries)
      for (const t of [e.created_at, e.completed_at]) if (typeof t === 'string') out.push(t);
  }
  for (const m of ws.models) if (m.deprecation) out.push(m.deprecation);
  return out;
}

describe('generator', { timeout: 60_000 }, () => {
  test('same seed → deep-equal workspace; another seed differs; JSON round-trips', () => {
    const a = generateWorkspace({ seed: 7 });
    const b = generateWorkspace({ seed: 7 });
    assert.deepStrictEqual(a, b);
    assert.deepStrictEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b)));
    const c = generateWorkspace({ seed: 8 });
    assert.notDeepStrictEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(c)));
    // lazy histories: peeking does not change what is later read
    const conv = a.conversations[3];
    const peeked = peekEntries(conv);
    assert.deepStrictEqual(peeked, conv.entries);
  });

  test('counts and invariants at the benchmark scale (200 agents, 4,000 conversations)', () => {
    const ws = generateWorkspace({
      seed: 11,
      agents: 200,
      conversations: 4000,
      versionsPerAgent: 5,
      aliasesPerAgent: 3,
      libraries: 12,
    });
    const now = Date.parse(ws.now);
    assert.equal(ws.agents.length, 200);
    assert.equal(ws.conversations.length, 4000);
    assert.equal(ws.conversations.filter((c) => 'model' in c.conversation).length, 3);
    assert.equal(new Set(ws.agents.map((a) => a.current.id)).size, 200);
    assert.equal(new Set(ws.conversations.map((c) => c.conversation.id)).size, 4000);
    for (const a of ws.agents) {
      assert.ok(a.versions.length >= 1 && a.versions.length <= 5);
      assert.ok(a.aliases.length <= 3);
      assert.deepEqual(
        a.versions.map((v) => v.version),
        a.current.versions,
      );
      assert.deepStrictEqual(a.current, a.versions[a.versions.length - 1]);
      for (const al of a.aliases) assert.ok(a.current.versions.includes(al.version));
      if (a.current.completion_args) {
        assert.equal(a.current.completion_args.tool_choice, 'auto');
        assert.ok(
          'stop' in a.current.completion_args && a.current.completion_args.stop === null,
          'explicit nulls',
        );
      }
      assert.notEqual(a.current.tools, null);
    }
    // conversations newest first; updated_at = last entry time; within the history window; after the agent existed
    const byId = new Map(ws.agents.map((a) => [a.current.id, a]));
    let prev = Infinity;
    const sample = ws.conversations.filter((_, i) => i % 37 === 0);
    for (const c of ws.conversations) {
      const created = Date.parse(c.conversation.created_at);
      assert.ok(created <= prev, 'created_at descending');
      prev = created;
      assert.ok(created >= now - 121 * 86_400_000);
      const agentId = c.conversation.agent_id;
      if (typeof agentId === 'string')
        assert.ok(created >= Date.parse(byId.get(agentId)!.current.created_at));
    }
    for (const c of sample) {
      const entries = c.entries;
      const last = Math.max(
        ...entries.flatMap((e) =>
          [e.created_at, e.completed_at].filter((t): t is string => typeof t === 'string').map(Date.parse),
        ),
      );
      assert.equal(Date.parse(c.conversation.updated_at), last);
      for (const e of entries) {
        if (e.type === 'message.output' && typeof e.completed_at === 'string') {
          const latency = Date.parse(e.completed_at) - Date.parse(e.created_at!);
          assert.ok(latency >= 200 && latency <= 20_000, `latency ${latency}`);
        }
      }
    }
    for (const t of allIsoTimes(ws)) assert.match(t, ISO_Z);
    const times = allIsoTimes(ws).filter((t) => !ws.models.some((m) => m.deprecation === t));
    assert.ok(
      times.every((t) => Date.parse(t) <= now),
      'no generated time after now',
    );

    // realism: secrets, missing libraries, unused libraries, deprecated models, sensitive files
    assert.ok(ws.agents.some((a) => /sk-test-|password: hunter2/.test(a.current.instructions ?? '')));
    const libIds = new Set(ws.libraries.map((l) => l.library.id));
    const referenced = ws.agents.flatMap((a) =>
      (a.current.tools ?? []).flatMap((t) =>
        t.type === 'document_library' ? (t.library_ids as string[]) : [],
      ),
    );
    assert.ok(
      referenced.some((id) => libIds.has(id)) && referenced.some((id) => !libIds.has(id)),
      'real and missing library ids',
    );
    assert.ok(
      [...libIds].some((id) => !referenced.includes(id)),
      'some library is unused',
    );
    assert.ok(
      ws.agents.some((a) => !('description' in a.current)) && ws.agents.some((a) => !a.current.owner_id),
    );
    assert.deepEqual(
      new Set(ws.agents.map((a) => a.current.source)),
      new Set(['api', 'playground', 'agent_builder_v1']),
    );
    assert.ok(ws.agents.some((a) => a.current.tools?.some((t) => t.type === 'connector' && t.authorization)));
    assert.ok(
      ws.agents.some((a) => a.current.tools?.some((t) => t.type === 'function' && t.function.parameters)),
    );
    assert.ok(
      ws.agents.some((a) => a.aliases.some((al) => al.version !== a.current.version)),
      'some alias lags behind',
    );
    assert.ok(
      ws.conversations.some((c) => c.conversation.agent_version === undefined) &&
        ws.conversations.some((c) => typeof c.conversation.agent_version === 'string'),
    );
  });

  test('models, files and libraries cover every kind', () => {
    const ws = generateWorkspace({ seed: 3 });
    const now = Date.parse(ws.now);
    assert.ok(ws.models.some((m) => m.deprecation && Date.parse(m.deprecation) < now));
    assert.ok(ws.models.some((m) => m.deprecation && Date.parse(m.deprecation) > now));
    assert.ok(ws.models.some((m) => m.id.endsWith('-latest')));
    for (const m of ws.models.filter((x) => x.type === 'fine-tuned'))
      assert.ok(m.job && m.root && m.id.startsWith(`ft:${m.root}:`));
    assert.deepEqual(new Set(ws.files.map((f) => f.purpose)), new Set(['fine-tune', 'batch', 'ocr']));
    assert.deepEqual(
      new Set(ws.files.map((f) => f.sample_type)),
      new Set(['instruct', 'pretrain', 'batch_request', 'batch_result', 'batch_error']),
    );
    assert.ok(ws.files.some((f) => f.filename === 'customers_pii_export.jsonl'));
    assert.match(
      ws.agents[2].current.instructions ?? '',
      /sk-test-|password: hunter2|ghp_/,
      'agent 2 leaks a credential',
    );
    assert.ok(
      !('description' in ws.agents[3].current) && ws.agents[3].current.owner_id === null,
      'agent 3 is anonymous',
    );
    for (const f of ws.files) assert.ok(Number.isInteger(f.created_at) && Number.isInteger(f.bytes));
    for (const l of ws.libraries) {
      assert.equal(l.library.nb_documents, l.documents.length);
      assert.equal(
        l.library.total_size,
        l.documents.reduce((s, d) => s + (d.size ?? 0), 0),
      );
      assert.ok('owner_id' in l.library && 'chunk_size' in l.library);
      for (const d of l.documents)
        for (const k of ['hash', 'mime_type', 'extension', 'size', 'uploaded_by_id']) assert.ok(k in d, k);
    }
  });

  test('tiny and empty workspaces', () => {
    const one = generateWorkspace({ seed: 1, agents: 1, conversations: 1, modelOnlyConversations: 0 });
    assert.equal(
      new Set(one.agents[0].current.tools?.map((t) => t.type)).size,
      7,
      'agent 0 carries all seven tool types',
    );
    assert.equal(one.conversations.length, 1);
    const types = new Set(one.conversations[0].entries.map((e) => e.type));
    assert.ok(types.has('tool.execution') && types.has('function.call') && types.has('agent.handoff'));
    const none = generateWorkspace({
      seed: 1,
      agents: 0,
      conversations: 0,
      libraries: 0,
      files: 0,
      models: 0,
    });
    assert.deepEqual(
      [none.agents, none.conversations, none.libraries, none.files, none.models],
      [[], [], [], [], []],
    );
    const modelOnly = generateWorkspace({ seed: 1, agents: 0, conversations: 4 });
    assert.ok(modelOnly.conversations.every((c) => 'model' in c.conversation));
  });
});

describe('evolve', { timeout: 60_000 }, () => {
  test('changes exactly what it reports, deterministically', () => {
    const ws = generateWorkspace({ seed: 21, agents: 20, conversations: 60 });
    const twin = generateWorkspace({ seed: 21, agents: 20, conversations: 60 });
    const before = structuredClone({ agents: ws.agents, aliases: ws.agents.map((a) => a.aliases) });
    const beforeConvs = new Map(
      ws.conversations.map((c) => [
        c.conversation.id,
        { n: c.entries.length, updated: c.conversation.updated_at },
      ]),
    );
    const beforeAgents = new Map(before.agents.map((a) => [a.current.id, a]));
    const s = evolveWorkspace(ws, {
      seed: 99,
      agentsAdded: 2,
      agentsEdited: 3,
      agentsDeleted: 2,
      guardrailsChanged: 4,
      aliasesMoved: 2,
      conversationsAdded: 5,
      conversationsAppended: 4,
      conversationsDeleted: 3,
    });
    assert.deepStrictEqual(
      evolveWorkspace(twin, {
        seed: 99,
        agentsAdded: 2,
        agentsEdited: 3,
        agentsDeleted: 2,
        guardrailsChanged: 4,
        aliasesMoved: 2,
        conversationsAdded: 5,
        conversationsAppended: 4,
        conversationsDeleted: 3,
      }),
      s,
    );
    assert.deepStrictEqual(JSON.parse(JSON.stringify(twin)), JSON.parse(JSON.stringify(ws)));

    assert.ok(Date.parse(s.to) > Date.parse(s.from));
    assert.equal(ws.now, s.to);
    const agentsNow = new Map(ws.agents.map((a) => [a.current.id, a]));
    assert.equal(s.agentsAdded.length, 2);
    for (const id of s.agentsAdded) {
      assert.ok(agentsNow.has(id) && !beforeAgents.has(id));
      assert.ok(Date.parse(agentsNow.get(id)!.current.created_at) > Date.parse(s.from));
    }
    assert.equal(s.agentsDeleted.length, 2);
    for (const id of s.agentsDeleted) assert.ok(!agentsNow.has(id) && beforeAgents.has(id));
    assert.equal(ws.agents.length, 20);
    for (const id of s.agentsEdited) {
      const old = beforeAgents.get(id)!;
      const cur = agentsNow.get(id)!;
      assert.ok(cur.versions.length > old.versions.length, 'a new version');
      assert.ok(cur.current.version > old.current.version);
      assert.ok(Date.parse(cur.current.updated_at) > Date.parse(s.from));
      assert.deepStrictEqual(
        cur.versions.slice(0, old.versions.length).map((v) => ({ ...v, versions: [] })),
        old.versions.map((v) => ({ ...v, versions: [] })),
        'old versions unchanged',
      );
    }
    // agents not reported are untouched
    for (const [id, old] of beforeAgents) {
      if (
        s.agentsEdited.includes(id) ||
        s.agentsDeleted.includes(id) ||
        s.aliasesMoved.some((m) => m.agentId === id)
      )
        continue;
      assert.deepStrictEqual(agentsNow.get(id), old, id);
    }
    assert.equal(s.guardrailsChanged.length, 4);
    for (const g of s.guardrailsChanged) {
      const cur = agentsNow.get(g.agentId)!;
      const v = cur.versions.find((x) => x.version === g.version)!;
      if (g.change === 'added') assert.ok(Array.isArray(v.guardrails) && v.guardrails.length > 0);
      if (g.change === 'removed') assert.ok(v.guardrails === null || v.guardrails?.length === 0);
      if (g.change === 'weakened') {
        for (const cfg of v.guardrails ?? []) {
          assert.equal(cfg.block_on_error, false);
          for (const m of [cfg.moderation_llm_v1, cfg.moderation_llm_v2])
            if (m) assert.equal(m.action, 'none');
        }
      }
    }
    for (const m of s.aliasesMoved) {
      const alias = agentsNow.get(m.agentId)!.aliases.find((a) => a.alias === m.alias)!;
      assert.equal(alias.version, m.to);
      assert.notEqual(m.from, m.to);
      assert.ok(Date.parse(alias.updated_at) > Date.parse(s.from));
    }
    const convsNow = new Map(ws.conversations.map((c) => [c.conversation.id, c]));
    assert.deepEqual(
      ws.conversations
        .slice(0, 5)
        .map((c) => c.conversation.id)
        .sort(),
      [...s.conversationsAdded].sort(),
      'new conversations first',
    );
    for (const id of s.conversationsAdded) assert.ok(!beforeConvs.has(id));
    for (const { conversationId, entriesAdded } of s.conversationsAppended) {
      const c = convsNow.get(conversationId)!;
      assert.equal(c.entries.length, beforeConvs.get(conversationId)!.n + entriesAdded);
      assert.ok(Date.parse(c.conversation.updated_at) > Date.parse(beforeConvs.get(conversationId)!.updated));
    }
    for (const id of s.conversationsDeleted) assert.ok(!convsNow.has(id) && beforeConvs.has(id));
    assert.equal(ws.conversations.length, 60 + 5 - 3);
    for (const c of ws.conversations) {
      const was = beforeConvs.get(c.conversation.id);
      if (!was || s.conversationsAppended.some((x) => x.conversationId === c.conversation.id)) continue;
      assert.equal(c.conversation.updated_at, was.updated, 'untouched conversations keep updated_at');
    }
  });

  test('handle.evolve() is served live', async () => {
    const sim = await startSimulator({ seed: 4 });
    try {
      const h = { authorization: `Bearer ${sim.apiKey}` };
      const s = sim.evolve();
      assert.equal(s.agentsAdded.length, 1);
      const added = await fetch(`${sim.url}/v1/agents/${s.agentsAdded[0]}`, {
        headers: h,
        signal: AbortSignal.timeout(10_000),
      });
      assert.equal(added.status, 200);
      const gone = await fetch(`${sim.url}/v1/agents/${s.agentsDeleted[0]}`, {
        headers: h,
        signal: AbortSignal.timeout(10_000),
      });
      assert.equal(gone.status, 404);
      const list = (await (
        await fetch(`${sim.url}/v1/conversations?page=0&page_size=5`, {
          headers: h,
          signal: AbortSignal.timeout(10_000),
        })
      ).json()) as Array<{ id: string }>;
      assert.deepEqual(list.map((c) => c.id).sort(), [...s.conversationsAdded].sort());
      const s2 = sim.evolve();
      assert.notDeepEqual(s2.agentsAdded, s.agentsAdded, 'each step draws new changes');
      assert.equal(s2.from, s.to);
    } finally {
      await sim.close();
    }
  });
});

describe('scenarios', () => {
  test('scenarios/small.json loads verbatim', () => {
    const ws = loadScenario(join(ROOT, 'scenarios/small.json'));
    assert.equal(ws.agents.length, 2);
    assert.equal(ws.agents[0].versions.length, 2);
    assert.equal(ws.conversations[0].entries.length, 6);
    assert.equal(ws.agents[1].current.created_at, '2025-05-10T09:00:00+00:00', 'kept verbatim');
  });

  test('missing collections default to empty; bad files are reported', () => {
    const ws = parseScenario(
      '{"agents":[{"current":{"id":"ag_1","version":0,"versions":[0],"name":"x","model":"m","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z","deployment_chat":false,"source":"api"}}]}',
    );
    assert.equal(ws.agents[0].versions.length, 1);
    assert.deepEqual(ws.agents[0].aliases, []);
    assert.deepEqual(ws.models, []);
    assert.match(ws.now, ISO_Z);
    assert.throws(() => parseScenario('{nope'), /not valid JSON/);
    assert.throws(() => parseScenario('[]'), /expected a JSON object/);
    assert.throws(() => parseScenario('{"agents":{}}'), /"agents" must be an array/);
    assert.throws(() => parseScenario('{"agents":[{}]}'), /needs "current"/);
  });
});

test('conversation ids stay unique at 100,000 conversations (seed 7 used to repeat one)', () => {
  const ws = generateWorkspace({ seed: 7, agents: 200, conversations: 100_000 });
  assert.equal(new Set(ws.conversations.map((c) => c.conversation.id)).size, 100_000);
});
