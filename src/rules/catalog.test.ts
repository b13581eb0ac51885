import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SEVERITIES } from '../findings/types.ts';
import type { Rule, RuleContext } from '../findings/types.ts';
import { RULES, evaluateAll, getRule } from './catalog.ts';
import { FRAMEWORKS, requirementTitle } from './frameworks/index.ts';
import {
  NOW,
  adminContext,
  adminMember,
  apiKey,
  integrationApiKey,
  invite,
  noAdminKeyContext,
  adminKeyRefusedContext,
  agent,
  agentConfig,
  context,
  file,
  guarded,
  library,
  model,
  noBetaAvailability,
  policy,
  policyWithCategories,
  snapshot,
  usage,
  UNGUARDED,
} from './testing/fixtures.ts';

const CHECKS_DIR = join(import.meta.dirname, 'checks');

/** The public contract: exactly these rule ids (issue 5). */
const CONTRACT_IDS = [
  'mistral_agent_guardrails_missing',
  'mistral_agent_guardrails_not_blocking',
  'mistral_agent_guardrails_fail_open',
  'mistral_agent_guardrails_jailbreak_unchecked',
  'mistral_agent_guardrails_pii_unchecked',
  'mistral_agent_guardrails_lax_thresholds',
  'mistral_agent_guardrails_legacy_moderation',
  'mistral_agent_guardrails_regressed',
  'mistral_agent_alias_unguarded_version',
  'mistral_agent_model_deprecated',
  'mistral_agent_model_unpinned',
  'mistral_agent_instructions_secret',
  'mistral_agent_instructions_missing',
  'mistral_agent_risky_tool_combination',
  'mistral_agent_connector_unconfirmed',
  'mistral_agent_chat_deployed_unguarded',
  'mistral_agent_unused_tool',
  'mistral_agent_dormant',
  'mistral_agent_owner_missing',
  'mistral_agent_knowledge_base_missing',
  'mistral_library_unused',
  'mistral_file_sensitive_name',
  'mistral_integration_key_stale',
  'mistral_integration_partial_coverage',
  'mistral_agent_connector_org_credentials_unconfirmed',
  'mistral_agent_connector_missing',
  'mistral_library_sensitive_shared_org',
  'mistral_integration_connector_untrusted_server',
  'mistral_integration_connector_credentials_failing',
  'mistral_agent_handoff_weaker_guardrails',
  'mistral_agent_handoff_target_missing',
  'mistral_integration_prompt_secret',
  // the organization, read with the optional admin key (issue 11)
  'mistral_integration_key_expiring',
  'mistral_integration_key_not_found',
  'mistral_integration_api_key_no_expiry',
  'mistral_integration_api_key_unused',
  'mistral_integration_api_key_old',
  'mistral_integration_admin_outside_sso',
  'mistral_integration_admins_excessive',
  'mistral_integration_invite_stale',
];

/** The rules that read the admin inventory (issue 11). */
const ADMIN_RULE_IDS = CONTRACT_IDS.slice(CONTRACT_IDS.indexOf('mistral_integration_key_expiring'));

