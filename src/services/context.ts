/**
 * Who is asking. Every service call takes an Actor: it scopes what can be read and changed to one
 * organization and says which role asks. Entry points build it (the server from a session or an API
 * token, the CLI as the local operator); services never read it from anywhere else.
 */
import { AppError } from '../errors/index.ts';

export const ROLES = ['viewer', 'analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Actor {
  kind: 'user' | 'token' | 'cli' | 'system';
  /** User id, token id; null for the CLI and the scheduler. */
  id: string | null;
  /** What the audit log shows: an email, a token's name, "cli", "scheduler". Never a secret. */
  label: string;
  /**
   * The organization whose data this actor sees. null only for the local operator (the CLI, which holds
   * the data folder and the master key anyway) and the scheduler: they see every organization.
   */
  organizationId: string | null;
  role: Role;
  /** Client address, for the audit log. */
  ip?: string | null;
}

const RANK: Record<Role, number> = { viewer: 0, analyst: 1, admin: 2 };

export function hasRole(actor: Actor, needed: Role): boolean {
  return RANK[actor.role] >= RANK[needed];
}

/** Throws FORBIDDEN (403) unless the actor's role is at least `needed`. */
export function requireRole(actor: Actor, needed: Role): void {
  if (!hasRole(actor, needed)) {
    throw new AppError('FORBIDDEN', `This needs the ${needed} role; you are signed in as ${actor.role}.`, {
      remediation: `Ask an admin of your organization to do it, or to give you the ${needed} role.`,
    });
  }
}

/** True when the actor may see a record of organization `organizationId`. */
export function canSee(actor: Actor, organizationId: string): boolean {
  return actor.organizationId === null || actor.organizationId === organizationId;
}

/** The local operator: the CLI on this machine. */
export function cliActor(): Actor {
  return { kind: 'cli', id: null, label: 'cli', organizationId: null, role: 'admin' };
}

/** The scheduler and workers. */
export function systemActor(label = 'scheduler'): Actor {
  return { kind: 'system', id: null, label, organizationId: null, role: 'admin' };
}
