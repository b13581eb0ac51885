import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './mistral-agent-knowledge-base-missing.ts';
import { agent, availability, context } from '../testing/fixtures.ts';
import { one } from '../testing/run.ts';

describe('mistral_agent_knowledge_base_missing', () => {
  it('PASS: every library found, or none referenced', () => {
    assert.equal(
      one(
        rule,
        context({ agents: [agent({ knowledgeBases: [{ id: 'lib_1', name: 'Docs', found: true }] })] }),
      ).status,
      'PASS',
    );
    assert.equal(one(rule, context()).status, 'PASS');
  });

  it('FAIL: a referenced library does not exist', () => {
    const kbs = [
      { id: 'lib_1', name: 'Docs', found: true },
      { id: 'lib_gone', name: null, found: false },
    ];
    const r = one(rule, context({ agents: [agent({ knowledgeBases: kbs })] }));
    assert.equal(r.status, 'FAIL');
    assert.deepEqual(r.evidence, { missing: ['lib_gone'] });
  });

  it('UNKNOWN: found is null (libraries not discoverable)', () => {
    const ctx = context({
      availability: availability({ libraries: { status: 'unavailable' } }),
      agents: [agent({ knowledgeBases: [{ id: 'lib_1', name: null, found: null }] })],
    });
    assert.equal(one(rule, ctx).status, 'UNKNOWN');
  });
});
