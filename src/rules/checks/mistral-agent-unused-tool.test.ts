import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './mistral-agent-unused-tool.ts';
import type { WireTool } from '../../shared/mistral-wire.ts';
import { NOW, agent, agentConfig, availability, context, usage } from '../testing/fixtures.ts';
import { one } from '../testing/run.ts';

const tools: WireTool[] = [
  { type: 'web_search' },
  { type: 'code_interpreter' },
  { type: 'function', function: { name: 'lookup_order', parameters: {} } },
  { type: 'function', function: { name: 'delete_order', parameters: {} } },
];

describe('mistral_agent_unused_tool', () => {
  it('PASS: every tool used in 90 days', () => {
    const u = usage(
      {},
      {
        totalRuns: 5,
        webSearchCalls: 2,
        codeInterpreterCalls: 1,
        functionCallsByName: { lookup_order: 3, delete_order: 1 },
      },
    );
    assert.equal(one(rule, context({ agents: [agent({ tools, usage: u })] })).status, 'PASS');
  });

  it('FAIL: names the tools never called while the agent ran', () => {
    const u = usage({}, { totalRuns: 40, webSearchCalls: 2, functionCallsByName: { lookup_order: 3 } });
    const r = one(rule, context({ agents: [agent({ tools, usage: u })] }));
    assert.equal(r.status, 'FAIL');
    assert.equal(
      r.detail,
      'In 40 runs over 90 days the agent never used code_interpreter and function delete_order.',
    );
  });

  it('UNKNOWN: usage unavailable, usage missing for the agent, or an unmeasurable connector', () => {
    const off = context({
      availability: availability({ usage: { status: 'unavailable' } }),
      agents: [agent({ tools, usage: null })],
    });
    assert.equal(one(rule, off).status, 'UNKNOWN');
    assert.equal(one(rule, context({ agents: [agent({ tools, usage: null })] })).status, 'UNKNOWN');
    const conn = agent({
      tools: [{ type: 'connector', connector_id: 'gmail' }],
      usage: usage({}, { totalRuns: 3 }),
    });
    assert.equal(one(rule, context({ agents: [conn] })).status, 'UNKNOWN');
  });

  it('no result for an agent with no activity in 90 days (dormant reports it)', () => {
    const u = usage({ lastActivityAt: '2025-12-01T00:00:00.000Z' }, { totalRuns: 0, totalConversations: 0 });
    assert.deepEqual(rule.evaluate(context({ agents: [agent({ tools, usage: u })] })), []);
  });

  it('FAIL: an agent active without runs (tool calls before a handoff) is still assessed', () => {
    const u = usage(
      {},
      { totalRuns: 0, totalConversations: 2, webSearchCalls: 1, functionCallsByName: { lookup_order: 1 } },
    );
    const r = one(rule, context({ agents: [agent({ tools, usage: u })] }));
    assert.equal(r.status, 'FAIL');
    assert.equal(
      r.detail,
      'In 2 conversations over 90 days the agent never used code_interpreter and function delete_order.',
    );
  });

  describe('web_search and web_search_premium are told apart by their executions by name', () => {
    const both: WireTool[] = [{ type: 'web_search' }, { type: 'web_search_premium' }];

    it('FAIL: only web_search was used, so web_search_premium is unused', () => {
      const u = usage({}, { totalRuns: 9, webSearchCalls: 4, toolExecutionsByName: { web_search: 4 } });
      const r = one(rule, context({ agents: [agent({ tools: both, usage: u })] }));
      assert.equal(r.status, 'FAIL');
      assert.equal(r.detail, 'In 9 runs over 90 days the agent never used web_search_premium.');
    });

    it('PASS: both used, each by name', () => {
      const u = usage(
        {},
        { totalRuns: 9, webSearchCalls: 5, toolExecutionsByName: { web_search: 4, web_search_premium: 1 } },
      );
      assert.equal(one(rule, context({ agents: [agent({ tools: both, usage: u })] })).status, 'PASS');
    });

    it('fallback to the shared counter only when it can be attributed', () => {
      const counted = usage({}, { totalRuns: 9, webSearchCalls: 3, toolExecutionsByName: {} });
      // One web tool: the shared counter is its own.
      const single = one(
        rule,
        context({ agents: [agent({ tools: [{ type: 'web_search_premium' }], usage: counted })] }),
      );
      assert.equal(single.status, 'PASS');
      // Both tools: calls exist but cannot be attributed to either.
      const r = one(rule, context({ agents: [agent({ tools: both, usage: counted })] }));
      assert.equal(r.status, 'UNKNOWN');
      assert.equal(
        r.detail,
        'Use of web_search and web_search_premium cannot be measured; every other tool was used.',
      );
      // Both tools, no web search at all: both unused.
      const none = usage({}, { totalRuns: 9, webSearchCalls: 0, toolExecutionsByName: {} });
      assert.equal(
        one(rule, context({ agents: [agent({ tools: both, usage: none })] })).detail,
        'In 9 runs over 90 days the agent never used web_search and web_search_premium.',
      );
    });
  });

  describe('a tool added recently is judged on the time it has been present', () => {
    const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000).toISOString();
    const base: WireTool[] = [{ type: 'function', function: { name: 'lookup_order', parameters: {} } }];
    const added: WireTool[] = [...base, { type: 'code_interpreter' }];
    const used = usage({}, { totalRuns: 12, functionCallsByName: { lookup_order: 5 } });
    /** Version 0 (old) has only lookup_order; version 1, made `n` days ago, adds code_interpreter. */
    function addedDaysAgo(n: number) {
      const v0 = agentConfig({
        version: 0,
        tools: base,
        createdAt: '2025-01-01T09:00:00.000Z',
        updatedAt: '2025-01-01T09:00:00.000Z',
      });
      // The version repeats the agent's created_at; updated_at is when it was made.
      const v1 = agentConfig({
        version: 1,
        tools: added,
        createdAt: '2025-01-01T09:00:00.000Z',
        updatedAt: daysAgo(n),
      });
      return agent({ ...v1, versions: [0, 1], versionHistory: [v0, v1], usage: used });
    }

    it('FAIL: present 30 days and never used; the detail says how long it has been present', () => {
      const r = one(rule, context({ agents: [addedDaysAgo(30)] }));
      assert.equal(r.status, 'FAIL');
      assert.equal(
        r.detail,
        'In 12 runs over 90 days the agent never used code_interpreter (present for 30 days).',
      );
      assert.deepEqual(r.evidence, {
        runs90d: 12,
        unused: ['code_interpreter'],
        unmeasured: [],
        presentDays: { code_interpreter: 30 },
      });
    });

    it('PASS: present 3 days, not judged yet, and the detail says so', () => {
      const r = one(rule, context({ agents: [addedDaysAgo(3)] }));
      assert.equal(r.status, 'PASS');
      assert.equal(
        r.detail,
        'Every tool judged (1) was used in the last 90 days. code_interpreter (present for 3 days) is not judged yet (present for less than 7 days).',
      );
      assert.deepEqual(r.evidence, {
        runs90d: 12,
        unused: [],
        unmeasured: [],
        presentDays: { code_interpreter: 3 },
        notYetJudged: ['code_interpreter'],
      });
    });

    it('judged on the whole window when present 90 days or more, or when history is unavailable or incomplete', () => {
      const plain = 'In 12 runs over 90 days the agent never used code_interpreter.';
      assert.equal(one(rule, context({ agents: [addedDaysAgo(120)] })).detail, plain);
      const noHistory = context({
        availability: availability({ versions: { status: 'unavailable' } }),
        agents: [addedDaysAgo(3)],
      });
      assert.equal(one(rule, noHistory).detail, plain);
      // Version 0 is missing from the history: the tool may be older than version 1.
      const gap = addedDaysAgo(3);
      gap.versionHistory = gap.versionHistory.filter((v) => v.version === 1);
      assert.equal(one(rule, context({ agents: [gap] })).detail, plain);
    });

    it('a tool is dated by the earliest version holding the same tool (function name, connector id)', () => {
      // Version 0 already had code_interpreter (removed in 1, re-added in 2): it is old.
      const v0 = agentConfig({ version: 0, tools: added, updatedAt: '2025-01-01T09:00:00.000Z' });
      const v1 = agentConfig({ version: 1, tools: base, updatedAt: daysAgo(40) });
      const v2 = agentConfig({ version: 2, tools: added, updatedAt: daysAgo(2) });
      const a = agent({ ...v2, versions: [0, 1, 2], versionHistory: [v0, v1, v2], usage: used });
      assert.equal(
        one(rule, context({ agents: [a] })).detail,
        'In 12 runs over 90 days the agent never used code_interpreter.',
      );
      // A function with another name is another tool.
      const renamed: WireTool[] = [{ type: 'function', function: { name: 'cancel_order', parameters: {} } }];
      const w0 = agentConfig({ version: 0, tools: base, updatedAt: '2025-01-01T09:00:00.000Z' });
      const w1 = agentConfig({ version: 1, tools: [...base, ...renamed], updatedAt: daysAgo(10) });
      const b = agent({ ...w1, versions: [0, 1], versionHistory: [w0, w1], usage: used });
      assert.equal(
        one(rule, context({ agents: [b] })).detail,
        'In 12 runs over 90 days the agent never used function cancel_order (present for 10 days).',
      );
    });
  });
});
