/**
 * cleanServerUrl: no credential of a connector's server URL is ever kept — user:password@ parts (also
 * in URLs that do not parse, scheme-relative ones and passwords holding a "/"), credential-named query
 * values, fragments, and the whole query of a URL that cannot be taken apart.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanServerUrl } from './connectors.ts';

const SECRETS = ['abc123', 'pw', 'pa/ss', 's3cr3t'];

test('credentials never survive, in any shape of URL', () => {
  const cases: Array<[string, string | null, boolean]> = [
    ['https://ok.example.com/mcp', 'https://ok.example.com/mcp', false],
    ['https://user:s3cr3t@ok.example.com/mcp', 'https://ok.example.com/mcp', true],
    [
      'https://ok.example.com/mcp?api_key=s3cr3t&x=2',
      'https://ok.example.com/mcp?api_key=%5BREDACTED%5D&x=2',
      true,
    ],
    ['https://h.example.com/mcp#access_token=abc123', 'https://h.example.com/mcp', true],
    ['mcp.example.com/sse?token=abc123', 'mcp.example.com/sse', true],
    ['ftp://h/x?password=abc123', 'ftp://h/x', true],
    ['//user:pw@host/x', '//host/x', true],
    ['https://user:pa/ss@host/mcp', 'https://host/mcp', true],
    ['https://h.example.com/users/@me', 'https://h.example.com/users/@me', false],
  ];
  for (const [raw, server, had] of cases) {
    const c = cleanServerUrl(raw);
    assert.equal(c.server, server, raw);
    assert.equal(c.hadCredentials, had, raw);
    for (const s of SECRETS)
      if (raw.includes(s)) assert.ok(!JSON.stringify(c).includes(s), `${raw} keeps ${s}`);
  }
});
