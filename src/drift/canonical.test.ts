import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { WireTool } from '../shared/mistral-wire.ts';
import {
  canonicalJson,
  displayName,
  normalizeTools,
  redactTool,
  summarizeInstructions,
} from './canonical.ts';

describe('canonical helpers', () => {
  it('canonicalJson ignores key order, not array order', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [2, 1], c: null } }), '{"a":{"c":null,"d":[2,1]},"b":1}');
    assert.notEqual(canonicalJson([1, 2]), canonicalJson([2, 1]));
  });

  it('redacts connector authorization values and credential-named strings only', () => {
    const tool = {
      type: 'connector',
      connector_id: 'crm',
      authorization: { type: 'oauth2-token', value: 'tok_live_123' },
      tool_configuration: { requires_confirmation: ['send'] },
      extra: { api_key: 'k-1', client_secret: 's-1', tokens: 3, name: 'visible' },
    } as unknown as WireTool;
    assert.deepEqual(redactTool(tool), {
      type: 'connector',
      connector_id: 'crm',
      authorization: { type: 'oauth2-token', value: '[REDACTED]' },
      tool_configuration: { requires_confirmation: ['send'] },
      extra: { api_key: '[REDACTED]', client_secret: '[REDACTED]', tokens: 3, name: 'visible' },
    });
    // A function's JSON schema with a "password" property (an object) is kept.
    const fn = {
      type: 'function',
      function: { name: 'login', parameters: { properties: { password: { type: 'string' } } } },
    } as WireTool;
    assert.deepEqual(redactTool(fn), fn);
  });

  it('normalizeTools sorts tools canonically', () => {
    const a: WireTool[] = [{ type: 'web_search' }, { type: 'code_interpreter' }];
    assert.deepEqual(normalizeTools(a), normalizeTools([...a].reverse()));
  });

  it('summarizeInstructions gives length and a 12-hex sha256 prefix', () => {
    // sha256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
    assert.deepEqual(summarizeInstructions('abc'), { length: 3, sha256: 'ba7816bf8f01' });
    assert.equal(summarizeInstructions(null), null);
  });

  it('displayName is one bounded line with a fallback', () => {
    assert.equal(displayName('a\r\nb\tc', 'id'), 'a b c');
    assert.equal(displayName('  ', 'ag_1'), 'ag_1');
    assert.equal(displayName(null, 'ag_1'), 'ag_1');
    assert.equal(displayName('x'.repeat(100), 'id').length, 80);
  });
});
