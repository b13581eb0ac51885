/**
 * The hostile simulated workspace (issue 10): markup, script, template, formula and SQL payloads,
 * bidirectional, control and zero-width characters and 12,000-character strings in every text a
 * workspace owner writes. The generator puts them in deterministically without changing anything
 * else, and a sync stores them so that the API gives them back byte-for-byte, as JSON.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  generateWorkspace,
  HOSTILE_LONG_LENGTH,
  HOSTILE_NUL_PAYLOAD,
  HOSTILE_PAYLOADS,
  type SimWorkspace,
} from '../src/simulator/index.ts';
import { simOptionsFromFlags } from '../src/cli/commands/sim.ts';
import type { WireTool } from '../src/shared/mistral-wire.ts';
import { testBackends } from '../src/store/testing.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

type FunctionTool = Extract<WireTool, { type: 'function' }>;

function functionTools(ws: SimWorkspace): FunctionTool['function'][] {
  return ws.agents.flatMap((a) =>
    [...a.versions, a.current].flatMap((v) =>
      (v.tools ?? []).filter((t): t is FunctionTool => t.type === 'function').map((t) => t.function),
    ),
  );
}

/** Every owner-written text of the workspace, by field. */
function texts(ws: SimWorkspace) {
  return {
    agentNames: ws.agents.map((a) => a.current.name),
    agentDescriptions: ws.agents.map((a) => a.current.description ?? ''),
    instructions: ws.agents.map((a) => a.current.instructions ?? ''),
    functionNames: functionTools(ws).map((f) => f.name),
    functionDescriptions: functionTools(ws).map((f) => f.description ?? ''),
    libraryNames: ws.libraries.map((l) => l.library.name),
    libraryDescriptions: ws.libraries.map((l) => l.library.description ?? ''),
    documentNames: ws.libraries.flatMap((l) => l.documents.map((d) => d.name)),
    fileNames: ws.files.map((f) => f.filename),
  };
}

describe('hostile payloads', () => {
  it('cover the classes of hostile text, without NUL', () => {
    const has = (needle: string) => HOSTILE_PAYLOADS.some((p) => p.includes(needle));
    for (const p of [
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
      '"><svg onload=alert(1)>',
      'javascript:alert(1)',
      "'; DROP TABLE agents; --",
      '{{7*7}}',
      '=HYPERLINK("http://evil")',
    ]) {
      assert.ok(HOSTILE_PAYLOADS.includes(p), p);
    }
    for (const bidi of [
      '\u202A',
      '\u202B',
      '\u202C',
      '\u202D',
      '\u202E',
      '\u2066',
      '\u2067',
      '\u2068',
      '\u2069',
    ])
      assert.ok(has(bidi), `bidi U+${bidi.charCodeAt(0).toString(16)}`);
    for (let c = 1; c < 32; c++) assert.ok(has(String.fromCharCode(c)), `control ${c}`);
    for (const zw of ['\u200B', '\u200C', '\u200D', '\uFEFF']) assert.ok(has(zw), 'zero-width');
    const longest = Math.max(...HOSTILE_PAYLOADS.map((p) => p.length));
    assert.equal(longest, HOSTILE_LONG_LENGTH);
    assert.ok(longest > 10_000);
    assert.ok(!has('\u0000'), 'NUL is kept apart (HOSTILE_NUL_PAYLOAD)');
    assert.ok(HOSTILE_NUL_PAYLOAD.includes('\u0000'));
    assert.ok(Object.isFrozen(HOSTILE_PAYLOADS));
  });
});

