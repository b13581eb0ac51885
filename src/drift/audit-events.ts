/**
 * The admin audit log in change tracking (issue 11, "With an optional admin key"). Pure: the same
 * snapshots and entries always give the same events.
 *
 * - Attribution: a change event on an agent (or a library's creation or deletion) is attributed to the
 *   person or key of the audit entry with the matching event type (agent.update, agent.create,
 *   agent.delete, library.create, library.delete) on the same resource, recorded in the window
 *   (previous snapshot's takenAt, this snapshot's takenAt]. Entries come from both snapshots (an entry
 *   read by the previous sync may still fall in the window). Several candidates: the latest, with
 *   `candidates` > 1 and the summary says "probably by". No candidate: no attribution, summary unchanged.
 * - Security events: audit entries of security-relevant actions become change events of their own
 *   (SECURITY_EVENT_TYPES), at the entry's time, attributed to the entry, on the library for a library
 *   share and on the integration for the rest (the entry's target is kept in `target`).
 *
 * Audit text (actor, target names) comes from the workspace: it goes through displayName (one line, no
 * control or bidi characters, at most 80 characters) before it reaches a summary.
 */
import type { AuditEntryRecord } from '../inventory/admin.ts';
import type { Snapshot } from '../inventory/types.ts';
import type {
  ChangeAttribution,
  ChangeEvent,
  ChangeEventType,
  FindingResourceType,
} from '../findings/types.ts';
import { displayName } from './canonical.ts';

/** Change event types raised from the audit log, in the order events of one entry time are listed. */
export const SECURITY_EVENT_TYPES = [
  'training_enabled',
  'public_sharing_enabled',
  'sso_disabled',
  'api_key_created',
  'api_key_rotated',
  'api_key_deleted',
  'connector_credentials_changed',
  'library_shared',
  // Added later; a type is never renamed or removed (alert rules, API filters and stored events use them).
  'role_changed',
  'domain_authentication_disabled',
  'resource_shared',
  'location_sharing_enabled',
] as const satisfies readonly ChangeEventType[];
export type SecurityEventType = (typeof SECURITY_EVENT_TYPES)[number];

export function isSecurityEventType(type: string): type is SecurityEventType {
  return (SECURITY_EVENT_TYPES as readonly string[]).includes(type);
}

interface SecurityRule {
  type: SecurityEventType;
  /**
   * The sentence, given the target's quoted name (or null), "by … at …" and the entry (for what its
   * event metadata names: the member whose role changed, a domain).
   */
  summary: (target: string | null, by: string, entry: AuditEntryRecord) => string;
  /** 'library' puts the event on the library the entry names; otherwise on the integration. */
  on: 'library' | 'integration';
}

/** `API key "ci"` or `An API key` (at the start of a sentence). */
const named = (label: string, article: string, target: string | null) =>
  target ? `${label[0].toUpperCase()}${label.slice(1)} ${target}` : `${article} ${label}`;

/** The first non-empty value of these event metadata keys, quoted and made safe; null when none. */
function quotedDetail(entry: AuditEntryRecord, keys: readonly string[]): string | null {
  for (const k of keys) {
    const v = entry.details?.[k];
    if (typeof v === 'string' && v.trim()) return `"${displayName(v, '?')}"`;
  }
  return null;
}

/**
 * The person whose role changed: an email in the event metadata, else the target when it is a user,
 * else a name or id in the metadata.
 */
function memberOf(entry: AuditEntryRecord, target: string | null): string | null {
  return (
    quotedDetail(entry, ['email', 'user_email', 'member_email']) ??
    (entry.targetType === 'USER' ? target : null) ??
    quotedDetail(entry, ['user_name', 'member_name', 'user_uuid', 'user_id', 'member_id'])
  );
}

/** The email domain an organization setting is about, when the event metadata names it. */
const domainOf = (entry: AuditEntryRecord) => quotedDetail(entry, ['domain', 'domain_name', 'email_domain']);

/** What a `resource.share` entry shared, from its target type (TargetType of the OpenAPI document). */
const SHARED_KINDS: Readonly<Record<string, string>> = {
  AGENT: 'agent',
  SKILL: 'skill',
  PROMPT: 'prompt',
  KNOWLEDGE_BASE: 'knowledge base',
  LIBRARY: 'library',
  LIBRARY_DOCUMENT: 'library document',
  DATASET: 'dataset',
  CUSTOM_VOICE: 'custom voice',
  INTEGRATION: 'connector',
};

