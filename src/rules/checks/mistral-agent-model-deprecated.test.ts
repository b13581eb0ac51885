import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './mistral-agent-model-deprecated.ts';
import { agent, availability, context, model } from '../testing/fixtures.ts';
import { one } from '../testing/run.ts';

describe('mistral_agent_model_deprecated', () => {
  it('PASS: stable model, found by id or by alias', () => {
    assert.equal(one(rule, context()).status, 'PASS');
    assert.equal(one(rule, context({ agents: [agent({ model: 'mistral-medium-latest' })] })).status, 'PASS');
  });

  it('FAIL: deprecated, with date and replacement', () => {
    const models = [
      model({
        lifecycle: 'deprecated',
        deprecationDate: '2026-09-01T00:00:00Z',
        replacementModel: 'mistral-medium-2508',
      }),
    ];
    const r = one(rule, context({ models }));
    assert.equal(r.status, 'FAIL');
    assert.match(r.detail, /deprecated .* 2026-09-01.*replacement: mistral-medium-2508/);
  });

  it('FAIL: legacy, archived fine-tune, or not listed', () => {
    assert.equal(
      one(
        rule,
        context({ models: [model({ lifecycle: 'legacy', deprecationDate: '2025-01-01T00:00:00Z' })] }),
      ).status,
      'FAIL',
    );
    const ft = model({ type: 'fine-tuned', fineTuned: { root: 'x', job: 'j', archived: true } });
    assert.equal(one(rule, context({ models: [ft] })).status, 'FAIL');
    const r = one(rule, context({ agents: [agent({ model: 'gone-model' })] }));
    assert.equal(r.status, 'FAIL');
    assert.equal(r.evidence?.listed, false);
  });

  it('UNKNOWN: models not available', () => {
    assert.equal(
      one(rule, context({ availability: availability({ models: { status: 'error' } }), models: [] })).status,
      'UNKNOWN',
    );
  });
});