describe('hostile generator', () => {
  const seed = 7;
  const opts = { seed, agents: HOSTILE_PAYLOADS.length, libraries: HOSTILE_PAYLOADS.length, files: 20 };

  it('is deterministic and leaves the ordinary workspace unchanged', () => {
    const a = generateWorkspace({ ...opts, hostile: true });
    const b = generateWorkspace({ ...opts, hostile: true });
    assert.deepEqual(a, b);
    const plain = generateWorkspace(opts);
    assert.deepEqual(generateWorkspace({ ...opts, hostile: false }), plain);
    assert.notDeepEqual(a, plain);
    // Same structure: ids, times, models, versions and aliases do not move.
    assert.deepEqual(
      a.agents.map((x) => [x.current.id, x.current.created_at, x.versions.length, x.aliases]),
      plain.agents.map((x) => [x.current.id, x.current.created_at, x.versions.length, x.aliases]),
    );
    assert.deepEqual(a.models, plain.models);
    assert.deepEqual(
      a.files.map((f) => f.id),
      plain.files.map((f) => f.id),
    );
    assert.deepEqual(
      a.conversations.map((c) => c.conversation.id),
      plain.conversations.map((c) => c.conversation.id),
    );
    // Original texts are kept after the payload where rules read them (instructions, file names).
    a.agents.forEach((agent, i) => {
      const original = plain.agents[i].current.instructions;
      if (original) assert.ok(agent.current.instructions?.endsWith(`\n${original}`));
    });
    a.files.forEach((f, i) => assert.ok(f.filename.endsWith(plain.files[i].filename)));
  });

  it('puts every payload in every kind of text field, in every agent version', () => {
    const ws = generateWorkspace({ ...opts, hostile: true });
    const t = texts(ws);
    for (const [field, values] of Object.entries(t)) {
      assert.ok(values.length > 0, `${field}: none generated`);
      if (field === 'functionNames' || field === 'functionDescriptions' || field === 'documentNames') {
        assert.ok(
          values.every((v) => HOSTILE_PAYLOADS.some((p) => v.startsWith(p))),
          `${field}: every value starts with a payload`,
        );
        continue;
      }
      for (const p of HOSTILE_PAYLOADS) {
        assert.ok(
          values.some((v) => v === p || v.startsWith(p)),
          `${field} lacks ${JSON.stringify(p.slice(0, 40))}`,
        );
      }
    }
    for (const agent of ws.agents) {
      for (const v of agent.versions) {
        assert.equal(v.name, agent.current.name);
        assert.equal(v.description, agent.current.description);
        assert.ok(HOSTILE_PAYLOADS.some((p) => (v.instructions ?? '').startsWith(p)));
      }
    }
  });

  it("'with-nul' adds a NUL to the first agent's description only", () => {
    const ws = generateWorkspace({ ...opts, hostile: 'with-nul' });
    assert.ok(ws.agents[0].current.description?.startsWith(HOSTILE_NUL_PAYLOAD));
    const withoutFirst = JSON.stringify({ ...ws, agents: ws.agents.slice(1) });
    assert.ok(!withoutFirst.includes('\\u0000'));
  });

  it('trustlens sim --hostile selects it', () => {
    const o = simOptionsFromFlags({ beta: true, hostile: true }, () => new Date('2026-06-01T12:00:00Z'));
    assert.equal(o.generator?.hostile, true);
    assert.equal(simOptionsFromFlags({ beta: true }).generator?.hostile, undefined);
  });
});

const [pglite] = testBackends();

