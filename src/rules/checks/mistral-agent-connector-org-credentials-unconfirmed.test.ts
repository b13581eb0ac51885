import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './mistral-agent-connector-org-credentials-unconfirmed.ts';
import {
  agent,
  connector,
  context,
  credential,
  extraAvailability,
  noExtraAvailability,
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
  ({
    type: 'connector',
    connector_id: id,
    ...(confirm ? { tool_configuration: { requires_confirmation: confirm } } : {}),
  }) as WireTool;

describe('mistral_agent_connector_org_credentials_unconfirmed', () => {
  it('PASS: org-wide credentials with confirmation, or per-user credentials without', () => {
    const r = one(
      rule,
      context({
        extraAvailability: extraAvailability(),
        connectors: [orgWide, perUser],
        agents: [agent({ tools: [tool('gmail', ['send_message']), tool('conn_user')] })],
      }),
    );
    assert.equal(r.status, 'PASS');
  });

  it('FAIL: an organization-wide credential and no requires_confirmation', () => {
    const r = one(
      rule,
      context({
        extraAvailability: extraAvailability(),
        connectors: [orgWide, perUser],
        agents: [agent({ tools: [tool('conn_org'), tool('notion')] })],
      }),
    );
    assert.equal(r.status, 'FAIL');
    assert.deepEqual(r.evidence?.connectorIds, ['conn_org']);
    assert.match(r.detail, /"Gmail"/);
  });

  it('UNKNOWN: connectors not read; or the connector credentials unreadable', () => {
    const a = one(
      rule,
      context({ extraAvailability: noExtraAvailability(), agents: [agent({ tools: [tool('gmail')] })] }),
    );
    assert.equal(a.status, 'UNKNOWN');
    const b = one(
      rule,
      context({
        extraAvailability: extraAvailability(),
        connectors: [connector({ id: 'c', name: 'gmail', credentials: null })],
        agents: [agent({ tools: [tool('gmail')] })],
      }),
    );
    assert.equal(b.status, 'UNKNOWN');
  });
});
