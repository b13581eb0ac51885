import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { toAgentRecord } from '../inventory/agents.ts';
import type { AgentRecord, DataQualityWarning } from '../inventory/types.ts';
import { AGENT } from '../mistral/record-validation.ts';
import type { WireAgent } from '../shared/mistral-wire.ts';
import type { Rule } from '../findings/types.ts';
import { rule as aliasUnguarded } from './checks/mistral-agent-alias-unguarded-version.ts';
import { rule as chatDeployed } from './checks/mistral-agent-chat-deployed-unguarded.ts';
import { rule as failOpen } from './checks/mistral-agent-guardrails-fail-open.ts';
import { rule as jailbreak } from './checks/mistral-agent-guardrails-jailbreak-unchecked.ts';
import { rule as lax } from './checks/mistral-agent-guardrails-lax-thresholds.ts';
import { rule as legacy } from './checks/mistral-agent-guardrails-legacy-moderation.ts';
import { rule as missing } from './checks/mistral-agent-guardrails-missing.ts';
import { rule as notBlocking } from './checks/mistral-agent-guardrails-not-blocking.ts';
import { rule as pii } from './checks/mistral-agent-guardrails-pii-unchecked.ts';
import { rule as regressed } from './checks/mistral-agent-guardrails-regressed.ts';
import { rule as risky } from './checks/mistral-agent-risky-tool-combination.ts';
import { flaggedFields, guardrailsReadable, malformed } from './rule-helpers.ts';
import { NOW, agent, context, guarded, policy } from './testing/fixtures.ts';
import { one } from './testing/run.ts';
import { PRODUCT_DOC_GUARDRAILS } from '../inventory/testing/product-doc-guardrails.ts';

const PRODUCT_DOC_EXAMPLE = PRODUCT_DOC_GUARDRAILS;

function wireAgent(guardrails: unknown): WireAgent {
  return {
    object: 'agent',
    id: 'ag_flat',
    version: 0,
    versions: [0],
    name: 'Support triage',
    model: 'mistral-medium-2505',
    description: 'Answers customer questions about orders.',
    instructions: 'You are a support assistant. Answer questions about orders politely and briefly.',
    tools: [],
    completion_args: { tool_choice: 'auto' },
    guardrails,
    handoffs: null,
    metadata: null,
    owner_id: 'user_0001',
    created_at: '2025-05-01T09:00:00Z',
    updated_at: '2025-05-01T09:00:00Z',
    deployment_chat: false,
    source: 'api',
    version_message: null,
  } as unknown as WireAgent;
}

/** The record the sync builds: the SDK's own validation supplies the data-quality warning. */
function recordFor(guardrails: unknown): AgentRecord {
  const wire = wireAgent(guardrails);
  const v = AGENT.validate(wire);
  const warnings: DataQualityWarning[] = v.ok
    ? []
    : [{ resourceType: 'agent', resourceId: wire.id, endpoint: '/v1/agents', issue: v.issue }];
  return toAgentRecord({ current: wire, versions: [wire], aliases: [], usage: null, warnings }, null, NOW);
}

const GUARDRAIL_RULES: Array<[string, Rule]> = [
  ['missing', missing],
  ['not_blocking', notBlocking],
  ['fail_open', failOpen],
  ['jailbreak_unchecked', jailbreak],
  ['pii_unchecked', pii],
  ['lax_thresholds', lax],
  ['legacy_moderation', legacy],
  ['regressed', regressed],
  ['alias_unguarded_version', aliasUnguarded],
  ['chat_deployed_unguarded', chatDeployed],
  ['risky_tool_combination', risky],
];

function statuses(a: AgentRecord): Record<string, string> {
  const ctx = context({ agents: [a] });
  return Object.fromEntries(GUARDRAIL_RULES.map(([name, r]) => [name, one(r, ctx).status]));
}

