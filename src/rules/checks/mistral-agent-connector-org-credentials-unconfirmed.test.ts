import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './mistral-agent-connector-org-credentials-unconfirmed.ts';
import type { ConnectorRecord } from '../../inventory/connectors.ts';
import {
  agent,
  connector,
  connectorTool,
  connectorTools,
  context,
  credential,
  extraAvailability,
  githubConnector,
  noExtraAvailability,
  notionConnector,
} from '../testing/fixtures.ts';
import { one } from '../testing/run.ts';
import type { WireTool } from '../../shared/mistral-wire.ts';

const orgWide = connector({
  id: 'conn_org',
  name: 'gmail',
  title: 'Gmail',
  credentials: [credential({ scope: 'organization', name: 'gmail_org' })],
});
const perUser = connector({ id: 'conn_user', name: 'notion', title: 'Notion', credentials: [credential()] });

const tool = (id: string, confirm: string[] | null = null): WireTool =>
  connectorTool(id, confirm ? { requires_confirmation: confirm } : null);

const run = (tools: WireTool[], connectors: ConnectorRecord[]) =>
  one(rule, context({ extraAvailability: extraAvailability(), connectors, agents: [agent({ tools })] }));

describe('mistral_agent_connector_org_credentials_unconfirmed', () => {
  it('PASS: org-wide credentials with every state-changing tool confirmed, or per-user credentials without', () => {
    const r = run([tool('gmail', ['send_message']), tool('conn_user')], [orgWide, perUser]);
    assert.equal(r.status, 'PASS');
    const github = run([tool('github', ['create_issue', 'merge_pull_request'])], [githubConnector()]);
    assert.equal(github.status, 'PASS');
  });

  it('PASS: org-wide credentials on a connector whose callable tools only read', () => {
    const readOnly = githubConnector({ tools: connectorTools('search_code', 'get_pull_request') });
    assert.equal(run([tool('github')], [readOnly]).status, 'PASS');
    const included = connectorTool('github', { include: ['search_code'] });
    assert.equal(run([included], [githubConnector()]).status, 'PASS');
  });

  it('FAIL: an organization-wide credential and no requires_confirmation', () => {
    const r = run([tool('conn_org'), tool('notion')], [orgWide, perUser]);
    assert.equal(r.status, 'FAIL');
    assert.deepEqual(r.evidence?.connectorIds, ['conn_org']);
    assert.match(
      r.detail,
      /^Unconfirmed, with organization-wide credentials: "Gmail" can call send_message \(no requires_confirmation\)\./,
    );
  });

  it('FAIL (demo "Research assistant"): github confirms send_message and delete_item, which it does not have', () => {
    const r = run([tool('github', ['send_message', 'delete_item'])], [githubConnector(), notionConnector()]);
    assert.equal(r.status, 'FAIL');
    assert.deepEqual(r.evidence?.connectorIds, ['conn_github']);
    assert.equal(
      r.detail.split('. ')[0],
      'Unconfirmed, with organization-wide credentials: "Github" can call create_issue and merge_pull_request (its requires_confirmation names send_message and delete_item, which the connector does not have)',
    );
    const [c] = r.evidence?.connectorTools as Array<Record<string, unknown>>;
    assert.deepEqual(c.unconfirmed, ['create_issue', 'merge_pull_request']);
    assert.deepEqual(c.unmatchedConfirmations, ['send_message', 'delete_item']);
  });

  it('UNKNOWN: connectors not read; or the connector credentials unreadable', () => {
    const a = one(
      rule,
      context({ extraAvailability: noExtraAvailability(), agents: [agent({ tools: [tool('gmail')] })] }),
    );
    assert.equal(a.status, 'UNKNOWN');
    const b = run([tool('gmail')], [connector({ id: 'c', name: 'gmail', credentials: null })]);
    assert.equal(b.status, 'UNKNOWN');
  });

  it('UNKNOWN, never PASS: org-wide credentials and a confirmation list, but the tool list is unknown', () => {
    const unread = githubConnector({ tools: null as unknown as ConnectorRecord['tools'] });
    const r = run([tool('github', ['merge_pull_request'])], [unread]);
    assert.equal(r.status, 'UNKNOWN');
    assert.match(r.detail, /"Github" \(its tool list was not read\)/);
    // A connector no listed connector matches.
    const gone = run([tool('4b1e0d2a', ['send_message'])], [githubConnector()]);
    assert.equal(gone.status, 'UNKNOWN');
  });
});
