/**
 * The settings pages' logic, kept out of the components so it can be unit-tested: token status,
 * the roles a user may hand out, password checks, and reading and filtering audit entries.
 */
import type { Role, Schemas } from '../../api/client';

export type User = Schemas['User'];
export type ApiToken = Schemas['ApiToken'];
export type AuditEntry = Schemas['AuditEntry'];

export const ROLES: Role[] = ['viewer', 'analyst', 'admin'];

export const ROLE_HELP: Record<Role, string> = {
  viewer: 'reads everything',
  analyst: 'also syncs and mutes findings',
  admin: 'also manages integrations, users and tokens',
};

/** The roles at most `role` (an API token never carries more than its creator's role). */
export function rolesUpTo(role: Role): Role[] {
  return ROLES.slice(0, ROLES.indexOf(role) + 1);
}

/** The server's limits (src/services/accounts.ts). */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;
export const TOKEN_NAME_MAX_LENGTH = 100;

/** What is wrong with a new password and its confirmation, or null. */
export function passwordProblem(password: string, confirmation: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH)
    return `At least ${PASSWORD_MIN_LENGTH} characters (a passphrase of several words works well).`;
  if (password.length > PASSWORD_MAX_LENGTH) return `At most ${PASSWORD_MAX_LENGTH} characters.`;
  if (password !== confirmation) return 'The two passwords differ.';
  return null;
}

/** A random password of 20 characters (about 119 bits) from the browser's CSPRNG, without look-alikes. */
export function generatePassword(length = 20): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  const out: string[] = [];
  const bytes = new Uint8Array(1);
  // Rejection sampling: no modulo bias.
  const limit = 256 - (256 % alphabet.length);
  while (out.length < length) {
    crypto.getRandomValues(bytes);
    if (bytes[0] < limit) out.push(alphabet[bytes[0] % alphabet.length]);
  }
  return out.join('');
}

export type TokenStatus = 'active' | 'expired' | 'revoked';

export function tokenStatus(
  t: Pick<ApiToken, 'revokedAt' | 'expiresAt'>,
  now: Date = new Date(),
): TokenStatus {
  if (t.revokedAt) return 'revoked';
  if (t.expiresAt && Date.parse(t.expiresAt) <= now.getTime()) return 'expired';
  return 'active';
}

/** Active tokens first, then newest first. */
export function sortTokens(tokens: ApiToken[], now: Date = new Date()): ApiToken[] {
  const rank: Record<TokenStatus, number> = { active: 0, expired: 1, revoked: 2 };
  return [...tokens].sort(
    (a, b) => rank[tokenStatus(a, now)] - rank[tokenStatus(b, now)] || b.createdAt.localeCompare(a.createdAt),
  );
}

export const EXPIRY_CHOICES: { value: string; label: string }[] = [
  { value: '7', label: '7 days' },
  { value: '30', label: '30 days' },
  { value: '90', label: '90 days' },
  { value: '365', label: '1 year' },
  { value: 'never', label: 'Never' },
];

/** expiresInDays for the API from an expiry choice (undefined: does not expire). */
export function expiresInDays(choice: string): number | undefined {
  if (choice === 'never') return undefined;
  const n = Number(choice);
  return Number.isInteger(n) && n >= 1 && n <= 3650 ? n : undefined;
}

/** Who did it, as a line of text. */
export function actorText(e: Pick<AuditEntry, 'actorType' | 'actorLabel' | 'actorId'>): string {
  const kind = { user: 'user', token: 'API token', cli: 'command line', system: 'system' }[e.actorType];
  const label = e.actorLabel ?? e.actorId;
  return label ? `${label} (${kind})` : kind;
}

/** What it was done to, as a line of text (null when the action has no target). */
export function targetText(e: Pick<AuditEntry, 'targetType' | 'targetId'>): string | null {
  if (!e.targetType && !e.targetId) return null;
  return [e.targetType?.replace(/_/g, ' '), e.targetId].filter(Boolean).join(' ');
}

/** A detail value as text (nested values as compact JSON); never markup. */
function valueText(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** The details as "key: value" lines, keys in order. */
export function detailLines(details: Record<string, unknown> | null | undefined): string[] {
  if (!details) return [];
  return Object.entries(details).map(([k, v]) => `${k}: ${valueText(v)}`);
}

export interface AuditFilters {
  action: string | null;
  outcome: 'success' | 'failure' | null;
  q: string;
}

export function readAuditFilters(params: URLSearchParams): AuditFilters {
  const outcome = params.get('outcome');
  return {
    action: params.get('action') || null,
    outcome: outcome === 'success' || outcome === 'failure' ? outcome : null,
    q: params.get('q') ?? '',
  };
}

export function writeAuditFilters(f: AuditFilters): URLSearchParams {
  const p = new URLSearchParams();
  if (f.action) p.set('action', f.action);
  if (f.outcome) p.set('outcome', f.outcome);
  if (f.q) p.set('q', f.q);
  return p;
}

/** The entries matching the filters (the search looks at who, action, target, address and details). */
export function filterAudit(entries: AuditEntry[], f: AuditFilters): AuditEntry[] {
  const q = f.q.trim().toLowerCase();
  return entries.filter((e) => {
    if (f.action && e.action !== f.action) return false;
    if (f.outcome && e.outcome !== f.outcome) return false;
    if (!q) return true;
    const hay = [actorText(e), e.action, targetText(e) ?? '', e.ip ?? '', ...detailLines(e.details)]
      .join('\n')
      .toLowerCase();
    return hay.includes(q);
  });
}

/** The distinct actions, sorted (for the action filter). */
export function actionsOf(entries: AuditEntry[], selected: string | null = null): string[] {
  const set = new Set(entries.map((e) => e.action));
  if (selected) set.add(selected);
  return [...set].sort();
}
