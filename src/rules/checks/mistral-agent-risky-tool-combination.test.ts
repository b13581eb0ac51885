import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './mistral-agent-risky-tool-combination.ts';
import type { WireTool } from '../../shared/mistral-wire.ts';
import type { ConnectorRecord } from '../../inventory/connectors.ts';
import type { AgentRecord, ExtraAvailability } from '../../inventory/types.ts';
import {
  UNGUARDED,
  agent,
  connector,
  connectorTool,
  connectorTools,
  context,
  extraAvailability,
  githubConnector,
  guarded,
  noExtraAvailability,
  notionConnector,
  policy,
} from '../testing/fixtures.ts';
import { one } from '../testing/run.ts';

const web: WireTool = { type: 'web_search_premium' };
const search: WireTool = { type: 'web_search' };
const lib: WireTool = { type: 'document_library', library_ids: ['lib_1'] };
const fn: WireTool = { type: 'function', function: { name: 'send_refund', parameters: {} } };
const lookup: WireTool = { type: 'function', function: { name: 'lookup_order', parameters: {} } };
const code: WireTool = { type: 'code_interpreter' };
const confirmedCode: WireTool = {
  type: 'code_interpreter',
  tool_configuration: { requires_confirmation: ['code_interpreter'] },
};
const gmail = connector({
  id: 'conn_gmail',
  name: 'gmail',
  title: 'Gmail',
  tools: connectorTools('search_messages', 'read_message', 'send_message'),
});
const crm = connector({
  id: 'conn_crm',
  name: 'crm_tools',
  title: null,
  builtIn: false,
  tools: connectorTools('query', 'update_record'),
});

const run = (
  a: Partial<AgentRecord>,
  connectors: ConnectorRecord[] = [githubConnector(), notionConnector(), gmail, crm],
  extras: ExtraAvailability = extraAvailability(),
) => one(rule, context({ extraAvailability: extras, connectors, agents: [agent(a)] }));

