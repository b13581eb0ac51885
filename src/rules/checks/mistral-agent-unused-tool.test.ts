import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './mistral-agent-unused-tool.ts';
import type { WireTool } from '../../shared/mistral-wire.ts';
import { agent, availability, context, usage } from '../testing/fixtures.ts';
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
});
