import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './mistral-agent-model-unpinned.ts';
import { agent, availability, context, model } from '../testing/fixtures.ts';
import { one } from '../testing/run.ts';

const withModel = (id: string, extra = {}) => context({ agents: [agent({ model: id })], ...extra });

describe('mistral_agent_model_unpinned', () => {
  it('PASS: dated id, fine-tune, or a canonical undated id that aliases nothing', () => {
    assert.equal(one(rule, withModel('mistral-medium-2505')).status, 'PASS');
    assert.equal(one(rule, withModel('ft:open-mistral-7b:abc')).status, 'PASS');
    assert.equal(
      one(rule, withModel('codestral-embed', { models: [model({ id: 'codestral-embed', aliases: [] })] }))
        .status,
      'PASS',
    );
  });

  it('FAIL: -latest, or an undated alias of a dated card', () => {
    assert.equal(one(rule, withModel('mistral-medium-latest')).status, 'FAIL');
    const models = [model({ id: 'mistral-medium-2505', aliases: ['mistral-medium'] })];
    const r = one(rule, withModel('mistral-medium', { models }));
    assert.equal(r.status, 'FAIL');
    assert.equal(r.evidence?.resolvesTo, 'mistral-medium-2505');
  });

  it('UNKNOWN: undated id while models are unavailable', () => {
    assert.equal(
      one(
        rule,
        withModel('mistral-medium', {
          availability: availability({ models: { status: 'unavailable' } }),
          models: [],
        }),
      ).status,
      'UNKNOWN',
    );
  });
});