describe('mistral_agent_risky_tool_combination', () => {
  it('PASS: no untrusted input, or untrusted input with nothing to act or leak', () => {
    assert.equal(run({ tools: [web], ...UNGUARDED }).status, 'PASS');
    // A function whose name says it reads.
    assert.equal(run({ tools: [web, lookup], ...UNGUARDED }).status, 'PASS');
    // Private data and actions, but nothing brings untrusted content in (crm_tools is no reader).
    const r = run({ tools: [lib, code, connectorTool('crm_tools')], ...UNGUARDED });
    assert.equal(r.status, 'PASS');
    assert.match(r.detail, /reads no untrusted content/);
  });

  it('PASS: untrusted input, but every state-changing tool requires confirmation and no way out is open', () => {
    const r = run({
      tools: [web, connectorTool('notion', { requires_confirmation: ['update_page'] }), confirmedCode],
      ...UNGUARDED,
    });
    assert.equal(r.status, 'PASS');
    assert.match(r.detail, /every state-changing tool it can call requires confirmation/);
    // A mailbox reader next to private data, every action confirmed, no web search.
    const mail = run({ tools: [connectorTool('gmail', { requires_confirmation: ['send_message'] }), lib] });
    assert.equal(mail.status, 'PASS');
    // Web search next to private data, but the web search asks first.
    const asked: WireTool = {
      type: 'web_search',
      tool_configuration: { requires_confirmation: ['web_search'] },
    };
    assert.equal(run({ tools: [asked, lib], ...UNGUARDED }).status, 'PASS');
  });

  it('FAIL: a blocking guardrail no longer clears web input with an unconfirmed action', () => {
    const r = run({ tools: [web, fn], ...guarded([policy()]) });
    assert.equal(r.status, 'FAIL');
    assert.equal(r.evidence?.guardrail, 'blocking');
    assert.match(r.detail, /can drive actions no person confirms: function send_refund/);
    assert.match(r.detail, /Mistral guardrails screen the user's input only/);
  });

  it('FAIL (demo "Legal reviewer"): web search and notion, update_page unconfirmed, behind a blocking guardrail', () => {
    const r = run({
      tools: [search, connectorTool('notion', { requires_confirmation: ['send_message', 'delete_item'] })],
      ...guarded([policy()]),
    });
    assert.equal(r.status, 'FAIL');
    assert.deepEqual(r.evidence?.untrustedInput, ['web_search', 'connector notion']);
    assert.deepEqual(r.evidence?.unconfirmedActions, ['connector notion (update_page)']);
  });

  it('FAIL (demo "Research assistant"): github reads issues and code, and can merge unconfirmed', () => {
    const r = run({
      tools: [
        connectorTool('github', { requires_confirmation: ['send_message', 'delete_item'] }),
        { ...lib, tool_configuration: { requires_confirmation: ['document_library'] } },
        confirmedCode,
      ],
      ...guarded([policy()]),
    });
    assert.equal(r.status, 'FAIL');
    assert.equal(
      r.detail.split('. ')[0],
      'Untrusted content (connector github) can drive actions no person confirms: connector github (create_issue and merge_pull_request)',
    );
  });

  it('FAIL: a mailbox connector that can send unconfirmed is the whole combination by itself', () => {
    const r = run({ tools: [connectorTool('gmail')], ...guarded([policy()]) });
    assert.equal(r.status, 'FAIL');
    assert.deepEqual(r.evidence?.unconfirmedActions, ['connector gmail (send_message)']);
  });

  it('FAIL: web search with private data, the web search itself unconfirmed (demo "Sales copilot")', () => {
    const asked: WireTool = {
      type: 'web_search_premium',
      tool_configuration: { requires_confirmation: ['web_search_premium'] },
    };
    const r = run({ tools: [asked, lib, search], ...guarded([policy({ action: 'none', blocks: false })]) });
    assert.equal(r.status, 'FAIL');
    assert.equal(
      r.detail,
      'Untrusted content (web_search_premium and web_search) meets private data (document_library), and web_search runs without confirmation: injected text can have it send that data out.',
    );
    assert.equal(r.evidence?.guardrail, 'not blocking');
  });

  it('FAIL: web search with a function and a library, no guardrail', () => {
    const r = run({ tools: [web, fn, lib], ...UNGUARDED });
    assert.equal(r.status, 'FAIL');
    assert.equal(r.evidence?.guardrail, 'none');
    assert.deepEqual(r.evidence?.actions, ['function send_refund']);
    assert.deepEqual(r.evidence?.sensitiveData, ['document_library']);
  });

  it('UNKNOWN, never PASS: a connector whose tools are unknown, or that cannot be identified', () => {
    // Connectors not read: notion is a reader by its id, but what it can do unconfirmed is unknown.
    const a = run(
      { tools: [search, connectorTool('notion', { requires_confirmation: ['update_page'] })] },
      [],
      noExtraAvailability(),
    );
    assert.equal(a.status, 'UNKNOWN');
    assert.match(a.detail, /meets actions whose confirmation is unknown/);
    // A connector no listed connector matches, next to an unconfirmed code interpreter.
    const b = run({ tools: [connectorTool('7c0ffee1'), code] });
    assert.equal(b.status, 'UNKNOWN');
    assert.match(
      b.detail,
      /^Possibly untrusted content \(TrustLens could not identify connector 7c0ffee1\) can drive actions no person confirms: code_interpreter\./,
    );
    // The connector is listed, but not its tools.
    const unread = notionConnector({ tools: null as unknown as ConnectorRecord['tools'] });
    assert.equal(run({ tools: [search, connectorTool('notion')] }, [unread]).status, 'UNKNOWN');
  });

  it('UNKNOWN: tools flagged malformed, or an unreadable policy on a would-be PASS', () => {
    const a = agent({
      tools: [],
      dataQuality: [
        {
          resourceType: 'agent',
          resourceId: 'ag_0001',
          endpoint: '/v1/agents',
          issue: 'tools: expected array, received null',
        },
      ],
    });
    assert.equal(one(rule, context({ agents: [a] })).status, 'UNKNOWN');
    // A policy in an unknown format, flagged by the SDK: it decides nothing any more, but is in the
    // evidence, so a would-be PASS stays UNKNOWN (as in rule-helpers.test.ts).
    const unreadable = guarded([policy({ format: 'unknown', blocks: false, action: null })]);
    const flagged = [
      {
        resourceType: 'agent' as const,
        resourceId: 'ag_0001',
        endpoint: '/v1/agents',
        issue: 'guardrails[0]: unrecognised moderation config',
      },
    ];
    const b = run({ tools: [web], ...unreadable, dataQuality: flagged });
    assert.equal(b.status, 'UNKNOWN');
    assert.equal(b.evidence?.guardrail, 'unreadable');
    // An unreadable policy does not hide a proven combination: guardrails do not decide it.
    const c = run({ tools: [web, lib], ...unreadable, dataQuality: flagged });
    assert.equal(c.status, 'FAIL');
    assert.equal(c.evidence?.guardrail, 'unreadable');
  });

  it('a malformed tool does not hide a combination proven by the readable tools', () => {
    const warning = {
      resourceType: 'agent' as const,
      resourceId: 'ag_0001',
      endpoint: '/v1/agents',
      issue: 'tools[2]: tool type "mcp" is unknown to the SDK or its fields are invalid (kept raw)',
    };
    const a = agent({ tools: [web, fn], ...UNGUARDED, dataQuality: [warning] });
    assert.equal(one(rule, context({ agents: [a] })).status, 'FAIL');
  });
});
