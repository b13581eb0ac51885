import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './mistral-agent-connector-unconfirmed.ts';
import type { WireTool } from '../../shared/mistral-wire.ts';
import { agent, context } from '../testing/fixtures.ts';
import { one } from '../testing/run.ts';

const tools = (...t: WireTool[]) => context({ agents: [agent({ tools: t })] });

describe('mistral_agent_connector_unconfirmed', () => {
  it('PASS: no action tool, or every included tool requires confirmation', () => {
    assert.equal(
      one(rule, tools({ type: 'web_search' }, { type: 'function', function: { name: 'f', parameters: {} } }))
        .status,
      'PASS',
    );
    const ok: WireTool = {
      type: 'connector',
      connector_id: 'gmail',
      tool_configuration: { include: ['send'], requires_confirmation: ['send'] },
    };
    assert.equal(one(rule, tools(ok)).status, 'PASS');
  });

  it('FAIL: a connector without requires_confirmation, an include list beyond it, code interpreter', () => {
    const r = one(
      rule,
      tools(
        { type: 'connector', connector_id: 'gmail' },
        {
          type: 'connector',
          connector_id: 'crm',
          tool_configuration: { include: ['read', 'delete'], requires_confirmation: ['read'] },
        },
        { type: 'code_interpreter', tool_configuration: { requires_confirmation: [] } },
      ),
    );
    assert.equal(r.status, 'FAIL');
    assert.deepEqual(r.evidence?.problems, [
      'connector gmail has no requires_confirmation',
      'connector crm includes delete without confirmation',
      'code_interpreter has no requires_confirmation',
    ]);
  });

  it('UNKNOWN: tools flagged malformed', () => {
    const a = agent({
      dataQuality: [
        {
          resourceType: 'agent',
          resourceId: 'ag_0001',
          endpoint: '/v1/agents',
          issue: 'tools: expected array',
        },
      ],
    });
    assert.equal(one(rule, context({ agents: [a] })).status, 'UNKNOWN');
  });
});
