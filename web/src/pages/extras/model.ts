/**
 * Pure logic of the Connectors and Organization pages (issue 11): what an unread section says, what a
 * connector is flagged for, how keys, members and costs read, and every page of a section list.
 */
import type { Schemas } from '../../api/client';
import type { ApiPage } from '../inventory/pages';
import { TooManyPagesError } from '../inventory/pages';

export type SectionAvailability = Schemas['SectionAvailability'];
export type Connector = Schemas['Connector'];
export type ApiKey = Schemas['OrganizationApiKey'];
export type Member = Schemas['OrganizationMember'];
export type Invite = Schemas['OrganizationInvite'];
export type Organization = Schemas['OrganizationInventory'];
export type UsageMonth = Schemas['OrganizationUsageMonth'];
export type ExtraFeatureRow = Schemas['ExtraFeatureAvailability'];

/**
 * What to say instead of a section that was not read: "Not available: <message> — <remediation>"
 * (status unavailable or error), "Not known yet: …" (no sync has said); null when it was read.
 */
export function sectionNotice(a: SectionAvailability): string | null {
  if (a.status === 'available') return null;
  const head = a.status === null ? 'Not known yet' : 'Not available';
  const message =
    a.message ??
    (a.status === null ? 'no finished sync has read it yet.' : 'the last sync could not read it.');
  return a.remediation ? `${head}: ${message} — ${a.remediation}` : `${head}: ${message}`;
}

export interface Flag {
  label: string;
  color: string;
  /** Why, for the tooltip. */
  reason: string;
}

/** What a connector deserves attention for (custom server over HTTP, on a private address, …). */
export function connectorFlags(c: Connector): Flag[] {
  const flags: Flag[] = [];
  if (c.insecureTransport === true)
    flags.push({
      label: 'not HTTPS',
      color: 'red',
      reason: `Its server is reached over ${c.serverScheme ?? 'an unencrypted scheme'}: requests and credentials travel in clear text.`,
    });
  if (c.nonPublicServer === true)
    flags.push({
      label: 'non-public server',
      color: 'orange',
      reason:
        'Its server is on a loopback, private or intranet address: Mistral reaches into a private network, or the address is wrong.',
    });
  if (c.serverHadCredentials)
    flags.push({
      label: 'credential in URL',
      color: 'red',
      reason:
        'Its server URL carried a credential (user:password@ or a secret parameter); TrustLens removed it. Rotate that credential.',
    });
  const failing = (c.credentials ?? []).filter((x) => x.status === 'invalid' || x.status === 'error');
  if (failing.length > 0)
    flags.push({
      label: `credentials failing: ${failing.length}`,
      color: 'yellow',
      reason: failing.map((x) => `${x.scope}/${x.name}: ${x.errorReason ?? x.status}`).join('; '),
    });
  if (c.credentials === null)
    flags.push({ label: 'credentials unknown', color: 'gray', reason: 'Its credentials could not be read.' });
  return flags;
}

/** "2 organization · 1 workspace · 5 user", unknown scopes as "?". */
export function credentialCountsText(c: Connector): string {
  const parts = (['organization', 'workspace', 'user'] as const).map((scope) => {
    const n = c.credentialCounts[scope];
    return `${n === null ? '?' : n} ${scope}`;
  });
  return parts.join(' · ');
}

export type KeyState = { label: string; color: string };

/** A key's expiry as a badge: never expires, expired, expires in N days. */
export function keyExpiry(k: ApiKey): KeyState {
  if (k.neverExpires) return { label: 'never expires', color: 'orange' };
  if (k.expired) return { label: 'expired', color: 'red' };
  if (k.daysToExpiry !== null && k.daysToExpiry <= 30)
    return { label: `in ${k.daysToExpiry} day${k.daysToExpiry === 1 ? '' : 's'}`, color: 'yellow' };
  return { label: k.expiresOn ?? 'unknown', color: 'gray' };
}

/** "never", "today", "12 days ago". */
export function lastUsedText(k: ApiKey): string {
  if (k.lastUsedOn === null || k.daysSinceLastUse === null) return 'never';
  if (k.daysSinceLastUse <= 0) return 'today';
  return `${k.daysSinceLastUse} day${k.daysSinceLastUse === 1 ? '' : 's'} ago (${k.lastUsedOn})`;
}

/** A cost with its currency; null is "unknown" (never 0). */
export function formatCost(cost: number | null | undefined, currency: string | null | undefined): string {
  if (cost === null || cost === undefined || !Number.isFinite(cost)) return 'unknown';
  const c = currency && /^[A-Z]{3}$/.test(currency) ? currency : null;
  if (c) {
    try {
      return new Intl.NumberFormat('en', {
        style: 'currency',
        currency: c,
        maximumFractionDigits: 2,
      }).format(cost);
    } catch {
      // an ISO-looking code Intl does not know: fall through
    }
  }
  return `${cost.toFixed(2)}${currency ? ` ${currency}` : ''}`;
}

/** "November 2026". */
export function monthLabel(m: Pick<UsageMonth, 'year' | 'month'>): string {
  const d = new Date(Date.UTC(m.year, m.month - 1, 1));
  return d.toLocaleDateString('en', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/** The metrics of a month's rows, token metrics first, then alphabetically. */
export function metricColumns(month: UsageMonth): string[] {
  const set = new Set<string>();
  for (const r of month.byModel) for (const k of Object.keys(r.metrics)) set.add(k);
  const order = (m: string) => (m === 'input_tokens' ? 0 : m === 'output_tokens' ? 1 : 2);
  return [...set].sort((a, b) => order(a) - order(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** "input_tokens" → "input tokens". */
export const metricLabel = (m: string) => m.replace(/_/g, ' ');

export interface SectionPage<T> extends ApiPage<T> {
  availability: SectionAvailability;
  takenAt: string | null;
  syncRunId: string | null;
}

export interface Section<T> {
  items: T[];
  availability: SectionAvailability;
  takenAt: string | null;
}

/** Every page of a section list; the availability and snapshot time of the first page. */
export async function collectSection<T>(
  fetchPage: (cursor: string | undefined) => Promise<SectionPage<T>>,
  maxPages = 200,
): Promise<Section<T>> {
  const first = await fetchPage(undefined);
  const items = [...first.items];
  const seen = new Set<string>();
  let cursor = first.nextCursor;
  for (let n = 1; cursor !== null; n++) {
    if (n >= maxPages) throw new TooManyPagesError(maxPages);
    if (seen.has(cursor)) throw new Error('The server returned the same page twice.');
    seen.add(cursor);
    const page = await fetchPage(cursor);
    items.push(...page.items);
    cursor = page.nextCursor;
  }
  return { items, availability: first.availability, takenAt: first.takenAt };
}

/** Where a connector's page is. */
export function connectorPath(integrationId: string, connectorId: string): string {
  return `/integrations/${encodeURIComponent(integrationId)}/connectors/${encodeURIComponent(connectorId)}`;
}
