import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { discoverExtras } from './discover-extras.ts';
import { AppError } from '../errors/index.ts';
import { syncStatus } from '../inventory/sync-status.ts';
import type { DataQualityWarning } from '../inventory/types.ts';
import type { MistralConnector } from '../mistral/types.ts';
import { rule as unconfirmedRule } from '../rules/checks/mistral-agent-connector-unconfirmed.ts';
import { rule } from '../rules/checks/mistral-library-sensitive-shared-org.ts';
import { connectorTools } from '../rules/connector-helpers.ts';
import {
  agent,
  availability,
  connectorTool,
  context,
  extraAvailability,
  library,
} from '../rules/testing/fixtures.ts';
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

describe('discoverExtras: connector tools the listing did not give', () => {
  /** A wire connector; `tools` as given (undefined = no field at all). */
  const wire = (id: string, name: string, tools?: unknown) => ({
    id,
    name,
    description: name,
    created_at: '2026-01-01T00:00:00Z',
    modified_at: '2026-01-01T00:00:00Z',
    owner_type: 'system',
    visibility: 'shared_global',
    private_tool_execution: false,
    mistral: true,
    ...(tools === undefined ? {} : { tools }),
  });
  const listedTool = (name: string) => ({ id: `t_${name}`, name, description: name, active: true });

  /** Connectors as listed; `toolsOf` answers GET …/tools (and records which connectors were asked). */
  function fake(
    listed: unknown[],
    toolsOf: (id: string) => Promise<{ items: unknown[]; warnings: DataQualityWarning[] }>,
    credentials: () => Promise<{ items: unknown[]; warnings: unknown[] }> = async () => empty,
  ) {
    const asked: string[] = [];
    const connector = {
      listConnectors: async () => ({ items: listed, warnings: [] }),
      listConnectorCredentials: credentials,
      listConnectorTools: (id: string) => {
        asked.push(id);
        return toolsOf(id);
      },
    } as unknown as MistralConnector;
    return { connector, asked };
  }

  /** An agent that calls notion with no include list and no confirmation. */
  const notionAgent = agent({ tools: [connectorTool('notion')] });

  it('reads GET …/tools only for a connector listed with tools null or without tools, and keeps what it read', async () => {
    const { connector, asked } = fake(
      [
        wire('c_notion', 'notion', null),
        wire('c_crm', 'crm'),
        wire('c_empty', 'empty', []),
        wire('c_github', 'github', [listedTool('search_code')]),
      ],
      async (id) => ({
        items: [{ name: `${id}_search`, description: 'Search', inputSchema: { type: 'object' } }],
        warnings: [],
      }),
    );
    const ex = await discoverExtras({ connector, agents: [notionAgent], libraries: [] });
    assert.deepEqual(asked.sort(), ['c_crm', 'c_notion']);
    const byId = new Map(ex.connectors.map((c) => [c.id, c]));
    assert.deepEqual(byId.get('c_notion')?.tools, [
      { name: 'c_notion_search', description: 'Search', active: null },
    ]);
    assert.deepEqual(byId.get('c_crm')?.tools, [
      { name: 'c_crm_search', description: 'Search', active: null },
    ]);
    assert.deepEqual(byId.get('c_empty')?.tools, [], 'a listed [] is none, not read again');
    assert.deepEqual(byId.get('c_github')?.tools, [
      { name: 'search_code', description: 'search_code', active: true },
    ]);
    assert.deepEqual(ex.availability.connectors, { status: 'available' });
  });

  it('a tools read that fails leaves tools null, makes the feature partial, and the rule says UNKNOWN, never PASS', async () => {
    const { connector } = fake([wire('c_notion', 'notion', null), wire('c_crm', 'crm')], async (id) => {
      if (id === 'c_notion') throw new AppError('UNEXPECTED_RESPONSE', 'HTTP 503 from the tools listing');
      return { items: [], warnings: [] };
    });
    const ex = await discoverExtras({ connector, agents: [notionAgent], libraries: [] });
    const notion = ex.connectors.find((c) => c.id === 'c_notion')!;
    assert.equal(notion.tools, null);
    assert.deepEqual(ex.connectors.find((c) => c.id === 'c_crm')?.tools, [], 'read: none');
    assert.equal(ex.availability.connectors.status, 'available');
    assert.equal(ex.availability.connectors.code, 'UNEXPECTED_RESPONSE');
    assert.match(
      ex.availability.connectors.message ?? '',
      /^Connector tools could not be read for 1 of them/,
    );
    assert.equal(syncStatus(availability(), ex.availability), 'partial');
    const verdict = one(
      unconfirmedRule,
      context({
        agents: [notionAgent],
        connectors: ex.connectors,
        extraAvailability: extraAvailability({ connectors: ex.availability.connectors }),
      }),
    );
    assert.equal(verdict.status, 'UNKNOWN');
  });

  it('credentials and tools both failing: one partial row that says both', async () => {
    const { connector } = fake(
      [wire('c_notion', 'notion', null)],
      async () => {
        throw new AppError('UNEXPECTED_RESPONSE', 'HTTP 502 (tools)');
      },
      async () => {
        throw new AppError('RATE_LIMITED', 'HTTP 429 (credentials)');
      },
    );
    const ex = await discoverExtras({ connector, agents: [], libraries: [] });
    const row = ex.availability.connectors;
    assert.equal(row.status, 'available');
    assert.equal(row.code, 'RATE_LIMITED', 'the first failure class');
    assert.match(row.message ?? '', /Connector credentials could not be read for 1 of them/);
    assert.match(row.message ?? '', /Connector tools could not be read for 1 of them/);
    assert.equal(ex.connectors[0].tools, null);
    assert.equal(ex.connectors[0].credentials, null);
  });

  it("a malformed tool record is kept with a warning naming the connector's tools, so the rules read them as unknown", async () => {
    const warning: DataQualityWarning = {
      resourceType: 'connector',
      resourceId: 'c_notion',
      endpoint: 'GET /v1/connectors/{connector_id_or_name}/tools',
      issue: 'tools (update_page): inputSchema: Invalid input: expected record, received undefined',
    };
    const { connector } = fake([wire('c_notion', 'notion', null)], async () => ({
      items: [{ name: 'update_page' }],
      warnings: [warning],
    }));
    const ex = await discoverExtras({ connector, agents: [notionAgent], libraries: [] });
    const notion = ex.connectors[0];
    assert.deepEqual(notion.tools, [{ name: 'update_page', description: null, active: null }]);
    assert.deepEqual(notion.dataQuality, [warning]);
    assert.equal(connectorTools(notion), null);
  });

  it('an invalid key while reading tools still aborts the sync', async () => {
    const { connector } = fake([wire('c_notion', 'notion', null)], async () => {
      throw new AppError('INVALID_API_KEY', 'revoked');
    });
    await assert.rejects(discoverExtras({ connector, agents: [], libraries: [] }), {
      code: 'INVALID_API_KEY',
    });
  });
});
