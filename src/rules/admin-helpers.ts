/**
 * What the rules on the admin inventory (issue 11, "With an optional admin key") share: whether a
 * section was read at this sync (and why not), "now" as the snapshot's time, dates as sent by the
 * Admin API, and how a key, a member or an invite is named in a sentence and in evidence (never a
 * key value: only the masked form Mistral shows). Pure functions only.
 *
 * These rules judge the whole organization in one result on the integration, listing the keys,
 * members or invites concerned in their evidence: findings of type `integration` are reconciled
 * against the integration alone (src/findings/resource-coverage.ts), so a finding per key would be
 * resolved as "resource deleted" at every sync that could not read the keys.
 */
import type { RuleResult } from '../findings/types.ts';
import type { AdminFeatureKey, AdminInventory, ApiKeyRecord } from '../inventory/admin.ts';
import type { Snapshot } from '../inventory/types.ts';
import { integrationResource } from './connector-helpers.ts';
import { DAY_MS, listWords } from './rule-helpers.ts';

/** At most this many records are listed in a result's evidence (the total is always given). */
export const MAX_LISTED = 50;
/** At most this many are named in a result's detail sentence. */
const MAX_NAMED = 5;

/** Which availability row says whether each admin section was read. */
const FEATURE_OF = {
  apiKeys: 'adminApiKeys',
  members: 'adminMembers',
  invites: 'adminMembers',
} as const satisfies Partial<Record<keyof AdminInventory, AdminFeatureKey>>;

type ListSection = keyof typeof FEATURE_OF;

const SECTION_WORDS: Record<ListSection, string> = {
  apiKeys: "organization's API keys",
  members: "organization's members",
  invites: "organization's pending invites",
};

export type SectionRead<T> =
  | {
      read: true;
      records: T[];
      /** Records of the section left out of the inventory (no usable id): unseen, so no PASS. */
      leftOut: number;
    }
  | { read: false; results: RuleResult[] };

/** The data-quality resource type of each section's records. */
const RESOURCE_OF = { apiKeys: 'apiKey', members: 'member', invites: 'invite' } as const;

/** How many records of a section were left out (one `leftOut` warning each; 0 in older snapshots). */
export function leftOutCount(snapshot: Snapshot, section: ListSection): number {
  return (snapshot.dataQuality ?? []).filter(
    (w) => w.leftOut === true && w.resourceType === RESOURCE_OF[section],
  ).length;
}

/**
 * The records of an admin section when it was read at this sync; otherwise the rule's results
 * without them:
 *  - no admin key configured (the admin key is optional): no result at all — the rule does not
 *    apply, as a rule on a resource type the workspace lacks; the availability matrix says the
 *    feature is not read and how to add the key. An ordinary-key scan is thus the same as before
 *    the admin rules existed (no UNKNOWN findings, no change to the risk score), and removing an
 *    admin key resolves the rule's open finding as "no longer evaluated", never as passed;
 *  - read refused or failed, or a snapshot from before the admin API: one UNKNOWN result on the
 *    integration saying why and what the verdict lacks (never a PASS without data).
 */
export function adminSection<S extends ListSection>(
  snapshot: Snapshot,
  ruleId: string,
  section: S,
  unknownWhat: string,
): SectionRead<NonNullable<AdminInventory[S]>[number]> {
  const feature = FEATURE_OF[section];
  const row = snapshot.extraAvailability?.[feature];
  const records = snapshot.admin?.[section] ?? null;
  if (row?.status === 'available' && records !== null) {
    return {
      read: true,
      records: records as NonNullable<AdminInventory[S]>[number][],
      leftOut: leftOutCount(snapshot, section),
    };
  }
  if (row?.code === 'ADMIN_KEY_NOT_CONFIGURED') return { read: false, results: [] };
  const reason = notReadReason(snapshot, feature);
  return {
    read: false,
    results: [
      {
        ruleId,
        status: 'UNKNOWN',
        resourceType: 'integration',
        ...integrationResource(snapshot),
        detail: `The ${SECTION_WORDS[section]} were not read (${reason}), so ${unknownWhat} is unknown.`,
        evidence: {
          feature,
          availability: row?.status ?? 'not read',
          ...(row?.code ? { code: row.code } : {}),
          ...(row?.remediation ? { remediation: row.remediation } : {}),
        },
      },
    ],
  };
}

/** UserRole letters Mistral sends: admin, member, billing. */
const ROLE_LETTERS = new Set(['A', 'M', 'B']);

/**
 * Why the organization's admins cannot be told from the members read, or null when they can:
 *  - the roles were not read at this sync (the adminMembers row carries a code) and a member holds a
 *    role that is neither a UserRole letter nor counted as admin: a role id whose name is unknown,
 *    which may well be an admin role;
 *  - member records were dropped (a data-quality warning on a member not among those kept): an
 *    admin may be among them;
 *  - no admin at all among the members: the admin key itself belongs to an admin, so zero means the
 *    admins could not be told, never that there is none.
 * A FAIL on the admins that were told stays a FAIL; a PASS becomes UNKNOWN with this reason.
 */
