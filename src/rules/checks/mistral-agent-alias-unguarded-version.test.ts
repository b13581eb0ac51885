import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './mistral-agent-alias-unguarded-version.ts';
import type { AgentAliasRecord } from '../../inventory/types.ts';
import {
  UNGUARDED,
  agent,
  agentConfig,
  availability,
  context,
  guarded,
  policy,
} from '../testing/fixtures.ts';
import { one } from '../testing/run.ts';

const alias = (name: string, version: number): AgentAliasRecord => ({
  alias: name,
  version,
  createdAt: '2025-01-01T00:00:00Z',
  updatedAt: '2025-01-01T00:00:00Z',
});
const history = [
  agentConfig({ version: 1, ...UNGUARDED }),
  agentConfig({ version: 2, ...guarded([policy({ blockOnError: false })]) }),
  agentConfig({ version: 3, ...guarded([policy()]) }),
];
const base = { version: 3, versions: [1, 2, 3], ...guarded([policy()]), versionHistory: history };

describe('mistral_agent_alias_unguarded_version', () => {
  it('PASS: aliases point to the latest version', () => {
    assert.equal(
      one(rule, context({ agents: [agent({ ...base, aliases: [alias('production', 3)] })] })).status,
      'PASS',
    );
  });

  it('PASS: no aliases', () => {
    assert.match(one(rule, context({ agents: [agent(base)] })).detail, /no deployment aliases/);
  });

  it('FAIL: an alias to an unguarded version and one to a weaker version', () => {
    const r = one(
      rule,
      context({
        agents: [agent({ ...base, aliases: [alias('production', 1), alias('staging', 2), alias('dev', 3)] })],
      }),
    );
    assert.equal(r.status, 'FAIL');
    assert.deepEqual(r.evidence?.aliases, [
      { alias: 'production', version: 1, reason: 'no_guardrails' },
      { alias: 'staging', version: 2, reason: 'weaker_than_latest' },
    ]);
    assert.match(r.detail, /^Alias production points to version 1, which has no guardrails/);
  });

  it('UNKNOWN: versions unavailable, or the aliased version is not in the history', () => {
    const unavailable = context({
      availability: availability({ versions: { status: 'error' } }),
      agents: [agent({ ...base, aliases: [alias('p', 1)] })],
    });
    assert.equal(one(rule, unavailable).status, 'UNKNOWN');
    const missing = context({
      agents: [agent({ ...base, versionHistory: [history[2]], aliases: [alias('p', 1)] })],
    });
    assert.equal(one(rule, missing).status, 'UNKNOWN');
  });
  it('UNKNOWN, never PASS, when the aliased or the latest policy could not be read', () => {
    const unreadable = guarded([policy({ format: 'unknown', blocks: false, action: null })]);
    const withUnreadAlias = agent({
      ...base,
      versionHistory: [...history, agentConfig({ version: 4, ...unreadable })],
      versions: [1, 2, 3, 4],
      version: 4,
      ...unreadable,
      aliases: [alias('production', 4)],
    });
    const r = one(rule, context({ agents: [withUnreadAlias] }));
    assert.equal(r.status, 'UNKNOWN');
    assert.match(r.detail, /latest version 4 could not be read/);
    const r2 = one(
      rule,
      context({
        agents: [
          agent({
            ...base,
            versionHistory: [agentConfig({ version: 1, ...unreadable }), ...history.slice(1)],
            aliases: [alias('staging', 1)],
          }),
        ],
      }),
    );
    assert.equal(r2.status, 'UNKNOWN');
    assert.match(r2.detail, /version 1 \(alias staging\)/);
  });
});
