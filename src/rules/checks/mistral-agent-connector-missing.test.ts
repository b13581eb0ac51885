import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './mistral-agent-connector-missing.ts';
import { agent, connector, context, extraAvailability, noExtraAvailability } from '../testing/fixtures.ts';
import { one } from '../testing/run.ts';
import type { WireTool } from '../../shared/mistral-wire.ts';

const uses = (...ids: string[]): WireTool[] =>
  ids.map((id) => ({ type: 'connector', connector_id: id }) as WireTool);

describe('mistral_agent_connector_missing', () => {
  it('PASS: every connector tool resolves, by id or by name', () => {
    const r = one(
      rule,
      context({
        extraAvailability: extraAvailability(),
        connectors: [connector({ id: 'conn_1', name: 'gmail' })],
        agents: [agent({ tools: uses('conn_1', 'gmail') })],
      }),
    );
    assert.equal(r.status, 'PASS');
  });

  it('PASS: no connector tool (connector data not needed)', () => {
    const r = one(
      rule,
      context({ extraAvailability: noExtraAvailability(), agents: [agent({ tools: [] })] }),
    );
    assert.equal(r.status, 'PASS');
  });

  it('FAIL: a connector tool names a connector that is not in the workspace', () => {
    const r = one(
      rule,
      context({
        extraAvailability: extraAvailability(),
        connectors: [connector({ id: 'conn_1', name: 'gmail' })],
        agents: [agent({ tools: uses('gmail', '6f0c7a52-deleted') })],
      }),
    );
    assert.equal(r.status, 'FAIL');
    assert.deepEqual(r.evidence?.missingConnectorIds, ['6f0c7a52-deleted']);
  });

  it('UNKNOWN: connectors not read, with a connector tool', () => {
    const r = one(
      rule,
      context({ extraAvailability: noExtraAvailability(), agents: [agent({ tools: uses('gmail') })] }),
    );
    assert.equal(r.status, 'UNKNOWN');
    assert.equal(one(rule, context({ agents: [agent({ tools: uses('gmail') })] })).status, 'UNKNOWN');
  });
});
