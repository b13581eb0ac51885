import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { discoverExtras } from './discover-extras.ts';
import { AppError } from '../errors/index.ts';
import { syncStatus } from '../inventory/sync-status.ts';
import type { MistralConnector } from '../mistral/types.ts';
import { rule } from '../rules/checks/mistral-library-sensitive-shared-org.ts';
import { availability, context, extraAvailability, library } from '../rules/testing/fixtures.ts';
import { one } from '../rules/testing/run.ts';

const empty = { items: [], warnings: [] };

/** A connector whose only library is shared with the organization and holds `documents()`. */
function connectorWith(documents: () => Promise<{ items: unknown[]; warnings: [] }>): MistralConnector {
  return {
    listConnectors: async () => empty,
    listConnectorCredentials: async () => empty,
    listLibrarySharing: async () => ({
      items: [{ library_id: 'lib_1', share_with_type: 'Org', share_with_uuid: 'org_1', role: 'Viewer' }],
      warnings: [],
    }),
    listLibraryDocuments: documents,
  } as unknown as MistralConnector;
}

async function discover(documents: () => Promise<{ items: unknown[]; warnings: [] }>) {
  const libs = [library({ id: 'lib_1', documentCount: 1200 })];
  const ex = await discoverExtras({ connector: connectorWith(documents), agents: [], libraries: libs });
  const verdict = one(
    rule,
    context({
      libraries: libs,
      extraAvailability: extraAvailability({ librarySharing: ex.availability.librarySharing }),
    }),
  );
  return { lib: libs[0], ex, verdict };
}

describe('discoverExtras: documents of libraries shared with the whole organization', () => {
  it('keeps every sensitive-looking name, even beyond the first 1,000 documents, and counts them all', async () => {
    const { lib, ex, verdict } = await discover(async () => ({
      items: Array.from({ length: 1200 }, (_, i) => ({
        id: `d${i}`,
        name: i === 1100 ? 'prod-passwords.txt' : `report-${i}.pdf`,
      })),
      warnings: [],
    }));
    assert.equal(lib.orgSharedDocumentNames?.length, 1000);
    assert.equal(lib.orgSharedDocumentNames?.[0], 'prod-passwords.txt');
    assert.equal(lib.orgSharedDocumentCount, 1200);
    assert.deepEqual(ex.availability.librarySharing, { status: 'available' });
    assert.equal(verdict.status, 'FAIL');
  });

  it('a documents listing that fails makes the feature partial and the library UNKNOWN, never a PASS', async () => {
    const { lib, ex, verdict } = await discover(async () => {
      throw new AppError('UNEXPECTED_RESPONSE', 'HTTP 503 from the documents listing');
    });
    assert.equal(lib.orgSharedDocumentNames, null);
    assert.equal(lib.shares?.length, 1, 'the sharing that was read is kept');
    assert.equal(ex.availability.librarySharing.status, 'available');
    assert.equal(ex.availability.librarySharing.code, 'UNEXPECTED_RESPONSE');
    assert.match(ex.availability.librarySharing.message ?? '', /could not be read for 1 of them/);
    assert.equal(syncStatus(availability(), ex.availability), 'partial');
    assert.equal(verdict.status, 'UNKNOWN');
  });

  it('a library deleted between the listings (404) is not a failure of the feature', async () => {
    const { ex } = await discover(async () => {
      throw new AppError('NOT_FOUND', 'no such library');
    });
    assert.deepEqual(ex.availability.librarySharing, { status: 'available' });
  });
});
