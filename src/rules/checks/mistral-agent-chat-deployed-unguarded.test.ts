import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './mistral-agent-chat-deployed-unguarded.ts';
import { UNGUARDED, agent, context, guarded, policy } from '../testing/fixtures.ts';
import { one } from '../testing/run.ts';

describe('mistral_agent_chat_deployed_unguarded', () => {
  it('PASS: not in chat, or in chat behind a blocking guardrail', () => {
    assert.equal(
      one(rule, context({ agents: [agent({ deploymentChat: false, ...UNGUARDED })] })).status,
      'PASS',
    );
    assert.equal(one(rule, context({ agents: [agent({ deploymentChat: true })] })).status, 'PASS');
  });

  it('FAIL: in chat with no guardrails, or with guardrails that do not block', () => {
    assert.equal(
      one(rule, context({ agents: [agent({ deploymentChat: true, ...UNGUARDED })] })).detail,
      'The agent is deployed to chat with no guardrails.',
    );
    const r = one(
      rule,
      context({
        agents: [agent({ deploymentChat: true, ...guarded([policy({ action: 'flag', blocks: false })]) })],
      }),
    );
    assert.equal(r.status, 'FAIL');
    assert.match(r.detail, /guardrails that do not block/);
  });

  it('UNKNOWN: in chat with an unreadable policy', () => {
    const a = agent({
      deploymentChat: true,
      ...guarded([policy({ format: 'unknown', blocks: false, action: null })]),
    });
    assert.equal(one(rule, context({ agents: [a] })).status, 'UNKNOWN');
  });

  it('severity is critical', () => {
    assert.equal(rule.meta.severity, 'critical');
  });
});
