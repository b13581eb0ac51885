import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './mistral-agent-guardrails-legacy-moderation.ts';
import { UNGUARDED, agent, availability, context, guarded, model, policy } from '../testing/fixtures.ts';
import { one } from '../testing/run.ts';

describe('mistral_agent_guardrails_legacy_moderation', () => {
  it('PASS: v2 with the current model', () => {
    assert.equal(one(rule, context({ agents: [agent()] })).status, 'PASS');
  });

  it('FAIL: moderation_llm_v1', () => {
    const r = one(
      rule,
      context({ agents: [agent({ ...guarded([policy({ format: 'v1', moderationModel: null })]) })] }),
    );
    assert.equal(r.status, 'FAIL');
    assert.equal(r.detail, 'Legacy moderation: policy 1 uses moderation_llm_v1.');
  });

  it('FAIL: v1 with its default (deprecated) model is one problem, stated once', () => {
    const r = one(
      rule,
      context({
        agents: [
          agent({ ...guarded([policy({ format: 'v1', moderationModel: 'mistral-moderation-2411' })]) }),
        ],
      }),
    );
    assert.equal(
      r.detail,
      'Legacy moderation: policy 1 uses moderation_llm_v1 with the deprecated model mistral-moderation-2411.',
    );
  });

  it('FAIL: the product document flat example (mistral-moderation-2411)', () => {
    const r = one(
      rule,
      context({
        agents: [
          agent({ ...guarded([policy({ format: 'flat', moderationModel: 'mistral-moderation-2411' })]) }),
        ],
      }),
    );
    assert.equal(r.status, 'FAIL');
    assert.match(r.detail, /mistral-moderation-2411/);
  });

  it('FAIL: a moderation model the models API marks deprecated', () => {
    const models = [
      model({
        id: 'mistral-moderation-2603',
        lifecycle: 'deprecated',
        deprecationDate: '2027-01-01T00:00:00Z',
        aliases: [],
      }),
    ];
    assert.equal(one(rule, context({ agents: [agent()], models })).status, 'FAIL');
  });

  it('UNKNOWN: an unreadable policy', () => {
    assert.equal(
      one(
        rule,
        context({
          agents: [agent({ ...guarded([policy({ format: 'unknown', blocks: false, action: null })]) })],
        }),
      ).status,
      'UNKNOWN',
    );
  });

  it('no result without guardrails', () => {
    assert.deepEqual(rule.evaluate(context({ agents: [agent({ ...UNGUARDED })] })), []);
  });

  describe('a model not on the deprecated list passes only when known to be current', () => {
    const other = 'mistral-moderation-2512';
    const withModel = (m: string | null) => agent({ ...guarded([policy({ moderationModel: m })]) });
    const noModels = availability({ models: { status: 'error', message: 'boom' } });

    it('UNKNOWN: models not available and the model is not known to be current', () => {
      const r = one(rule, context({ availability: noModels, agents: [withModel(other)], models: [] }));
      assert.equal(r.status, 'UNKNOWN');
      assert.equal(
        r.detail,
        `Whether the moderation model is current cannot be confirmed: policy 1 uses ${other}, and model discovery is not readable (an API error).`,
      );
    });

    it('UNKNOWN: models listed, but not this one; or no model named', () => {
      const r = one(rule, context({ agents: [withModel(other)] }));
      assert.equal(r.status, 'UNKNOWN');
      assert.match(r.detail, /which the models API does not list/);
      const flat = agent({ ...guarded([policy({ format: 'flat', moderationModel: null })]) });
      assert.equal(one(rule, context({ agents: [flat] })).status, 'UNKNOWN');
    });

    it('PASS: listed by the models API as stable (by id or alias)', () => {
      const models = [
        model({ id: 'mistral-moderation-latest', aliases: [other], capabilities: ['moderation'] }),
      ];
      assert.equal(one(rule, context({ agents: [withModel(other)], models })).status, 'PASS');
    });

    it('PASS: the known-current v2 default, even without model discovery; FAIL when the API deprecates it', () => {
      assert.equal(
        one(
          rule,
          context({ availability: noModels, agents: [withModel('mistral-moderation-2603')], models: [] }),
        ).status,
        'PASS',
      );
      assert.equal(
        one(
          rule,
          context({ availability: noModels, agents: [withModel('mistral-moderation-2411')], models: [] }),
        ).status,
        'FAIL',
      );
    });
  });
});
