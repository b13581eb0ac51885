/**
 * What the HTTP layer needs from the accounts service (src/services/accounts.ts). Declared here so
 * the server depends on this narrow shape only; the real service satisfies it structurally.
 */
import type { App } from '../app/root.ts';
import { AppError } from '../errors/index.ts';
import type { Actor, Role } from '../services/context.ts';

export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
}

export interface UserLike {
  id: string;
  email: string;
  name?: string | null;
  role: Role;
  organizationId: string;
  [k: string]: unknown;
}

export interface SessionGrant {
  user: UserLike;
  sessionToken: string;
  csrfToken: string;
  expiresAt: string | Date;
}

export interface AuthenticatedSession {
  actor: Actor;
  user: UserLike;
  csrfToken: string;
  expiresAt: string | Date;
}

export interface AccountsPort {
  completeSetup(
    setupToken: string,
    input: { organizationName: string; email: string; password: string; name?: string },
    meta: RequestMeta,
  ): Promise<SessionGrant>;
  login(email: string, password: string, meta: RequestMeta): Promise<SessionGrant>;
  logout(sessionToken: string): Promise<void>;
  authenticateSession(token: string, meta: RequestMeta): Promise<AuthenticatedSession | null>;
  authenticateToken(token: string, meta: RequestMeta): Promise<Actor | null>;
}

/** The accounts service of the app (until root.ts lists it in Services, looked up structurally). */
export function accountsOf(app: App): AccountsPort {
  const accounts = (app.services as unknown as { accounts?: AccountsPort }).accounts;
  if (!accounts) {
    throw new AppError('INTERNAL', 'The accounts service is not configured.', {
      remediation: 'Start the server with `trustlens serve`.',
    });
  }
  return accounts;
}