/**
 * Audit event types (AuditLogEventType of schemas/mistral-openapi-2026-08-13/openapi.yaml) that raise
 * a security event.
 */
export const SECURITY_AUDIT_EVENTS: Readonly<Record<string, SecurityRule>> = {
  'la_plateforme.training.enabled': {
    type: 'training_enabled',
    on: 'integration',
    summary: (_t, by) => `Training on La Plateforme data was enabled ${by}`,
  },
  'le_chat.data.training_enabled': {
    type: 'training_enabled',
    on: 'integration',
    summary: (_t, by) => `Training on Le Chat data was enabled ${by}`,
  },
  'le_chat.conversation.public_sharing.enabled': {
    type: 'public_sharing_enabled',
    on: 'integration',
    // The target is a conversation, or the organization (a setting: its name is not a conversation's).
    summary: (t, by, e) =>
      e.targetType === 'ORGANIZATION'
        ? `Public sharing of Le Chat conversations was enabled for the organization ${by}`
        : t
          ? `Public sharing of Le Chat conversation ${t} was enabled ${by}`
          : `Public sharing of a Le Chat conversation was enabled ${by}`,
  },
  'organization.saml_authentication.disable': {
    type: 'sso_disabled',
    on: 'integration',
    summary: (_t, by) => `SAML single sign-on was disabled for the organization ${by}`,
  },
  'api_key.create': {
    type: 'api_key_created',
    on: 'integration',
    summary: (t, by) => `${named('API key', 'An', t)} was created ${by}`,
  },
  'admin_api_key.created': {
    type: 'api_key_created',
    on: 'integration',
    summary: (t, by) => `${named('admin API key', 'An', t)} was created ${by}`,
  },
  'api_key.rotate': {
    type: 'api_key_rotated',
    on: 'integration',
    summary: (t, by) => `${named('API key', 'An', t)} was rotated ${by}`,
  },
  'api_key.delete': {
    type: 'api_key_deleted',
    on: 'integration',
    summary: (t, by) => `${named('API key', 'An', t)} was deleted ${by}`,
  },
  'admin_api_key.delete': {
    type: 'api_key_deleted',
    on: 'integration',
    summary: (t, by) => `${named('admin API key', 'An', t)} was deleted ${by}`,
  },
  'integration.credentials.created_or_updated': {
    type: 'connector_credentials_changed',
    on: 'integration',
    summary: (t, by) =>
      t
        ? `Credentials of connector ${t} were created or updated ${by}`
        : `Connector credentials were created or updated ${by}`,
  },
  'library.share': {
    type: 'library_shared',
    on: 'library',
    summary: (t, by) => `${named('library', 'A', t)} was shared ${by}`,
  },
  'user.organization.role.update': {
    type: 'role_changed',
    on: 'integration',
    summary: (t, by, e) => {
      const who = memberOf(e, t);
      return `Organization role of ${who ? `user ${who}` : 'a user'} was changed ${by}`;
    },
  },
  'workspace.member.role.update': {
    type: 'role_changed',
    on: 'integration',
    summary: (t, by, e) => {
      const who = memberOf(e, t);
      const ws = e.targetType === 'WORKSPACE' ? t : quotedDetail(e, ['workspace_name']);
      return `Workspace role of ${who ? `member ${who}` : 'a member'}${ws ? ` in workspace ${ws}` : ''} was changed ${by}`;
    },
  },
  'service_account.roles.set': {
    type: 'role_changed',
    on: 'integration',
    summary: (t, by, e) => {
      const account =
        (e.targetType === 'SERVICE_ACCOUNT' ? t : null) ??
        quotedDetail(e, ['service_account_name', 'service_account_id']);
      return `Roles of ${account ? `service account ${account}` : 'a service account'} were set ${by}`;
    },
  },
  'organization.domain_verification.disable': {
    type: 'domain_authentication_disabled',
    on: 'integration',
    summary: (_t, by, e) => {
      const domain = domainOf(e);
      return `Domain verification${domain ? ` of ${domain}` : ''} was disabled for the organization ${by}`;
    },
  },
  'organization.email_domain_authentication.disable': {
    type: 'domain_authentication_disabled',
    on: 'integration',
    summary: (_t, by, e) => {
      const domain = domainOf(e);
      return `Email domain authentication${domain ? ` for ${domain}` : ''} was disabled for the organization ${by}`;
    },
  },
  'integration.shared': {
    type: 'resource_shared',
    on: 'integration',
    summary: (t, by) => `${named('connector', 'A', t)} was shared ${by}`,
  },
  'skill.share': {
    type: 'resource_shared',
    on: 'integration',
    summary: (t, by) => `${named('skill', 'A', t)} was shared ${by}`,
  },
  'resource.share': {
    type: 'resource_shared',
    on: 'integration',
    summary: (t, by, e) => {
      const kind = Object.hasOwn(SHARED_KINDS, e.targetType) ? SHARED_KINDS[e.targetType] : 'resource';
      return `${named(kind, /^[aeiou]/.test(kind) ? 'An' : 'A', t)} was shared ${by}`;
    },
  },
  'le_chat.localisation_sharing.enabled': {
    type: 'location_sharing_enabled',
    on: 'integration',
    summary: (t, by, e) => {
      const scope =
        t && e.targetType === 'WORKSPACE'
          ? ` for workspace ${t}`
          : t && e.targetType === 'USER'
            ? ` for user ${t}`
            : '';
      return `Location sharing in Le Chat was enabled${scope} ${by}`;
    },
  },
};