describe('guardrails data-quality warnings (rule-helpers)', () => {
  it("the product document's example object: flagged by the SDK, read by the normaliser, judged by the rules", () => {
    const a = recordFor(PRODUCT_DOC_EXAMPLE.policies);
    // The record really carries the SDK's warning on guardrails, and the stored object is the example.
    assert.deepEqual(
      a.dataQuality.map((w) => w.issue),
      ['guardrails[0].moderation_llm_v2: Invalid input: expected object, received string'],
    );
    assert.deepEqual(a.guardrails, PRODUCT_DOC_EXAMPLE);
    assert.deepEqual(
      a.guardrailPolicies.map((p) => p.format),
      ['flat'],
    );
    assert.deepEqual(statuses(a), {
      missing: 'PASS',
      not_blocking: 'PASS',
      fail_open: 'PASS',
      jailbreak_unchecked: 'PASS',
      pii_unchecked: 'PASS',
      lax_thresholds: 'PASS',
      legacy_moderation: 'FAIL', // mistral-moderation-2411 is deprecated
      regressed: 'PASS',
      alias_unguarded_version: 'PASS',
      chat_deployed_unguarded: 'PASS',
      risky_tool_combination: 'PASS',
    });
    assert.match(
      one(legacy, context({ agents: [a] })).detail,
      /deprecated moderation model mistral-moderation-2411/,
    );
  });

  it('a policy in an unknown format next to the example still makes every guardrail rule UNKNOWN', () => {
    const a = recordFor([...PRODUCT_DOC_EXAMPLE.policies, { block_on_error: true, moderation: 'strict' }]);
    assert.deepEqual(
      a.guardrailPolicies.map((p) => p.format),
      ['flat', 'unknown'],
    );
    assert.equal(a.dataQuality.length, 1);
    const s = statuses(a);
    for (const name of [
      'missing',
      'not_blocking',
      'fail_open',
      'jailbreak_unchecked',
      'pii_unchecked',
      'lax_thresholds',
      'legacy_moderation',
      'regressed',
      'alias_unguarded_version',
      'chat_deployed_unguarded',
      'risky_tool_combination',
    ]) {
      assert.equal(s[name], 'UNKNOWN', name);
    }
  });

  it('a threshold or flag of the wrong type never yields a PASS, with or without the SDK warning', () => {
    const mistyped = [
      {
        block_on_error: true,
        moderation_llm_v2: {
          action: 'block',
          custom_category_thresholds: { jailbreaking: '0.99', pii: '0.99', hate_and_discrimination: '0.99' },
        },
      },
    ];
    const ignoring = [
      {
        block_on_error: true,
        moderation_llm_v2: {
          action: 'block',
          ignore_other_categories: 'true',
          custom_category_thresholds: { hate_and_discrimination: 0.2 },
        },
      },
    ];
    for (const raw of [mistyped, ignoring]) {
      const flagged = recordFor(raw);
      assert.equal(flagged.dataQuality.length, 1, 'the SDK flags the record');
      // The connector's fast path may keep a record without the SDK's warning: the normaliser alone
      // must then keep the rules from passing.
      const unflagged = { ...flagged, dataQuality: [] };
      for (const a of [flagged, unflagged]) {
        const s = statuses(a);
        for (const name of [
          'jailbreak_unchecked',
          'pii_unchecked',
          'lax_thresholds',
          'fail_open',
          'not_blocking',
        ]) {
          assert.equal(s[name], 'UNKNOWN', `${name} (${a.dataQuality.length} warning)`);
        }
      }
      const detail = one(jailbreak, context({ agents: [unflagged] })).detail;
      assert.match(detail, /policy 1 could not be read \(wrong type: moderation_llm_v2\./);
    }
  });

  it('null guardrails with a guardrails warning (nothing readable was kept) stay UNKNOWN', () => {
    const a = recordFor('mistral-moderation-2411');
    assert.equal(a.guardrails, null);
    assert.equal(a.dataQuality.length, 1);
    assert.equal(one(missing, context({ agents: [a] })).status, 'UNKNOWN');
    assert.equal(one(jailbreak, context({ agents: [a] })).status, 'UNKNOWN');
  });

  it('flaggedFields excuses only the guardrails field, and only when every policy was read', () => {
    const warning = (issue: string): DataQualityWarning => ({
      resourceType: 'agent',
      resourceId: 'ag_0001',
      endpoint: '/v1/agents',
      issue,
    });
    const both = warning('guardrails[0].moderation_llm_v2: expected object; tools: expected array');
    const readable = agent({
      ...guarded([policy({ format: 'flat' }), policy({ format: 'v1' })]),
      dataQuality: [both],
    });
    assert.equal(guardrailsReadable(readable), true);
    assert.deepEqual(flaggedFields(readable, ['guardrails']), []);
    assert.equal(malformed(readable, ['guardrails']), null);
    assert.deepEqual(flaggedFields(readable, ['guardrails', 'tools']), [both]);
    assert.equal(malformed(readable, ['guardrails', 'tools'])?.status, 'UNKNOWN');

    const unreadable = agent({
      ...guarded([policy({ format: 'flat' }), policy({ format: 'unknown', blocks: false, action: null })]),
      dataQuality: [both],
    });
    assert.equal(guardrailsReadable(unreadable), false);
    assert.deepEqual(flaggedFields(unreadable, ['guardrails']), [both]);
    assert.equal(malformed(unreadable, ['guardrails'])?.status, 'UNKNOWN');

    // Records without guardrails fields (files, libraries) are unaffected.
    assert.equal(guardrailsReadable({}), false);
  });
});
