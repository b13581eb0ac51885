/**
 * Who is signed in: the session (GET /api/v1/session) held in TanStack Query, sign-in, set-up and
 * sign-out. A 401 from any request clears it, which returns the app to the sign-in page.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError, onUnauthorized, setCsrfToken, unwrap, type Role, type Schemas } from './client';

export type Session = Schemas['Session'];

interface SessionState {
  session: Session | null;
  /** True after the user signed out here (the sign-in page then forgets where they were). */
  signedOut: boolean;
  loading: boolean;
  error: ApiError | null;
  signIn(email: string, password: string): Promise<Session>;
  setUp(input: {
    setupToken: string;
    organizationName: string;
    email: string;
    password: string;
    name?: string;
  }): Promise<Session>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);
const KEY = ['session'];

/** Keeps the CSRF token in the API client only, never in the query cache. */
function withoutCsrf(s: Session): Session {
  setCsrfToken(s.csrfToken);
  return { ...s, csrfToken: null };
}

async function readSession(): Promise<Session | null> {
  try {
    const s = await unwrap(api.GET('/api/v1/session'), { quiet401: true });
    return withoutCsrf(s);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw e;
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const query = useQuery({ queryKey: KEY, queryFn: readSession, staleTime: 60_000, retry: false });
  const [signedOut, setSignedOut] = useState(false);

  useEffect(
    () =>
      onUnauthorized(() => {
        setCsrfToken(null);
        client.setQueryData(KEY, null);
      }),
    [client],
  );

  /** Forgets every cached answer but the session (another user may have been signed in before). */
  const forgetData = () => client.removeQueries({ predicate: (q) => q.queryKey[0] !== KEY[0] });

  const established = (s: Session) => {
    setSignedOut(false);
    const cached = withoutCsrf(s);
    forgetData();
    client.setQueryData(KEY, cached);
    return cached;
  };

  const state: SessionState = {
    session: query.data ?? null,
    signedOut,
    loading: query.isPending,
    error: query.error instanceof ApiError ? query.error : null,
    async signIn(email, password) {
      return established(
        await unwrap(api.POST('/api/v1/auth/login', { body: { email, password } }), { quiet401: true }),
      );
    },
    async setUp(input) {
      return established(await unwrap(api.POST('/api/v1/setup', { body: input }), { quiet401: true }));
    },
    async signOut() {
      try {
        await unwrap(api.POST('/api/v1/auth/logout'), { quiet401: true });
      } finally {
        setSignedOut(true);
        setCsrfToken(null);
        forgetData();
        client.setQueryData(KEY, null);
      }
    },
  };
  return <SessionContext.Provider value={state}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

const RANK: Record<Role, number> = { viewer: 0, analyst: 1, admin: 2 };

/** Whether the signed-in role is at least `min` (the server enforces it; the UI hides what would be refused). */
export function useCan(min: Role): boolean {
  const { session } = useSession();
  return session ? RANK[session.role] >= RANK[min] : false;
}
