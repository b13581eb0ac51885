import { describe, expect, it } from 'vitest';
import {
  collectSection,
  connectorFlags,
  credentialCountsText,
  formatCost,
  keyExpiry,
  lastUsedText,
  metricColumns,
  monthLabel,
  sectionNotice,
  type ApiKey,
  type SectionAvailability,
  type SectionPage,
} from './model';
import { connector } from './fixtures';

const section = (over: Partial<SectionAvailability> = {}): SectionAvailability => ({
  feature: 'adminApiKeys',
  status: 'available',
  message: null,
  remediation: null,
  code: null,
  ...over,
});

function key(over: Partial<ApiKey> = {}): ApiKey {
  return {
    id: 'k1',
    name: 'prod',
    hiddenKey: 'abcd...wxyz',
    workspaceId: null,
    workspaceName: null,
    product: 'API',
    createdBy: null,
    createdAt: null,
    expiresOn: '2027-01-01',
    lastUsedOn: '2026-11-01',
    canDelete: true,
    isIntegrationKey: false,
    neverExpires: false,
    expired: false,
    daysToExpiry: 200,
    daysSinceLastUse: 29,
    ...over,
  };
}

describe('sectionNotice', () => {
  it('is null for a read section', () => {
    expect(sectionNotice(section())).toBeNull();
  });
  it('says "Not available: message — remediation" for an unread one', () => {
    expect(
      sectionNotice(
        section({ status: 'unavailable', message: 'No admin key.', remediation: 'Add an admin API key.' }),
      ),
    ).toBe('Not available: No admin key. — Add an admin API key.');
  });
  it('says it is not known before any sync, and never stays silent without a message', () => {
    expect(sectionNotice(section({ status: null }))).toMatch(/^Not known yet: no finished sync/);
    expect(sectionNotice(section({ status: 'error' }))).toMatch(/^Not available: the last sync could not/);
  });
});

describe('connectorFlags', () => {
  it('flags nothing on a public HTTPS server with valid credentials', () => {
    expect(connectorFlags(connector())).toEqual([]);
  });
  it('flags plain HTTP, a private address, a credential in the URL and failing credentials', () => {
    const labels = connectorFlags(
      connector({
        insecureTransport: true,
        nonPublicServer: true,
        serverHadCredentials: true,
        serverScheme: 'http',
        credentials: [
          {
            scope: 'workspace',
            name: 'jira',
            title: null,
            authType: 'oauth2',
            status: 'invalid',
            lastCheckedAt: null,
            errorHttpCode: 401,
            errorReason: 'oauth expired',
            isDefault: true,
          },
        ],
      }),
    ).map((f) => f.label);
    expect(labels).toEqual(['not HTTPS', 'non-public server', 'credential in URL', 'credentials failing: 1']);
  });
  it('says unknown credentials rather than none', () => {
    expect(connectorFlags(connector({ credentials: null })).map((f) => f.label)).toEqual([
      'credentials unknown',
    ]);
    expect(
      credentialCountsText(connector({ credentialCounts: { organization: 2, workspace: null, user: 0 } })),
    ).toBe('2 organization · ? workspace · 0 user');
  });
});

describe('keys', () => {
  it('tells expiry and last use', () => {
    expect(keyExpiry(key({ neverExpires: true, expiresOn: null, daysToExpiry: null })).label).toBe(
      'never expires',
    );
    expect(keyExpiry(key({ expired: true })).label).toBe('expired');
    expect(keyExpiry(key({ daysToExpiry: 1 })).label).toBe('in 1 day');
    expect(keyExpiry(key()).label).toBe('2027-01-01');
    expect(lastUsedText(key({ lastUsedOn: null, daysSinceLastUse: null }))).toBe('never');
    expect(lastUsedText(key())).toBe('29 days ago (2026-11-01)');
  });
});

describe('usage', () => {
  it('formats costs, never showing unknown as 0', () => {
    expect(formatCost(null, 'EUR')).toBe('unknown');
    expect(formatCost(4.5, 'EUR')).toBe('€4.50');
    expect(formatCost(4.5, 'credits')).toBe('4.50 credits');
  });
  it('names months and orders token metrics first', () => {
    expect(monthLabel({ year: 2026, month: 11 })).toBe('November 2026');
    expect(
      metricColumns({
        year: 2026,
        month: 11,
        currency: null,
        startDate: null,
        endDate: null,
        totalCost: null,
        byModel: [
          { model: 'a', products: [], metrics: { pages: 1, output_tokens: 2 }, cost: null },
          { model: 'b', products: [], metrics: { input_tokens: 3 }, cost: null },
        ],
      }),
    ).toEqual(['input_tokens', 'output_tokens', 'pages']);
  });
});

describe('collectSection', () => {
  it('reads every page and keeps the availability of the first', async () => {
    const pages: Record<string, SectionPage<number>> = {
      first: { items: [1, 2], nextCursor: 'b', availability: section(), takenAt: 't', syncRunId: 'r' },
      b: { items: [3], nextCursor: null, availability: section(), takenAt: 't', syncRunId: 'r' },
    };
    const s = await collectSection(async (cursor) => pages[cursor ?? 'first']);
    expect(s.items).toEqual([1, 2, 3]);
    expect(s.availability.status).toBe('available');
  });
  it('stops on a repeated cursor', async () => {
    await expect(
      collectSection(async () => ({
        items: [1],
        nextCursor: 'same',
        availability: section(),
        takenAt: null,
        syncRunId: null,
      })),
    ).rejects.toThrow(/same page/);
  });
});
