import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './mistral-library-sensitive-shared-org.ts';
import { context, extraAvailability, library, noExtraAvailability } from '../testing/fixtures.ts';
import { one } from '../testing/run.ts';

const owner = { sharedWithType: 'User', sharedWithId: 'u1', role: 'Owner' };
const org = { sharedWithType: 'Org', sharedWithId: 'o1', role: 'Viewer' };

describe('mistral_library_sensitive_shared_org', () => {
  it('PASS: not shared with the organization', () => {
    const r = one(
      rule,
      context({ extraAvailability: extraAvailability(), libraries: [library({ shares: [owner] })] }),
    );
    assert.equal(r.status, 'PASS');
  });

  it('PASS: shared org-wide, but no document looks sensitive', () => {
    const r = one(
      rule,
      context({
        extraAvailability: extraAvailability(),
        libraries: [library({ shares: [owner, org], orgSharedDocumentNames: ['manual_1.pdf', 'faq.md'] })],
      }),
    );
    assert.equal(r.status, 'PASS');
  });

  it('FAIL: shared org-wide with a sensitive-looking document', () => {
    const r = one(
      rule,
      context({
        extraAvailability: extraAvailability(),
        libraries: [
          library({
            shares: [owner, org],
            orgSharedDocumentNames: ['manual.pdf', 'payroll_2026.xlsx', 'id_rsa'],
          }),
        ],
      }),
    );
    assert.equal(r.status, 'FAIL');
    assert.equal(r.evidence?.sensitiveDocuments, 2);
    assert.match(r.detail, /personal data and key material/);
  });

  it('UNKNOWN: sharing not read, unreadable, or org-wide with unlisted documents', () => {
    assert.equal(
      one(rule, context({ extraAvailability: noExtraAvailability(), libraries: [library()] })).status,
      'UNKNOWN',
    );
    assert.equal(one(rule, context({ libraries: [library()] })).status, 'UNKNOWN');
    assert.equal(
      one(rule, context({ extraAvailability: extraAvailability(), libraries: [library({ shares: null })] }))
        .status,
      'UNKNOWN',
    );
    assert.equal(
      one(
        rule,
        context({
          extraAvailability: extraAvailability(),
          libraries: [library({ shares: [org], orgSharedDocumentNames: null })],
        }),
      ).status,
      'UNKNOWN',
    );
  });
  it('a PASS counts every listed document; an older snapshot cut at 1,000 names is UNKNOWN', () => {
    const names = Array.from({ length: 1000 }, (_, i) => `report-${i}.pdf`);
    const counted = one(
      rule,
      context({
        extraAvailability: extraAvailability(),
        libraries: [library({ shares: [org], orgSharedDocumentNames: names, orgSharedDocumentCount: 1200 })],
      }),
    );
    assert.equal(counted.status, 'PASS');
    assert.match(counted.detail, /none of its 1,?200 documents/);
    const older = one(
      rule,
      context({
        extraAvailability: extraAvailability(),
        libraries: [library({ shares: [org], orgSharedDocumentNames: names })],
      }),
    );
    assert.equal(older.status, 'UNKNOWN');
    assert.match(older.detail, /first 1,?000/);
  });
});
