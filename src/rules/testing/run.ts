/** Test helpers: run one rule over a context and get its single result. Only tests import this module. */
import assert from 'node:assert/strict';
import type { Rule, RuleContext, RuleResult } from '../../findings/types.ts';

/** The one result the rule gives for the resource (fails the test if there is not exactly one). */
export function one(rule: Rule, ctx: RuleContext, resourceId?: string): RuleResult {
  const results = rule.evaluate(ctx).filter((r) => resourceId === undefined || r.resourceId === resourceId);
  assert.equal(results.length, 1, `expected one result, got ${JSON.stringify(results)}`);
  const r = results[0];
  assert.equal(r.ruleId, rule.meta.id);
  assert.equal(r.resourceType, rule.meta.resourceType);
  assert.ok(r.detail.length > 0);
  return r;
}