// ---------------------------------------------------------------------------------------------
// Attribution

/** Audit event types that made each kind of change, per resource type. */
function auditTypesFor(event: ChangeEvent): readonly string[] {
  if (event.resourceType === 'agent') {
    switch (event.type) {
      case 'resource_created':
        return ['agent.create'];
      case 'resource_deleted':
        return ['agent.delete'];
      case 'agent_changed':
      case 'guardrails_removed':
      case 'guardrails_weakened':
      case 'alias_moved':
        return ['agent.update'];
      default:
        return [];
    }
  }
  if (event.resourceType === 'library') {
    if (event.type === 'resource_created') return ['library.create'];
    if (event.type === 'resource_deleted') return ['library.delete'];
  }
  return [];
}

/** Where an entry may name the resource's id: the target first, then event metadata keys seen in use. */
const ID_KEYS = ['agent_id', 'agent_uuid', 'library_id', 'resource_id', 'target_id', 'id', 'uuid'];
const NAME_KEYS = ['agent_name', 'library_name', 'resource_name', 'target_name', 'name'];

function idsOf(entry: AuditEntryRecord): string[] {
  const ids = entry.targetId ? [entry.targetId] : [];
  for (const k of ID_KEYS) {
    const v = entry.details?.[k];
    if (typeof v === 'string' && v) ids.push(v);
  }
  return ids;
}

function namesOf(entry: AuditEntryRecord): string[] {
  const names = entry.targetName ? [entry.targetName] : [];
  for (const k of NAME_KEYS) {
    const v = entry.details?.[k];
    if (typeof v === 'string' && v) names.push(v);
  }
  return names;
}

/** The entry is about this resource: by id; by name only when the entry carries no id at all. */
function concerns(entry: AuditEntryRecord, resourceId: string, resourceName: string | null): boolean {
  const ids = idsOf(entry);
  if (ids.length > 0) return ids.includes(resourceId);
  return resourceName !== null && namesOf(entry).includes(resourceName);
}

const time = (iso: string) => {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
};

