import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ConnectorRecord } from '../inventory/connectors.ts';
import {
  changesState,
  connectorTools as toolsOf,
  connectorUses,
  judgeConnectorConfirmation,
  nameWords,
} from './connector-helpers.ts';
import {
  agent,
  connector,
  connectorTool,
  connectorTools,
  githubConnector,
  noExtraAvailability,
  extraAvailability,
  snapshot,
} from './testing/fixtures.ts';
import type { WireToolConfiguration } from '../shared/mistral-wire.ts';

describe('changesState (tool names)', () => {
  it('read-only only when the name starts with a read-only verb and holds no state-changing one', () => {
    for (const name of [
      'search_code',
      'read_file',
      'list_users',
      'getPullRequest',
      'fetch-page',
      'lookup_order',
    ])
      assert.equal(changesState(name), false, name);
    for (const name of [
      'merge_pull_request',
      'create_issue',
      'update_page',
      'send_message',
      'delete_item',
      'get_or_create_user',
      'search_and_replace',
      'query', // SQL may write: not known to be read-only
      'issue',
      'run',
      'pin_view_page', // the read-only verb is not in front
      'mcp_list_files', // nor here: mcp is not the connector's name
    ])
      assert.equal(changesState(name), true, name);
  });

  it('a state-changing word in noun position does not make a read-only tool change state', () => {
    for (const name of [
      'get_commit',
      'list_commit_statuses',
      'get_merge_request',
      'list_merge_requests',
      'get_deploy_keys',
      'get_sync_status',
      'get_import_status',
      'get_archive',
      'get_trigger',
      'search_payments',
    ])
      assert.equal(changesState(name), false, name);
    for (const name of ['get_or_create_user', 'read_then_delete', 'list_and_archive_issues'])
      assert.equal(changesState(name), true, name);
  });

  it("skips a leading word that is the connector's own name", () => {
    assert.equal(changesState('notion_search_pages', ['notion']), false);
    assert.equal(changesState('notion_update_page', ['notion']), true);
    assert.equal(changesState('google_drive_read_file', ['google', 'drive']), false);
  });

  it('nameWords splits snake, kebab and camel case', () => {
    assert.deepEqual(nameWords('mergePullRequest'), ['merge', 'pull', 'request']);
    assert.deepEqual(nameWords('Google Drive'), ['google', 'drive']);
  });
});

describe('connectorTools', () => {
  it('null when the tool list is absent, null or flagged; [] stays "no tools"', () => {
    assert.equal(toolsOf(githubConnector({ tools: null as unknown as ConnectorRecord['tools'] })), null);
    assert.deepEqual(toolsOf(githubConnector({ tools: [] })), []);
    const flagged = githubConnector({
      dataQuality: [
        {
          resourceType: 'connector',
          resourceId: 'conn_github',
          endpoint: '/v1/connectors',
          issue: 'tools: bad',
        },
      ],
    });
    assert.equal(toolsOf(flagged), null);
  });
});

describe('judgeConnectorConfirmation', () => {
  const judge = (
    config: WireToolConfiguration | null,
    c: ConnectorRecord[] = [githubConnector()],
    read = true,
  ) => {
    const a = agent({ tools: [connectorTool('github', config)] });
    const s = snapshot({
      agents: [a],
      connectors: c,
      extraAvailability: read ? extraAvailability() : noExtraAvailability(),
    });
    return judgeConnectorConfirmation(connectorUses(a, c)[0], s);
  };

  it('include and exclude narrow what the agent can call; an empty include restricts nothing', () => {
    assert.deepEqual(judge({ include: ['search_code', 'create_issue'] }).callableTools, [
      'search_code',
      'create_issue',
    ]);
    assert.deepEqual(judge({ exclude: ['merge_pull_request'] }).unconfirmed, ['create_issue']);
    assert.deepEqual(judge({ include: [] }).callableTools, [
      'search_code',
      'create_issue',
      'merge_pull_request',
    ]);
  });

  it('confirmations naming tools the connector lacks are reported, and do not confirm anything', () => {
    const j = judge({ requires_confirmation: ['send_message', 'create_issue'] });
    assert.equal(j.status, 'unconfirmed');
    assert.deepEqual(j.unconfirmed, ['merge_pull_request']);
    assert.deepEqual(j.unmatchedConfirmations, ['send_message']);
  });

  it('unknown when the tools are unknown and include does not bound them', () => {
    assert.equal(judge({ requires_confirmation: ['create_issue'] }, [], false).status, 'unknown');
    const bounded = judge({ include: ['search_code'] }, [], false);
    assert.equal(bounded.status, 'confirmed');
    assert.equal(bounded.callableFrom, 'include');
    const noTools = githubConnector({ tools: null as unknown as ConnectorRecord['tools'] });
    assert.equal(
      judge({ requires_confirmation: ['create_issue'] }, [noTools]).unknownReason,
      'its tool list was not read',
    );
    assert.equal(
      judge(null, [connector({ id: 'x', name: 'other', tools: connectorTools('send') })]).status,
      'unknown',
    );
  });
});
