import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './mistral-library-unused.ts';
import { agent, agentConfig, context, library, noBetaAvailability } from '../testing/fixtures.ts';
import { one } from '../testing/run.ts';

const libs = [
  library({ id: 'lib_used' }),
  library({ id: 'lib_aliased' }),
  library({ id: 'lib_orphan', documentCount: 3 }),
];
const user = agent({
  version: 2,
  versions: [1, 2],
  tools: [{ type: 'document_library', library_ids: ['lib_used'] }],
  knowledgeBases: [{ id: 'lib_used', name: 'x', found: true }],
  versionHistory: [
    agentConfig({ version: 1, tools: [{ type: 'document_library', library_ids: ['lib_aliased'] }] }),
  ],
  aliases: [
    { alias: 'production', version: 1, createdAt: '2025-01-01T00:00:00Z', updatedAt: '2025-01-01T00:00:00Z' },
  ],
});

describe('mistral_library_unused', () => {
  it('PASS: used by a current configuration or by an aliased version', () => {
    const ctx = context({ agents: [user], libraries: libs });
    assert.equal(one(rule, ctx, 'lib_used').status, 'PASS');
    assert.equal(one(rule, ctx, 'lib_aliased').status, 'PASS');
  });

  it('FAIL: no agent uses it', () => {
    const r = one(rule, context({ agents: [user], libraries: libs }), 'lib_orphan');
    assert.equal(r.status, 'FAIL');
    assert.equal(r.detail, 'No agent uses the library (3 documents).');
  });

  it('UNKNOWN: agents not available, or an agent whose tools could not be read', () => {
    const noAgents = context({
      availability: { ...noBetaAvailability(), libraries: { status: 'available' } },
      agents: [],
      libraries: libs,
    });
    assert.equal(one(rule, noAgents, 'lib_orphan').status, 'UNKNOWN');
    const broken = agent({
      id: 'ag_b',
      tools: [],
      dataQuality: [
        { resourceType: 'agent', resourceId: 'ag_b', endpoint: '/v1/agents', issue: 'tools: expected array' },
      ],
    });
    assert.equal(
      one(rule, context({ agents: [user, broken], libraries: libs }), 'lib_orphan').status,
      'UNKNOWN',
    );
  });
});