/** Latest first: by time, then by log id (numeric when both are numbers). */
function compareEntries(a: AuditEntryRecord, b: AuditEntryRecord): number {
  const d = (time(b.at) ?? 0) - (time(a.at) ?? 0);
  if (d !== 0) return d;
  const na = Number(a.id);
  const nb = Number(b.id);
  if (Number.isFinite(na) && Number.isFinite(nb) && na !== nb) return nb - na;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** The audit entries both snapshots read, each once (by log id). */
export function auditEntriesOf(...snapshots: ReadonlyArray<Snapshot | null>): AuditEntryRecord[] {
  const seen = new Map<string, AuditEntryRecord>();
  for (const s of snapshots) {
    for (const e of s?.admin?.auditLog?.entries ?? []) if (!seen.has(e.id)) seen.set(e.id, e);
  }
  return [...seen.values()];
}

export interface AttributionWindow {
  /** Exclusive; null = no lower bound. */
  after: string | null;
  /** Inclusive. */
  until: string;
}

function attributionOf(entry: AuditEntryRecord, candidates: number): ChangeAttribution {
  return {
    actor: entry.actor,
    actorType: entry.actorType,
    at: entry.at,
    eventType: entry.eventType,
    auditLogId: entry.id,
    candidates,
  };
}

/** "alice@example.com", "API key "ci"", or words for an actor the audit log did not name. */
export function actorLabel(a: Pick<ChangeAttribution, 'actor' | 'actorType'>): string {
  const isKey = a.actorType === 'API_KEY';
  if (a.actor === null || !a.actor.trim()) return isKey ? 'an unnamed API key' : 'an unnamed actor';
  const name = displayName(a.actor, '?');
  return isKey ? `API key "${name}"` : name;
}

/** "14:02 UTC" when on the same UTC day as `reference`, else "2026-11-29 14:02 UTC". */
function clock(at: string, reference: string): string {
  const t = time(at);
  if (t === null) return displayName(at, '?');
  const iso = new Date(t).toISOString();
  const sameDay =
    iso.slice(0, 10) ===
    (time(reference) === null ? '' : new Date(time(reference)!).toISOString().slice(0, 10));
  return `${sameDay ? '' : `${iso.slice(0, 10)} `}${iso.slice(11, 16)} UTC`;
}

/** "by alice@example.com at 14:02 UTC", "probably by … (3 audit entries match)". */
export function byWords(a: ChangeAttribution, reference: string): string {
  const by = `by ${actorLabel(a)} at ${clock(a.at, reference)}`;
  return a.candidates > 1 ? `probably ${by} (${a.candidates} audit entries match)` : by;
}

/**
 * Change events with who made them: `attribution` set and "(by … at …)" added to the summary when an
 * audit entry matches; the others unchanged. Never drops or reorders an event.
 */
export function attributeChangeEvents(
  events: readonly ChangeEvent[],
  entries: readonly AuditEntryRecord[],
  window: AttributionWindow,
): ChangeEvent[] {
  if (entries.length === 0) return [...events];
  const lo = window.after === null ? null : time(window.after);
  const hi = time(window.until);
  const inWindow = entries.filter((e) => {
    const t = time(e.at);
    return t !== null && (lo === null || t > lo) && (hi === null || t <= hi);
  });
  return events.map((event) => {
    if (event.attribution) return event;
    const types = auditTypesFor(event);
    if (types.length === 0) return event;
    const matches = inWindow
      .filter((e) => types.includes(e.eventType) && concerns(e, event.resourceId, event.resourceName))
      .sort(compareEntries);
    const latest = matches[0];
    if (!latest) return event;
    const attribution = attributionOf(latest, matches.length);
    return { ...event, summary: `${event.summary} (${byWords(attribution, event.at)})`, attribution };
  });
}

// ---------------------------------------------------------------------------------------------
// Security events

export interface SecurityEventsOptions {
  /** The integration the entries belong to: the resource of workspace-wide events. */
  integrationId: string;
}

/** Security events raised by audit entries, oldest first (entries without a usable time are skipped). */
export function securityEventsFromAudit(
  entries: readonly AuditEntryRecord[],
  options: SecurityEventsOptions,
): ChangeEvent[] {
  const out: ChangeEvent[] = [];
  for (const entry of [...entries].sort((a, b) => compareEntries(b, a))) {
    const rule = Object.hasOwn(SECURITY_AUDIT_EVENTS, entry.eventType)
      ? SECURITY_AUDIT_EVENTS[entry.eventType]
      : undefined;
    const t = time(entry.at);
    if (!rule || t === null) continue;
    const at = new Date(t).toISOString();
    const attribution = attributionOf(entry, 1);
    const targetName = entry.targetName ?? namesOf(entry)[0] ?? null;
    const targetId = entry.targetId ?? idsOf(entry)[0] ?? null;
    const quoted = targetName ? `"${displayName(targetName, '?')}"` : null;
    const onLibrary = rule.on === 'library' && targetId !== null;
    const resourceType: FindingResourceType = onLibrary ? 'library' : 'integration';
    out.push({
      type: rule.type,
      resourceType,
      resourceId: onLibrary ? targetId : options.integrationId,
      resourceName: onLibrary ? targetName : null,
      at,
      summary: rule.summary(quoted, byWords(attribution, at), entry),
      attribution,
      target: { type: entry.targetType, id: targetId, name: targetName },
    });
  }
  return out;
}

/**
 * What the audit log adds to one sync's change events: `events` (from diffSnapshots) attributed, then
 * the security events of the entries `current` read. Without an audit log: `events` as they were.
 */
export function withAuditLog(
  events: readonly ChangeEvent[],
  previous: Snapshot | null,
  current: Snapshot,
  options: SecurityEventsOptions,
): ChangeEvent[] {
  const read = current.admin?.auditLog?.entries ?? [];
  const attributed = attributeChangeEvents(events, auditEntriesOf(previous, current), {
    after: previous?.takenAt ?? null,
    until: current.takenAt,
  });
  return [...attributed, ...securityEventsFromAudit(read, options)];
}