export function adminsUntold(snapshot: Snapshot): string | null {
  const members = snapshot.admin?.members;
  if (!members) return 'the members were not read';
  const row = snapshot.extraAvailability?.adminMembers;
  if (row?.code) {
    const unresolved = members.filter((m) => !m.isAdmin && m.roles.some((r) => !ROLE_LETTERS.has(r)));
    if (unresolved.length > 0) {
      return `the organization's roles were not read, so the roles of ${unresolved.length} member${unresolved.length === 1 ? '' : 's'} held by role id could not be named`;
    }
  }
  const kept = new Set(members.map((m) => m.id));
  // Snapshots since records left out are counted say so exactly; older ones are judged by the
  // warnings on members not kept.
  const dropped =
    leftOutCount(snapshot, 'members') ||
    (snapshot.dataQuality ?? []).filter(
      (w) => w.resourceType === 'member' && (w.resourceId === null || !kept.has(w.resourceId)),
    ).length;
  if (dropped > 0) {
    return `${dropped} member record${dropped === 1 ? ' was' : 's were'} malformed and dropped, and may include admins`;
  }
  if (!members.some((m) => m.isAdmin)) {
    return 'no member was recognised as an admin, yet the admin key belongs to one';
  }
  return null;
}

/** Why an admin feature was not read, for a detail sentence. */
export function notReadReason(snapshot: Snapshot, feature: AdminFeatureKey): string {
  const row = snapshot.extraAvailability?.[feature];
  if (row === undefined) return 'the snapshot predates the admin API or no admin key was considered';
  if (row.code === 'ADMIN_KEY_NOT_CONFIGURED') return 'no admin key configured';
  if (row.status === 'available') return 'it is missing from the snapshot';
  const message = row.message?.trim().replace(/\.$/, '');
  return message ? `${row.status}: ${message}` : row.status;
}

/** The snapshot's time ("now" for these rules: never the wall clock), else the context's. */
export function snapshotNow(snapshot: Snapshot, fallback: Date): Date {
  const t = Date.parse(snapshot.takenAt);
  return Number.isNaN(t) ? fallback : new Date(t);
}

