import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './mistral-agent-guardrails-lax-thresholds.ts';
import { UNGUARDED, agent, context, guarded, policy, policyWithCategories } from '../testing/fixtures.ts';
import { one } from '../testing/run.ts';
import { V2_CATEGORIES } from '../../shared/mistral-wire.ts';

const result = (a: ReturnType<typeof agent>) => one(rule, context({ agents: [a] }));

describe('mistral_agent_guardrails_lax_thresholds', () => {
  it('PASS: thresholds at or under 0.7, or model defaults', () => {
    const p = policyWithCategories({
      health: { evaluated: true, threshold: 0.7 },
      sexual: { evaluated: true, threshold: 0.1 },
    });
    assert.equal(result(agent({ ...guarded([p]) })).status, 'PASS');
  });

  it('FAIL: names the lax categories and thresholds', () => {
    const p = policyWithCategories({
      financial: { evaluated: true, threshold: 0.95 },
      law: { evaluated: true, threshold: 0.99 },
    });
    const r = result(agent({ ...guarded([p]) }));
    assert.equal(r.status, 'FAIL');
    assert.match(r.detail, /financial 0\.95 \(policy 1\) and law 0\.99 \(policy 1\)/);
  });

  it('FAIL: a blocking policy that evaluates no category blocks nothing', () => {
    const none = Object.fromEntries(V2_CATEGORIES.map((c) => [c, { evaluated: false, threshold: null }]));
    const r = result(agent({ ...guarded([policy({ categories: none, ignoreOtherCategories: true })]) }));
    assert.equal(r.status, 'FAIL');
    assert.deepEqual(r.evidence?.policiesEvaluatingNothing, [1]);
  });

  it('UNKNOWN: an unreadable policy', () => {
    assert.equal(
      result(agent({ ...guarded([policy(), policy({ format: 'unknown', blocks: false, action: null })]) }))
        .status,
      'UNKNOWN',
    );
  });

  it('no result when nothing blocks', () => {
    assert.deepEqual(
      rule.evaluate(
        context({
          agents: [
            agent({ ...UNGUARDED }),
            agent({ id: 'b', ...guarded([policy({ blocks: false, action: 'none' })]) }),
          ],
        }),
      ),
      [],
    );
  });
});
