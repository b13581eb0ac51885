import { test } from 'node:test';
import assert from 'node:assert/strict';
import { agent, availability, snapshot } from '../rules/testing/fixtures.ts';
import { driftBaseline, keepLastKnownVersions } from './last-known.ts';

const history = [agent({ version: 0 }), agent({ version: 1 })];
const aliases = [
  { alias: 'production', version: 1, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z' },
];
const storedAgent = agent({ id: 'ag_1', versionHistory: history, aliases });
const stored = { agents: [storedAgent], models: [], files: [], libraries: [] };

test('keepLastKnownVersions: versions unreadable now → the stored history and aliases are kept', () => {
  const now = snapshot({
    availability: availability({ versions: { status: 'error', message: 'boom' } }),
    agents: [
      agent({ id: 'ag_1', versionHistory: [], aliases: [] }),
      agent({ id: 'ag_new', versionHistory: [], aliases: [] }),
    ],
  });
  const kept = keepLastKnownVersions(now, stored);
  assert.deepEqual(kept.agents[0].versionHistory, history);
  assert.deepEqual(kept.agents[0].aliases, aliases);
  assert.deepEqual(kept.agents[1].aliases, [], 'nothing is invented for an agent never seen');
  assert.equal(kept.availability.versions.status, 'error', 'availability still says what happened now');
});

test('keepLastKnownVersions: versions read now → the snapshot is used as is', () => {
  const now = snapshot({ agents: [agent({ id: 'ag_1', versionHistory: [], aliases: [] })] });
  assert.equal(keepLastKnownVersions(now, stored), now);
});

test('driftBaseline: a type the previous sync could not list is taken from the stored inventory', () => {
  assert.equal(driftBaseline(null, stored), null);
  const outage = snapshot({
    availability: availability({ agents: { status: 'unavailable' }, versions: { status: 'unavailable' } }),
    agents: [],
  });
  const base = driftBaseline(outage, stored)!;
  assert.deepEqual(base.agents, [storedAgent]);
  assert.equal(base.availability.agents.status, 'available');
  assert.equal(base.availability.versions.status, 'available');
  const empty = driftBaseline(outage, { agents: [], models: [], files: [], libraries: [] })!;
  assert.equal(empty.availability.agents.status, 'unavailable', 'never listed: no creation events later');
});