/** A realistic workspace: guarded and unguarded agents, versions, aliases, usage, libraries, files. */
function realisticContext(): RuleContext {
  const v1 = agentConfig({ version: 1, ...guarded([policy()]) });
  const v2 = agentConfig({ version: 2, ...UNGUARDED, deploymentChat: true });
  const agents = [
    agent({
      id: 'ag_support',
      version: 2,
      versions: [1, 2],
      ...UNGUARDED,
      deploymentChat: true,
      model: 'mistral-medium-latest',
      tools: [
        { type: 'web_search' },
        { type: 'document_library', library_ids: ['lib_manuals', 'lib_gone'] },
        { type: 'function', function: { name: 'refund', parameters: { type: 'object' } } },
        { type: 'connector', connector_id: 'gmail' },
      ],
      knowledgeBases: [
        { id: 'lib_manuals', name: 'Manuals', found: true },
        { id: 'lib_gone', name: null, found: false },
      ],
      versionHistory: [v1, v2],
      aliases: [
        { alias: 'production', version: 2, createdAt: NOW.toISOString(), updatedAt: NOW.toISOString() },
      ],
      usage: usage({}, { totalRuns: 30, webSearchCalls: 4, functionCallsByName: { refund: 2 } }),
      instructions: 'You are support.\npassword: hunter2hunter2',
    }),
    agent({
      id: 'ag_legacy',
      ...guarded([
        policyWithCategories(
          { financial: { evaluated: true, threshold: 0.95 } },
          { format: 'v1', moderationModel: 'mistral-moderation-2411', blockOnError: false },
        ),
      ]),
      description: null,
      ownerId: null,
      usage: usage({ lastActivityAt: '2025-01-01T00:00:00.000Z' }, { totalRuns: 0, totalConversations: 0 }),
      model: 'open-mistral-7b',
    }),
    agent({ id: 'ag_good', usage: null, status: 'unknown', handoffs: ['ag_support', 'ag_gone'] }),
  ];
  return {
    snapshot: snapshot({
      integration: {
        id: 'int_1',
        name: 'Prod',
        baseUrl: 'https://api.mistral.ai',
        keyUpdatedAt: '2025-01-01T00:00:00.000Z',
      },
      agents,
      models: [
        model(),
        model({
          id: 'open-mistral-7b',
          lifecycle: 'legacy',
          deprecationDate: '2025-03-30T00:00:00.000Z',
          aliases: [],
        }),
      ],
      libraries: [library({ id: 'lib_manuals' }), library({ id: 'lib_orphan', name: 'Old HR' })],
      files: [file(), file({ id: 'file_2', filename: 'customer_export_2025.csv' })],
    }),
    previous: null,
    now: NOW,
  };
}

