/**
 * Usage through the scan pipeline on a generated workspace (handoffs, model-only conversations, all
 * tool kinds): every agent of the snapshot gets a usage (never null while usage is available), and
 * the numbers match a direct count over the simulator's workspace, written here independently of
 * src/usage (docs/metrics.md definitions).
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { createMistralConnector } from '../src/mistral/index.ts';
import { peekEntries, startSimulator, type SimulatorHandle } from '../src/simulator/index.ts';
import { runPipeline } from '../src/sync/pipeline.ts';
import { createMemoryUsageStateStore } from '../src/usage/index.ts';

const sims: SimulatorHandle[] = [];
after(async () => {
  for (const s of sims) await s.close();
});

interface Expected {
  runs: number;
  conversations: Set<string>;
  webSearch: number;
  functionCalls: number;
}

/** Direct count: entry agent_id, else the agent in effect (conversation agent, then handoffs). */
function countDirectly(sim: SimulatorHandle) {
  const byAgent = new Map<string, Expected>();
  const get = (id: string): Expected => {
    let e = byAgent.get(id);
    if (!e) {
      e = { runs: 0, conversations: new Set(), webSearch: 0, functionCalls: 0 };
      byAgent.set(id, e);
    }
    return e;
  };
  let modelOnlyRuns = 0;
  let modelConversations = 0;
  const seen = new Set<string>();
  for (const c of sim.workspace.conversations) {
    const conv = c.conversation as { id: string; agent_id?: string };
    if (seen.has(conv.id)) continue; // the simulator serves the first conversation of an id
    seen.add(conv.id);
    if (conv.agent_id) get(conv.agent_id).conversations.add(conv.id);
    else modelConversations++;
    let inEffect = conv.agent_id ?? null;
    for (const e of peekEntries(c)) {
      if (e.type === 'agent.handoff') {
        inEffect = e.next_agent_id;
        continue;
      }
      if (e.type !== 'message.output' && e.type !== 'tool.execution' && e.type !== 'function.call') continue;
      const who = e.agent_id || inEffect;
      if (who === null) {
        if (e.type === 'message.output') modelOnlyRuns++;
        continue;
      }
      const x = get(who);
      x.conversations.add(conv.id);
      if (e.type === 'message.output') x.runs++;
      else if (e.type === 'function.call') x.functionCalls++;
      else if (e.name === 'web_search' || e.name === 'web_search_premium') x.webSearch++;
    }
  }
  return { byAgent, modelOnlyRuns, modelConversations, total: seen.size };
}

test('scan pipeline: every agent has usage, matching a direct count over the workspace', async () => {
  const sim = await startSimulator({
    host: '127.0.0.1',
    seed: 11,
    generator: { agents: 8, conversationsPerAgent: 6, modelOnlyConversations: 4, entriesPerConversation: 10 },
  });
  sims.push(sim);
  const connector = createMistralConnector({
    apiKey: sim.apiKey,
    baseUrl: sim.url,
    requestsPerSecond: 2000,
    pageSize: 7,
  });
  const now = new Date(sim.workspace.now);
  const { snapshot } = await runPipeline({ connector, now, usageState: createMemoryUsageStateStore() });

  assert.equal(snapshot.availability.usage.status, 'available');
  const expected = countDirectly(sim);
  assert.ok(snapshot.agents.length >= 8);
  assert.ok(
    [...expected.byAgent.values()].some((e) => e.runs > 0),
    'the workspace has agent runs',
  );
  for (const agent of snapshot.agents) {
    assert.ok(agent.usage !== null, `usage of ${agent.id}`);
    const e = expected.byAgent.get(agent.id);
    assert.deepEqual(
      [
        agent.usage.totalRuns,
        agent.usage.totalConversations,
        agent.usage.webSearchCalls,
        agent.usage.functionCalls,
      ],
      [e?.runs ?? 0, e?.conversations.size ?? 0, e?.webSearch ?? 0, e?.functionCalls ?? 0],
      `usage of ${agent.id}`,
    );
  }
  assert.deepEqual(snapshot.workspaceUsage, {
    totalConversations: expected.total,
    agentConversations: expected.total - expected.modelConversations,
    modelConversations: expected.modelConversations,
    modelOnlyRuns: expected.modelOnlyRuns,
    tokenUsage: 'not available from the Mistral API',
  });
});