/** Milliseconds of a date (YYYY-MM-DD, start of that day UTC) or a date-time; null when it does not parse. */
export function timeOf(value: string | null): number | null {
  if (value === null) return null;
  const s = value.trim();
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00.000Z` : s);
  return Number.isNaN(t) ? null : t;
}

/** Whole days from `value` to `now` (negative when in the future); null when it does not parse. */
export function daysAgo(value: string | null, now: Date): number | null {
  const t = timeOf(value);
  return t === null ? null : Math.floor((now.getTime() - t) / DAY_MS);
}

/**
 * Whole days from today (UTC) to an expiry date: 0 = expires today, negative = already expired.
 * null when the date does not parse.
 */
export function daysUntilDate(value: string | null, now: Date): number | null {
  const t = timeOf(value);
  if (t === null) return null;
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const day = new Date(t);
  return Math.round((Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate()) - today) / DAY_MS);
}

/** Whether an API key has expired at `now` (its expiry day is over); false when it never expires. */
export function keyExpired(key: ApiKeyRecord, now: Date): boolean {
  const days = daysUntilDate(key.expiresOn, now);
  return days !== null && days < 0;
}

/**
 * Whether a data-quality warning on the record names one of the fields (record or wire name): its
 * value may have been lost, so a verdict relying on it is UNKNOWN.
 */
export function fieldFlagged(
  record: { dataQuality?: readonly { issue: string }[] },
  fields: readonly string[],
): boolean {
  return (record.dataQuality ?? []).some((w) => fields.some((f) => w.issue.includes(f)));
}

/**
 * A key in a sentence: its name (or id) and masked form, e.g. `"CI deploy" (HQSx...Ug6Y)`, with an
 * optional note inside the brackets (`"CI deploy" (HQSx...Ug6Y, last used 2026-02-01)`).
 */
export function keyLabel(k: ApiKeyRecord, note?: string): string {
  return `"${k.name ?? k.id}" (${k.hiddenKey}${note ? `, ${note}` : ''})`;
}

/** A key in evidence: everything but a value (hiddenKey is the masked form Mistral shows). */
export function keyEvidence(k: ApiKeyRecord, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: k.id,
    name: k.name,
    hiddenKey: k.hiddenKey,
    workspace: k.workspaceName ?? k.workspaceId,
    product: k.product,
    createdBy: k.createdBy,
    createdAt: k.createdAt,
    expiresOn: k.expiresOn,
    lastUsedOn: k.lastUsedOn,
    ...(k.isIntegrationKey === true ? { isIntegrationKey: true } : {}),
    ...extra,
  };
}

/** A person in a sentence: email, else name, else id. */
export function personLabel(p: { id: string; email: string | null; name?: string | null }): string {
  return p.email ?? p.name ?? p.id;
}

/** The first few labels, then how many more ("a, b, c and 4 more"). */
export function namedList(labels: readonly string[]): string {
  if (labels.length <= MAX_NAMED) return listWords(labels);
  return `${labels.slice(0, MAX_NAMED).join(', ')} and ${labels.length - MAX_NAMED} more`;
}

/** At most MAX_LISTED items for evidence. */
export function listed<T>(items: readonly T[]): T[] {
  return items.slice(0, MAX_LISTED);
}

/** The integration-level fields of a result. */
export function adminBase(
  snapshot: Snapshot,
  ruleId: string,
): Pick<RuleResult, 'ruleId' | 'resourceType' | 'resourceId' | 'resourceName'> {
  return { ruleId, resourceType: 'integration', ...integrationResource(snapshot) };
}

/** One record's verdict inside an organization-wide result. */
export interface Judged {
  status: 'FAIL' | 'UNKNOWN' | 'PASS';
  /** How the record is named in the detail sentence. */
  label: string;
  /** What evidence lists for it (no value of a key, ever). */
  evidence: Record<string, unknown>;
}

export interface ListWords {
  /** "API key" — pluralised with an s. */
  noun: string;
  /** The FAIL sentence, given the named list and the count: "3 API keys never expire: …". */
  fail: (named: string, n: number) => string;
  /** Why a record could not be judged (appended to the UNKNOWN sentence). */
  unknown: string;
  /** The PASS sentence, given the number of records judged. */
  pass: (n: number) => string;
}

/**
 * One result from per-record verdicts: FAIL when any record fails (those that could not be judged
 * are counted beside), UNKNOWN when none fails but some could not be judged, else PASS.
 */
export function listResult(
  base: Pick<RuleResult, 'ruleId' | 'resourceType' | 'resourceId' | 'resourceName'>,
  judged: readonly Judged[],
  words: ListWords,
  extraEvidence: Record<string, unknown> = {},
  leftOut = 0,
): RuleResult {
  const failing = judged.filter((j) => j.status === 'FAIL');
  const unknowns = judged.filter((j) => j.status === 'UNKNOWN');
  const nouns = (n: number) => `${n} ${words.noun}${n === 1 ? '' : 's'}`;
  // Records left out (no usable id) could not be judged at all: a FAIL stays, a PASS becomes UNKNOWN.
  if (leftOut > 0) {
    extraEvidence = { ...extraEvidence, leftOut };
    const unseen = `${nouns(leftOut)} ${leftOut === 1 ? 'was' : 'were'} malformed and left out (no usable id)`;
    if (failing.length === 0) {
      return {
        ...base,
        status: 'UNKNOWN',
        detail: `None of the ${nouns(judged.length - unknowns.length)} judged fails, but ${unseen}${unknowns.length > 0 ? `, and ${nouns(unknowns.length)} could not be judged (${words.unknown})` : ''}.`,
        evidence: {
          judged: judged.length,
          ...(unknowns.length > 0
            ? { unjudged: listed(unknowns.map((j) => j.evidence)), unjudgedCount: unknowns.length }
            : {}),
          ...extraEvidence,
        },
      };
    }
  }
  const evidence = (list: readonly Judged[], key: string) => ({
    [key]: listed(list.map((j) => j.evidence)),
    [`${key}Count`]: list.length,
  });
  if (failing.length > 0) {
    const also =
      (unknowns.length > 0 ? ` ${nouns(unknowns.length)} more could not be judged (${words.unknown}).` : '') +
      (leftOut > 0
        ? ` ${nouns(leftOut)} more ${leftOut === 1 ? 'was' : 'were'} malformed and left out.`
        : '');
    return {
      ...base,
      status: 'FAIL',
      detail: `${words.fail(namedList(failing.map((j) => j.label)), failing.length)}${also}`,
      evidence: {
        judged: judged.length,
        ...evidence(failing, 'failing'),
        ...(unknowns.length > 0 ? evidence(unknowns, 'unjudged') : {}),
        ...extraEvidence,
      },
    };
  }
  if (unknowns.length > 0) {
    return {
      ...base,
      status: 'UNKNOWN',
      detail: `None of the ${nouns(judged.length - unknowns.length)} judged fails, but ${nouns(unknowns.length)} could not be judged (${words.unknown}): ${namedList(unknowns.map((j) => j.label))}.`,
      evidence: { judged: judged.length, ...evidence(unknowns, 'unjudged'), ...extraEvidence },
    };
  }
  return {
    ...base,
    status: 'PASS',
    detail: words.pass(judged.length),
    evidence: { judged: judged.length, ...extraEvidence },
  };
}
