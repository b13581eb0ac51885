import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './mistral-agent-connector-unconfirmed.ts';
import type { WireTool } from '../../shared/mistral-wire.ts';
import type { ConnectorRecord } from '../../inventory/connectors.ts';
import type { ExtraAvailability } from '../../inventory/types.ts';
import {
  agent,
  connector,
  connectorTool,
  connectorTools,
  context,
  extraAvailability,
  githubConnector,
  noExtraAvailability,
  notionConnector,
} from '../testing/fixtures.ts';
import { one } from '../testing/run.ts';

/** Connectors read (or as given), these connectors listed, one agent with these tools. */
const run = (
  t: WireTool[],
  connectors: ConnectorRecord[] = [githubConnector(), notionConnector()],
  extras: ExtraAvailability = extraAvailability(),
) => one(rule, context({ extraAvailability: extras, connectors, agents: [agent({ tools: t })] }));

const drive = connector({
  id: 'conn_drive',
  name: 'google_drive',
  title: 'Google Drive',
  tools: connectorTools('search_files', 'read_file'),
});

describe('mistral_agent_connector_unconfirmed', () => {
  it('PASS: no action tool', () => {
    const r = run([{ type: 'web_search' }, { type: 'function', function: { name: 'f', parameters: {} } }]);
    assert.equal(r.status, 'PASS');
    assert.equal(r.evidence?.actionTools, 0);
  });

  it("PASS: every state-changing tool of the connector is confirmed, by the connector's own names", () => {
    const r = run([
      connectorTool('github', { requires_confirmation: ['create_issue', 'merge_pull_request'] }),
    ]);
    assert.equal(r.status, 'PASS');
    assert.match(r.detail, /connector github confirms create_issue and merge_pull_request/);
    const [c] = r.evidence?.connectors as Array<Record<string, unknown>>;
    assert.deepEqual(c.callableTools, ['search_code', 'create_issue', 'merge_pull_request']);
    assert.deepEqual(c.stateChanging, ['create_issue', 'merge_pull_request']);
    assert.deepEqual(c.unconfirmed, []);
  });

  it('PASS: only read-only tools can be called (a read-only connector, or include/exclude leave only those)', () => {
    assert.equal(run([connectorTool('google_drive')], [drive]).status, 'PASS');
    assert.match(run([connectorTool('google_drive')], [drive]).detail, /only read-only tools/);
    assert.equal(run([connectorTool('github', { include: ['search_code'] })]).status, 'PASS');
    assert.equal(
      run([connectorTool('github', { exclude: ['create_issue', 'merge_pull_request'] })]).status,
      'PASS',
    );
    // A connector that lists no tools: the agent can call none of them.
    const empty = connector({ id: 'conn_empty', name: 'empty', tools: [] });
    const r = run([connectorTool('empty')], [empty]);
    assert.equal(r.status, 'PASS');
    assert.match(r.detail, /can call none of its tools/);
  });

  it("PASS: connectors not read, but include bounds what the agent can call and it's all confirmed", () => {
    const r = run(
      [connectorTool('crm', { include: ['delete_record'], requires_confirmation: ['delete_record'] })],
      [],
      noExtraAvailability(),
    );
    assert.equal(r.status, 'PASS');
  });

  it('FAIL (demo "Research assistant"): github confirms send_message and delete_item, which it does not have', () => {
    const r = run([connectorTool('github', { requires_confirmation: ['send_message', 'delete_item'] })]);
    assert.equal(r.status, 'FAIL');
    assert.deepEqual(r.evidence?.problems, [
      'connector github can call create_issue and merge_pull_request without confirmation (its requires_confirmation names send_message and delete_item, which the connector does not have)',
    ]);
    const [c] = r.evidence?.connectors as Array<Record<string, unknown>>;
    assert.deepEqual(c.unmatchedConfirmations, ['send_message', 'delete_item']);
    assert.match(r.detail, /Tools are judged by name/);
  });

  it('FAIL (demo "Legal reviewer"): notion can call update_page unconfirmed', () => {
    const r = run([connectorTool('notion', { requires_confirmation: ['send_message', 'delete_item'] })]);
    assert.equal(r.status, 'FAIL');
    assert.match(
      r.detail,
      /^Unconfirmed actions: connector notion can call update_page \(its requires_confirmation names send_message and delete_item, which the connector does not have\)\./,
    );
  });

  it('FAIL: one state-changing tool left out of confirmation, no requires_confirmation, code interpreter', () => {
    const r = run([
      connectorTool('github', { requires_confirmation: ['create_issue'] }),
      connectorTool('notion'),
      { type: 'code_interpreter', tool_configuration: { requires_confirmation: [] } },
    ]);
    assert.equal(r.status, 'FAIL');
    assert.deepEqual(r.evidence?.problems, [
      'connector github can call merge_pull_request without confirmation',
      'connector notion can call update_page without confirmation (no requires_confirmation)',
      'code_interpreter has no requires_confirmation',
    ]);
  });

  it('FAIL: connectors not read, but the include list names a state-changing tool left unconfirmed', () => {
    const r = run(
      [
        connectorTool('crm', {
          include: ['read_record', 'delete_record'],
          requires_confirmation: ['read_record'],
        }),
      ],
      [],
      noExtraAvailability(),
    );
    assert.equal(r.status, 'FAIL');
    assert.deepEqual(r.evidence?.problems, [
      'connector crm can call delete_record without confirmation (tools as listed in include)',
    ]);
  });

  it('FAIL: a proven FAIL stays a FAIL next to a connector that cannot be judged', () => {
    const r = run([connectorTool('notion'), connectorTool('gone', { requires_confirmation: ['x'] })]);
    assert.equal(r.status, 'FAIL');
    assert.equal((r.evidence?.unjudged as string[]).length, 1);
  });

  it('UNKNOWN, never PASS: a non-empty requires_confirmation when the connector tools are not known', () => {
    const confirming = connectorTool('github', { requires_confirmation: ['send_message'] });
    // Connector discovery not available.
    const a = run([confirming], [], noExtraAvailability());
    assert.equal(a.status, 'UNKNOWN');
    assert.match(a.detail, /connector discovery was unavailable/);
    // No listed connector has that id or name.
    const b = run([connectorTool('3f2a9c1e', { requires_confirmation: ['send_message'] })]);
    assert.equal(b.status, 'UNKNOWN');
    assert.match(b.detail, /no connector listed has the id or name "3f2a9c1e"/);
    // The connector is listed, but its tool list is unknown (null) or flagged as malformed.
    const unread = githubConnector({ tools: null as unknown as ConnectorRecord['tools'] });
    const c = run([confirming], [unread]);
    assert.equal(c.status, 'UNKNOWN');
    assert.match(c.detail, /its tool list was not read/);
    const flagged = githubConnector({
      dataQuality: [
        {
          resourceType: 'connector',
          resourceId: 'conn_github',
          endpoint: '/v1/connectors',
          issue: 'tools: expected array',
        },
      ],
    });
    assert.equal(run([confirming], [flagged]).status, 'UNKNOWN');
  });

  it('UNKNOWN: tools flagged malformed', () => {
    const a = agent({
      dataQuality: [
        {
          resourceType: 'agent',
          resourceId: 'ag_0001',
          endpoint: '/v1/agents',
          issue: 'tools: expected array',
        },
      ],
    });
    assert.equal(one(rule, context({ agents: [a] })).status, 'UNKNOWN');
  });
});
