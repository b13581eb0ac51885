import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './mistral-integration-connector-credentials-failing.ts';
import {
  connector,
  context,
  credential,
  extraAvailability,
  noExtraAvailability,
} from '../testing/fixtures.ts';
import { one } from '../testing/run.ts';

describe('mistral_integration_connector_credentials_failing', () => {
  it('PASS: every credential valid', () => {
    const r = one(
      rule,
      context({
        extraAvailability: extraAvailability(),
        connectors: [
          connector({ credentials: [credential(), credential({ scope: 'organization', name: 'org' })] }),
        ],
      }),
    );
    assert.equal(r.status, 'PASS');
    assert.equal(r.evidence?.credentials, 2);
  });

  it('FAIL: credentials in error, invalid, or expired (by the API reason), named by connector and scope', () => {
    const r = one(
      rule,
      context({
        extraAvailability: extraAvailability(),
        connectors: [
          connector({
            id: 'conn_gh',
            name: 'github',
            title: null,
            credentials: [
              credential({
                scope: 'organization',
                name: 'gh_org',
                status: 'error',
                errorReason: 'oauth expired',
              }),
              credential({ scope: 'user', name: 'mine' }),
            ],
          }),
          connector({
            id: 'conn_jira',
            name: 'jira',
            title: null,
            credentials: [credential({ scope: 'workspace', name: 'team', status: 'invalid' })],
          }),
          connector({
            id: 'conn_drive',
            name: 'drive',
            title: null,
            credentials: [credential({ status: 'valid', errorReason: 'oauth near expiry' })],
          }),
        ],
      }),
    );
    assert.equal(r.status, 'FAIL');
    const creds = r.evidence?.credentials as Array<{ connector: string; scope: string; problem: string }>;
    assert.deepEqual(
      creds.map((c) => `${c.connector}/${c.scope}/${c.problem}`),
      ['github/organization/oauth expired', 'jira/workspace/invalid', 'drive/user/oauth near expiry'],
    );
  });

  it('UNKNOWN: connectors not read, or some credentials unreadable and none failing', () => {
    assert.equal(one(rule, context({ extraAvailability: noExtraAvailability() })).status, 'UNKNOWN');
    assert.equal(one(rule, context()).status, 'UNKNOWN');
    const r = one(
      rule,
      context({ extraAvailability: extraAvailability(), connectors: [connector({ credentials: null })] }),
    );
    assert.equal(r.status, 'UNKNOWN');
  });
});
