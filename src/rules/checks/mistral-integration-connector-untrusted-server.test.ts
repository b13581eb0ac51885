import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './mistral-integration-connector-untrusted-server.ts';
import { cleanServerUrl } from '../../inventory/connectors.ts';
import { connector, context, extraAvailability, noExtraAvailability } from '../testing/fixtures.ts';
import { one } from '../testing/run.ts';

function custom(name: string, server: string) {
  const s = cleanServerUrl(server);
  return connector({
    id: `conn_${name}`,
    name,
    title: null,
    builtIn: false,
    server: s.server,
    serverHadCredentials: s.hadCredentials,
    serverScheme: s.scheme,
    serverHost: s.host,
    serverExposure: s.exposure,
  });
}

describe('mistral_integration_connector_untrusted_server', () => {
  it('PASS: custom connectors on public HTTPS hosts; built-in connectors are not judged', () => {
    const r = one(
      rule,
      context({
        extraAvailability: extraAvailability(),
        connectors: [connector({ serverScheme: 'http' }), custom('crm', 'https://mcp.crm.example.com/mcp')],
      }),
    );
    assert.equal(r.status, 'PASS');
    assert.equal(r.evidence?.customConnectors, 1);
  });

  it('PASS: no custom connector at all', () => {
    const r = one(rule, context({ extraAvailability: extraAvailability(), connectors: [connector()] }));
    assert.equal(r.status, 'PASS');
    assert.equal(r.detail, 'The workspace has no custom connector.');
  });

  it('FAIL: plain HTTP, a private address, localhost, and a user:password@ URL are each flagged', () => {
    const r = one(
      rule,
      context({
        extraAvailability: extraAvailability(),
        connectors: [
          custom('ok', 'https://mcp.ok.example.com'),
          custom('clear', 'http://mcp.clear.example.com/mcp'),
          custom('intranet', 'https://10.1.2.3:8443/mcp'),
          custom('local', 'https://localhost:9000'),
          custom('creds', 'https://deploy:hunter2@mcp.deploy.example.com/sse'),
        ],
      }),
    );
    assert.equal(r.status, 'FAIL');
    const flagged = r.evidence?.connectors as Array<{ name: string; server: string; problems: string[] }>;
    assert.deepEqual(
      flagged.map((f) => f.name),
      ['clear', 'intranet', 'local', 'creds'],
    );
    assert.deepEqual(flagged[0].problems, ['http, not HTTPS']);
    assert.deepEqual(flagged[3].problems, ['a credential in its URL']);
    // The credential itself is gone from everything the rule reports.
    assert.ok(!JSON.stringify(r).includes('hunter2'));
    assert.equal(flagged[3].server, 'https://mcp.deploy.example.com/sse');
  });

  it('UNKNOWN: connectors not read (no beta access, or a snapshot from before connectors)', () => {
    const a = one(rule, context({ extraAvailability: noExtraAvailability(), connectors: [] }));
    assert.equal(a.status, 'UNKNOWN');
    assert.match(a.detail, /unavailable/);
    const b = one(rule, context());
    assert.equal(b.status, 'UNKNOWN');
    assert.match(b.detail, /not read/);
  });

  it('UNKNOWN: a server that is not a URL cannot be judged (never PASS)', () => {
    const r = one(
      rule,
      context({ extraAvailability: extraAvailability(), connectors: [custom('odd', 'not a url at all')] }),
    );
    assert.equal(r.status, 'UNKNOWN');
  });
});

describe('cleanServerUrl', () => {
  it('strips user:password@ and credential-named query parameters, saying one was there', () => {
    const a = cleanServerUrl('https://u:p%40ss@host.example.com/x?token=abc&page=2');
    assert.equal(a.server, 'https://host.example.com/x?token=%5BREDACTED%5D&page=2');
    assert.equal(a.hadCredentials, true);
    const b = cleanServerUrl('user:secret@host.example.com/mcp');
    assert.equal(b.hadCredentials, true);
    assert.ok(!String(b.server).includes('secret'));
    const c = cleanServerUrl('https://host.example.com/mcp');
    assert.equal(c.hadCredentials, false);
    assert.equal(c.exposure, 'public');
  });

  it('tells private hosts from public ones', () => {
    for (const h of [
      'http://127.0.0.1',
      'http://192.168.1.2',
      'http://172.20.0.1',
      'http://[::1]:80',
      'http://[fd00::1]',
      'http://db.internal',
      'http://intranet',
    ])
      assert.equal(cleanServerUrl(h).exposure, 'private', h);
    for (const h of ['https://8.8.8.8', 'https://172.32.0.1', 'https://mcp.example.com'])
      assert.equal(cleanServerUrl(h).exposure, 'public', h);
  });
});