describe('a sync of the hostile workspace', { skip: pglite.skip }, () => {
  let h: TestServer;
  let ws: SimWorkspace;
  before(async () => {
    h = await startTestServer(pglite, {
      simulator: {
        seed: 11,
        generator: {
          agents: HOSTILE_PAYLOADS.length,
          libraries: 6,
          files: 16,
          conversations: 30,
          hostile: true,
        },
      },
    });
    ws = h.sim.workspace;
  });
  after(async () => {
    await h?.close();
  });

  it('succeeds with every resource type available', async () => {
    const runs = await h.admin.request('GET', `/api/v1/integrations/${h.integrationA}/syncs`);
    assert.equal(runs.status, 200);
    const run = runs.body.items[0];
    assert.equal(run.status, 'succeeded', JSON.stringify(run).slice(0, 2000));
    assert.deepEqual(run.errors, []);
    for (const [kind, a] of Object.entries(run.availability as Record<string, { status: string }>))
      assert.equal(a.status, 'available', kind);
    assert.equal(run.countsByType.agent, ws.agents.length);
    assert.equal(run.countsByType.file, ws.files.length);
    assert.equal(run.countsByType.library, ws.libraries.length);
  });

  it('gives agent names, descriptions, instructions and function tools back byte-for-byte', async () => {
    const list = await h.viewer.request('GET', '/api/v1/agents?limit=500');
    assert.equal(list.status, 200);
    assert.match(String(list.headers['content-type']), /^application\/json/);
    const listed = new Map<string, { name: string }>(
      list.body.items.map((a: { id: string; name: string }) => [a.id, a]),
    );
    let long = 0;
    for (const agent of ws.agents) {
      const want = agent.current;
      assert.equal(listed.get(want.id)?.name, want.name);
      const r = await h.viewer.request('GET', `/api/v1/integrations/${h.integrationA}/agents/${want.id}`);
      assert.equal(r.status, 200, r.text.slice(0, 300));
      assert.match(String(r.headers['content-type']), /^application\/json/);
      assert.equal(r.body.name, want.name);
      assert.equal(r.body.description, want.description ?? null);
      assert.equal(r.body.instructions, want.instructions ?? null);
      const gotFns = (r.body.tools as { type: string; function?: { name: string; description?: string } }[])
        .filter((t) => t.type === 'function')
        .map((t) => [t.function?.name, t.function?.description]);
      const wantFns = (want.tools ?? [])
        .filter((t): t is FunctionTool => t.type === 'function')
        .map((t) => [t.function.name, t.function.description]);
      assert.deepEqual(gotFns, wantFns);
      for (const [i, v] of agent.versions.entries()) {
        const got = r.body.versionHistory.find((x: { version: number }) => x.version === v.version);
        assert.ok(got, `version ${v.version} of agent ${i}`);
        assert.equal(got.name, v.name);
        assert.equal(got.instructions, v.instructions ?? null);
      }
      for (const s of [want.name, want.description ?? '', want.instructions ?? ''])
        if (s.length >= 10_000) long++;
    }
    assert.ok(long >= 3, 'the 12,000-character payload went through as name, description and instructions');
    // Every payload was an agent name.
    const names = new Set([...listed.values()].map((a) => a.name));
    for (const p of HOSTILE_PAYLOADS) assert.ok(names.has(p), JSON.stringify(p.slice(0, 40)));
  });

  it('gives file names and library names and descriptions back byte-for-byte', async () => {
    const files = await h.viewer.request('GET', '/api/v1/files?limit=500');
    assert.equal(files.status, 200);
    assert.deepEqual(
      files.body.items.map((f: { filename: string }) => f.filename).sort(),
      ws.files.map((f) => f.filename).sort(),
    );
    const libraries = await h.viewer.request('GET', '/api/v1/libraries?limit=500');
    assert.equal(libraries.status, 200);
    const byId = new Map(ws.libraries.map((l) => [l.library.id, l.library]));
    assert.equal(libraries.body.items.length, ws.libraries.length);
    for (const l of libraries.body.items as { id: string; name: string; description: string | null }[]) {
      assert.equal(l.name, byId.get(l.id)?.name);
      assert.equal(l.description, byId.get(l.id)?.description ?? null);
    }
  });

  it('the posture, findings and events built from it answer 200', async () => {
    for (const url of [
      '/api/v1/posture',
      '/api/v1/posture/fix-first',
      '/api/v1/findings?limit=500',
      '/api/v1/events',
    ]) {
      const r = await h.viewer.request('GET', url);
      assert.equal(r.status, 200, `${url}: ${r.text.slice(0, 300)}`);
    }
    const findings = await h.viewer.request('GET', '/api/v1/findings?limit=500');
    assert.ok(findings.body.items.length > 0);
  });
});

describe('a sync of the hostile workspace with a NUL', { skip: pglite.skip }, () => {
  it('succeeds: the NUL is stored as U+FFFD (PostgreSQL cannot store U+0000), the rest byte-for-byte', async () => {
    const h = await startTestServer(pglite, {
      simulator: { seed: 11, generator: { agents: 3, conversations: 5, hostile: 'with-nul' } },
    });
    try {
      const runs = await h.admin.request('GET', `/api/v1/integrations/${h.integrationA}/syncs`);
      assert.equal(runs.body.items[0].status, 'succeeded', JSON.stringify(runs.body.items[0].errors));
      const agents = await h.viewer.request('GET', `/api/v1/agents?integrationId=${h.integrationA}&limit=50`);
      const descriptions: string[] = [];
      for (const a of agents.body.items) {
        const d = await h.viewer.request('GET', `/api/v1/integrations/${h.integrationA}/agents/${a.id}`);
        descriptions.push(String(d.body.description ?? ''));
      }
      const expected = HOSTILE_NUL_PAYLOAD.replaceAll('\u0000', '\ufffd');
      assert.ok(
        descriptions.some((d) => d.startsWith(expected)),
        'the description with a NUL is kept, the NUL replaced',
      );
      assert.ok(!descriptions.some((d) => d.includes('\u0000')));
    } finally {
      await h.close();
    }
  });
});
