import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Availability, Snapshot } from '../inventory/types.ts';
import { resourceCoverage } from './resource-coverage.ts';

function availability(over: Partial<Availability> = {}): Availability {
  const ok = { status: 'available' as const };
  return { models: ok, files: ok, agents: ok, libraries: ok, usage: ok, versions: ok, ...over };
}

function snapshot(over: Partial<Snapshot>): Snapshot {
  return {
    takenAt: '2026-11-01T00:00:00Z',
    source: { provider: 'mistral', baseUrl: 'http://127.0.0.1:1' },
    integration: null,
    availability: availability(),
    agents: [],
    models: [],
    files: [],
    libraries: [],
    workspaceUsage: null,
    errors: [],
    dataQuality: [],
    ...over,
  };
}

describe('resourceCoverage', () => {
  it('lists live resources as type:id, with the integration always live', () => {
    const s = snapshot({
      models: [{ id: 'mistral-small' } as Snapshot['models'][number]],
      files: [{ id: 'file_1' } as Snapshot['files'][number]],
      libraries: [{ id: 'lib_1' } as Snapshot['libraries'][number]],
      agents: [{ id: 'ag_1' } as Snapshot['agents'][number]],
    });
    const c = resourceCoverage(s, 'int_1');
    assert.deepEqual([...c.liveResourceIds].sort(), [
      'agent:ag_1',
      'file:file_1',
      'integration:int_1',
      'library:lib_1',
      'model:mistral-small',
    ]);
    assert.deepEqual([...c.unlistedResourceTypes], []);
  });

  it('marks types whose listing feature is not available as unlisted', () => {
    const s = snapshot({
      availability: availability({
        agents: { status: 'unavailable', code: 'BETA_ACCESS_REQUIRED' },
        libraries: { status: 'error' },
      }),
    });
    assert.deepEqual([...resourceCoverage(s, 'int_1').unlistedResourceTypes].sort(), ['agent', 'library']);
  });
});
