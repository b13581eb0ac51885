/**
 * Pure helpers of the inventory pages (models, files, libraries, events): sizes, search over the
 * loaded lists, change values as text, event type names.
 */
import type { Schemas } from '../../api/client';

/** "1.4 MB" (decimal units, as file managers show them); null/undefined/negative → "unknown". */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return 'unknown';
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB', 'PB'];
  let v = bytes;
  let i = -1;
  do {
    v /= 1000;
    i++;
  } while (v >= 1000 && i < units.length - 1);
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

/** Whether every word of `query` appears (case-insensitive) in one of `fields`. Empty query: true. */
export function matchesSearch(query: string, fields: readonly (string | null | undefined)[]): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const hay = fields
    .filter((f): f is string => typeof f === 'string')
    .join('\n')
    .toLowerCase();
  return words.every((w) => hay.includes(w));
}

export const modelSearchFields = (m: Schemas['Model']) => [
  m.id,
  m.name,
  m.family,
  m.type,
  m.description,
  ...m.aliases,
  ...m.capabilities,
];
export const fileSearchFields = (f: Schemas['File']) => [
  f.id,
  f.filename,
  f.purpose,
  f.sampleType,
  f.source,
  f.mimetype,
];
export const librarySearchFields = (l: Schemas['Library']) => [l.id, l.name, l.description, l.ownerId];

/** A changed field's value as text: strings as they are, other JSON indented; absent → "(none)". */
export function changeValueText(value: unknown): string {
  if (value === undefined || value === null) return '(none)';
  if (typeof value === 'string') return value === '' ? '(empty)' : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

/** The change event types the server records (ChangeEvent.type). */
export const EVENT_TYPES = [
  'resource_created',
  'resource_deleted',
  'agent_changed',
  'guardrails_removed',
  'guardrails_weakened',
  'alias_moved',
  'model_newly_deprecated',
  // Security events from the admin audit log (issue 11).
  'training_enabled',
  'public_sharing_enabled',
  'sso_disabled',
  'api_key_created',
  'api_key_rotated',
  'api_key_deleted',
  'connector_credentials_changed',
  'library_shared',
  'role_changed',
  'domain_authentication_disabled',
  'resource_shared',
  'location_sharing_enabled',
] as const;

const EVENT_LABELS: Record<string, string> = {
  resource_created: 'Created',
  resource_deleted: 'Deleted',
  agent_changed: 'Agent changed',
  guardrails_removed: 'Guardrails removed',
  guardrails_weakened: 'Guardrails weakened',
  alias_moved: 'Alias moved',
  model_newly_deprecated: 'Model newly deprecated',
  training_enabled: 'Training on data enabled',
  public_sharing_enabled: 'Public sharing enabled',
  sso_disabled: 'SSO disabled',
  api_key_created: 'API key created',
  api_key_rotated: 'API key rotated',
  api_key_deleted: 'API key deleted',
  connector_credentials_changed: 'Connector credentials changed',
  library_shared: 'Library shared',
  role_changed: 'Role changed',
  domain_authentication_disabled: 'Domain authentication disabled',
  resource_shared: 'Resource shared',
  location_sharing_enabled: 'Location sharing enabled',
};

/** A readable name for an event type; an unknown type is shown as it is. */
export function eventTypeLabel(type: string): string {
  return EVENT_LABELS[type] ?? type;
}

const WEAKENING = new Set([
  'guardrails_removed',
  'guardrails_weakened',
  'training_enabled',
  'public_sharing_enabled',
  'sso_disabled',
  'domain_authentication_disabled',
  'location_sharing_enabled',
]);

/**
 * Red for the types that weaken protection (guardrails, training on data, public or location sharing,
 * SSO, domain verification), orange for deprecation, deletion and the other security events of the
 * audit log (API keys, connector credentials, shares, role changes), grey otherwise.
 */
export function eventTypeColor(type: string): string {
  if (WEAKENING.has(type)) return 'red';
  if (
    type === 'api_key_created' ||
    type === 'api_key_rotated' ||
    type === 'api_key_deleted' ||
    type === 'connector_credentials_changed' ||
    type === 'library_shared' ||
    type === 'resource_shared' ||
    type === 'role_changed'
  )
    return 'orange';
  if (type === 'model_newly_deprecated' || type === 'resource_deleted') return 'orange';
  if (type === 'resource_created') return 'teal';
  return 'blue';
}

/** One share of a library: "Workspace ws-1: Editor", "Organization: Viewer". */
export function shareText(s: { sharedWithType: string; sharedWithId: string | null; role: string }): string {
  const who = s.sharedWithType === 'Org' ? 'Organization' : s.sharedWithType;
  return `${who}${s.sharedWithId && s.sharedWithType !== 'Org' ? ` ${s.sharedWithId}` : ''}: ${s.role}`;
}
