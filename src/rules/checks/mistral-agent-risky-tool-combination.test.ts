import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './mistral-agent-risky-tool-combination.ts';
import type { WireTool } from '../../shared/mistral-wire.ts';
import { UNGUARDED, agent, context, guarded, policy } from '../testing/fixtures.ts';
import { one } from '../testing/run.ts';

const web: WireTool = { type: 'web_search_premium' };
const lib: WireTool = { type: 'document_library', library_ids: ['lib_1'] };
const fn: WireTool = { type: 'function', function: { name: 'send_refund', parameters: {} } };

describe('mistral_agent_risky_tool_combination', () => {
  it('PASS: web search alone, or the combination behind a blocking guardrail', () => {
    assert.equal(one(rule, context({ agents: [agent({ tools: [web], ...UNGUARDED })] })).status, 'PASS');
    assert.equal(
      one(rule, context({ agents: [agent({ tools: [web, fn], ...guarded([policy()]) })] })).status,
      'PASS',
    );
  });

  it('FAIL: web search with a function and a library, no blocking guardrail', () => {
    const r = one(
      rule,
      context({
        agents: [agent({ tools: [web, fn, lib], ...guarded([policy({ action: 'none', blocks: false })]) })],
      }),
    );
    assert.equal(r.status, 'FAIL');
    assert.equal(
      r.detail,
      'The agent combines web_search_premium with function send_refund and document_library, with no blocking guardrail.',
    );
  });

  it('UNKNOWN: tools flagged malformed, or an unreadable policy', () => {
    const a = agent({
      tools: [],
      dataQuality: [
        {
          resourceType: 'agent',
          resourceId: 'ag_0001',
          endpoint: '/v1/agents',
          issue: 'tools: expected array, received null',
        },
      ],
    });
    assert.equal(one(rule, context({ agents: [a] })).status, 'UNKNOWN');
    const b = agent({
      tools: [web, lib],
      ...guarded([policy({ format: 'unknown', blocks: false, action: null })]),
    });
    assert.equal(one(rule, context({ agents: [b] })).status, 'UNKNOWN');
  });

  it('a malformed tool does not hide a combination proven by the readable tools', () => {
    const warning = {
      resourceType: 'agent' as const,
      resourceId: 'ag_0001',
      endpoint: '/v1/agents',
      issue: 'tools[2]: tool type "mcp" is unknown to the SDK or its fields are invalid (kept raw)',
    };
    const a = agent({ tools: [web, fn], ...UNGUARDED, dataQuality: [warning] });
    assert.equal(one(rule, context({ agents: [a] })).status, 'FAIL');
  });
});
