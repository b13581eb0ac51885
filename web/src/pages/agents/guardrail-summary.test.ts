import { describe, expect, it } from 'vitest';
import { describeAction, summarizePolicy, type GuardrailPolicy } from './guardrail-summary';

const policy = (over: Partial<GuardrailPolicy> = {}): GuardrailPolicy => ({
  format: 'v2',
  moderationModel: null,
  action: 'block',
  blocks: true,
  blockOnError: true,
  ignoreOtherCategories: false,
  categories: {
    pii: { evaluated: true, threshold: 0.9 },
    jailbreaking: { evaluated: true, threshold: null },
    sexual: { evaluated: false, threshold: null },
  },
  ...over,
});

describe('summarizePolicy', () => {
  it('a blocking, fail-closed policy with thresholds', () => {
    const s = summarizePolicy(policy());
    expect(s.action).toBe('Blocks flagged messages');
    expect(s.blocks).toBe(true);
    expect(s.failOpen).toBe(false);
    expect(s.onError).toMatch(/^Fail-closed/);
    expect(s.format).toBe('moderation_llm_v2');
    expect(s.moderationModel).toBe('default moderation model');
    expect(s.evaluated).toEqual([
      { name: 'jailbreaking', threshold: 'model default' },
      { name: 'pii', threshold: '0.9' },
    ]);
    expect(s.notEvaluated).toEqual(['sexual']);
    expect(s.otherCategories).toMatch(/not listed are evaluated/);
  });

  it('a policy that only logs and fails open says so', () => {
    const s = summarizePolicy(
      policy({
        action: 'none',
        blocks: false,
        blockOnError: false,
        ignoreOtherCategories: true,
        moderationModel: 'mistral-moderation-latest',
      }),
    );
    expect(s.action).toBe('Takes no action (does not block)');
    expect(s.failOpen).toBe(true);
    expect(s.onError).toMatch(/^Fail-open/);
    expect(s.moderationModel).toBe('mistral-moderation-latest');
    expect(s.otherCategories).toBe('Only the listed categories are evaluated');
  });

  it('names unknown actions and a missing action without calling them blocking', () => {
    expect(describeAction('flag', false)).toBe('Action “flag” (does not block)');
    expect(describeAction(null, false)).toBe('No action set (does not block)');
    expect(summarizePolicy(policy({ format: 'unknown' })).format).toBe('unrecognised format');
  });
});