describe('rule catalog', () => {
  it('holds exactly the contract rule ids, each once', () => {
    const ids = RULES.map((r) => r.meta.id);
    assert.equal(new Set(ids).size, ids.length, 'ids are unique');
    assert.deepEqual([...ids].sort(), [...CONTRACT_IDS].sort());
  });

  it('has one file per rule in checks/, named after the id, with a test next to it', async () => {
    const files = readdirSync(CHECKS_DIR).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    assert.equal(files.length, RULES.length, 'every check file is in the catalog and vice versa');
    for (const f of files) {
      const mod = (await import(join(CHECKS_DIR, f))) as { rule?: Rule };
      assert.ok(mod.rule, `${f} exports rule`);
      assert.equal(
        mod.rule.meta.id,
        f.replace(/\.ts$/, '').replace(/-/g, '_'),
        `${f}: id matches the file name`,
      );
      assert.equal(getRule(mod.rule.meta.id), mod.rule, `${f} is the catalog's rule`);
      assert.ok(existsSync(join(CHECKS_DIR, f.replace(/\.ts$/, '.test.ts'))), `${f} has a test`);
    }
  });

  it('ids follow <provider>_<resource>_<condition> with the rule resource type', () => {
    for (const { meta } of RULES) {
      const m = /^([a-z0-9]+)_([a-z0-9]+)_([a-z0-9]+(?:_[a-z0-9]+)*)$/.exec(meta.id);
      assert.ok(m, `${meta.id} matches the pattern`);
      assert.equal(m[1], 'mistral');
      assert.equal(m[2], meta.resourceType, `${meta.id}: resource part equals resourceType`);
    }
  });

  it('metadata is complete and every compliance reference exists in its framework', () => {
    for (const { meta } of RULES) {
      for (const field of ['title', 'description', 'risk'] as const) {
        assert.ok(meta[field].trim().length > 10, `${meta.id}.${field}`);
      }
      assert.ok(meta.remediation.text.trim().length > 10, `${meta.id}.remediation.text`);
      assert.ok(SEVERITIES.includes(meta.severity), `${meta.id}.severity`);
      assert.ok(
        meta.references.length > 0 && meta.references.every((u) => /^https:\/\//.test(u)),
        `${meta.id}.references`,
      );
      assert.ok(meta.compliance.length > 0, `${meta.id} maps to at least one requirement`);
      for (const ref of meta.compliance) {
        assert.ok(FRAMEWORKS[ref.framework], `${meta.id}: framework ${ref.framework}`);
        assert.ok(requirementTitle(ref), `${meta.id}: ${ref.framework} ${ref.id} exists`);
      }
    }
  });

  it('frameworks list every id of OWASP LLM 2025 (LLM01..LLM10) and OWASP Agentic (T1..T15)', () => {
    assert.deepEqual(
      Object.keys(FRAMEWORKS['owasp-llm-2025'].requirements),
      Array.from({ length: 10 }, (_, i) => `LLM${String(i + 1).padStart(2, '0')}`),
    );
    assert.deepEqual(
      Object.keys(FRAMEWORKS['owasp-agentic'].requirements),
      Array.from({ length: 15 }, (_, i) => `T${i + 1}`),
    );
  });

  it('ATLAS, NIST and EU AI Act files list only requirements some rule references', () => {
    const used = new Set(RULES.flatMap((r) => r.meta.compliance.map((c) => `${c.framework} ${c.id}`)));
    for (const key of ['mitre-atlas', 'nist-ai-rmf', 'eu-ai-act'] as const) {
      for (const id of Object.keys(FRAMEWORKS[key].requirements))
        assert.ok(used.has(`${key} ${id}`), `${key} ${id} is referenced`);
    }
  });

  it('guardrail PATCH bodies use the wire shape (§20)', () => {
    for (const { meta } of RULES) {
      const body = meta.remediation.patchAgentBody as
        { guardrails?: Array<Record<string, unknown>> } | undefined;
      if (!body?.guardrails) continue;
      const g = body.guardrails[0];
      assert.equal(g.block_on_error, true);
      const v2 = g.moderation_llm_v2 as Record<string, unknown>;
      assert.equal(v2.action, 'block');
      assert.equal(v2.ignore_other_categories, false);
      assert.equal(typeof (v2.custom_category_thresholds as Record<string, number>).jailbreaking, 'number');
    }
  });

  it('every rule evaluates a realistic snapshot without throwing, with well-formed results', () => {
    const ctx = realisticContext();
    const results = evaluateAll(ctx, { onRuleError: (id, e) => assert.fail(`${id} threw: ${String(e)}`) });
    const byRule = new Map(RULES.map((r) => [r.meta.id, r.meta]));
    for (const r of results) {
      const meta = byRule.get(r.ruleId);
      assert.ok(meta);
      assert.equal(r.resourceType, meta.resourceType);
      assert.ok(['PASS', 'FAIL', 'UNKNOWN'].includes(r.status));
      assert.ok(r.detail.length > 0);
      assert.ok(!r.detail.includes('hunter2'), 'a secret never reaches a detail');
      assert.ok(!JSON.stringify(r.evidence ?? {}).includes('hunter2'));
    }
    const fails = (id: string) =>
      results
        .filter((r) => r.ruleId === id && r.status === 'FAIL')
        .map((r) => r.resourceId)
        .sort();
    assert.deepEqual(fails('mistral_agent_guardrails_missing'), ['ag_support']);
    assert.deepEqual(fails('mistral_agent_guardrails_regressed'), ['ag_support']);
    assert.deepEqual(fails('mistral_agent_chat_deployed_unguarded'), ['ag_support']);
    assert.deepEqual(fails('mistral_agent_instructions_secret'), ['ag_support']);
    assert.deepEqual(fails('mistral_agent_guardrails_legacy_moderation'), ['ag_legacy']);
    assert.deepEqual(fails('mistral_agent_model_deprecated'), ['ag_legacy']);
    assert.deepEqual(fails('mistral_agent_dormant'), ['ag_legacy']);
    assert.deepEqual(fails('mistral_library_unused'), ['lib_orphan']);
    assert.deepEqual(fails('mistral_file_sensitive_name'), ['file_2']);
    assert.deepEqual(fails('mistral_integration_key_stale'), ['int_1']);
    assert.deepEqual(fails('mistral_integration_partial_coverage'), []);
    // ag_good (strong guardrails) hands off to ag_support (none) and to an agent that does not exist
    assert.deepEqual(fails('mistral_agent_handoff_weaker_guardrails'), ['ag_good']);
    assert.deepEqual(fails('mistral_agent_handoff_target_missing'), ['ag_good']);
    // the good agent passes the guardrail rules, but its usage rules are UNKNOWN (no usage), never PASS
    const good = results.filter((r) => r.resourceId === 'ag_good');
    assert.ok(good.some((r) => r.status === 'PASS'));
    assert.ok(
      good
        .filter((r) => ['mistral_agent_dormant', 'mistral_agent_unused_tool'].includes(r.ruleId))
        .every((r) => r.status === 'UNKNOWN'),
    );
  });

  it('without beta access: no agent result at all, and partial coverage fails', () => {
    const ctx = context({ availability: noBetaAvailability(), agents: [], libraries: [], files: [file()] });
    const results = evaluateAll(ctx);
    assert.deepEqual(
      results.filter((r) => r.resourceType === 'agent'),
      [],
    );
    const coverage = results.filter((r) => r.ruleId === 'mistral_integration_partial_coverage');
    assert.equal(coverage.length, 1);
    assert.equal(coverage[0].status, 'FAIL');
    assert.equal(coverage[0].resourceId, 'https://api.mistral.ai');
  });

  it('agents left over from an earlier sync never PASS while agent discovery is unavailable', () => {
    const ctx = context({ availability: noBetaAvailability(), agents: [agent()] });
    const results = evaluateAll(ctx).filter((r) => r.resourceType === 'agent');
    assert.ok(results.length > 0);
    assert.deepEqual(
      results.filter((r) => r.status === 'PASS'),
      [],
    );
  });

  it('a rule that throws yields UNKNOWN, not a crash and not a PASS', () => {
    const broken: Rule = {
      meta: RULES[0].meta,
      evaluate: () => {
        throw new TypeError('boom');
      },
    };
    const errors: string[] = [];
    const results = evaluateAll(context(), { rules: [broken], onRuleError: (id) => errors.push(id) });
    assert.deepEqual(errors, [RULES[0].meta.id]);
    assert.equal(results.length, 1);
    assert.equal(results[0].status, 'UNKNOWN');
  });

  it('admin rules: without an admin key (optional) none gives a result; with a refused key each gives one UNKNOWN saying so', () => {
    assert.deepEqual(
      evaluateAll(noAdminKeyContext()).filter((r) => ADMIN_RULE_IDS.includes(r.ruleId)),
      [],
    );
    const results = evaluateAll(adminKeyRefusedContext()).filter((r) => ADMIN_RULE_IDS.includes(r.ruleId));
    assert.deepEqual(results.map((r) => r.ruleId).sort(), [...ADMIN_RULE_IDS].sort());
    for (const r of results) {
      assert.equal(r.status, 'UNKNOWN', r.ruleId);
      assert.equal(r.resourceType, 'integration');
      assert.match(r.detail, /admin API key was refused/, r.ruleId);
    }
  });

  it('admin rules: a realistic organization fails where it should, and no key value reaches a result', () => {
    const plaintext = 'sk-PLAINTEXT-never-shown-0123456789';
    // a record that carried the plaintext by mistake: the rules pick fields, so it still never shows
    const leaky = { ...apiKey({ id: 'key_ci', name: 'CI', expiresOn: null }), key: plaintext };
    const ctx = adminContext({
      apiKeys: [
        leaky,
        apiKey({ id: 'key_idle', lastUsedOn: '2025-01-01', createdAt: '2024-01-01T00:00:00.000Z' }),
        integrationApiKey({ expiresOn: '2026-06-10' }),
      ],
      members: [adminMember(), adminMember({ id: 'user_ext', email: 'ext@gmail.com', ssoOutsider: true })],
      invites: [invite({ expired: true })],
    });
    const results = evaluateAll(ctx, { onRuleError: (id, e) => assert.fail(`${id} threw: ${String(e)}`) });
    const status = (id: string) => results.filter((r) => r.ruleId === id).map((r) => r.status);
    assert.deepEqual(status('mistral_integration_key_expiring'), ['FAIL']);
    assert.deepEqual(status('mistral_integration_key_not_found'), ['PASS']);
    assert.deepEqual(status('mistral_integration_api_key_no_expiry'), ['FAIL']);
    assert.deepEqual(status('mistral_integration_api_key_unused'), ['FAIL']);
    assert.deepEqual(status('mistral_integration_api_key_old'), ['FAIL']);
    assert.deepEqual(status('mistral_integration_admin_outside_sso'), ['FAIL']);
    assert.deepEqual(status('mistral_integration_admins_excessive'), ['PASS']);
    assert.deepEqual(status('mistral_integration_invite_stale'), ['FAIL']);
    for (const r of results) {
      assert.ok(!r.detail.includes(plaintext), `${r.ruleId}: no key value in the detail`);
      assert.ok(
        !JSON.stringify(r.evidence ?? {}).includes(plaintext),
        `${r.ruleId}: no key value in evidence`,
      );
    }
  });
});
