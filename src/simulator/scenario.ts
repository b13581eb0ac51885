/**
 * Scenario files: a JSON SimWorkspace written by hand (see scenarios/). Missing collections
 * default to empty lists and a missing `now` to the generator's default clock. Records are
 * kept verbatim (no validation), so a scenario may hold deliberately bad data. Optional `connectors`
 * and `admin` (SimAdmin: what GET /v1/admin/* serves) are kept when present.
 */
import { readFileSync } from 'node:fs';
import { adminOf } from './admin.ts';
import { DEFAULT_NOW } from './generator.ts';
import type { SimAdmin, SimWorkspace } from './types.ts';

export function parseScenario(text: string, origin = 'scenario'): SimWorkspace {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${origin}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new Error(`${origin}: expected a JSON object`);
  const o = raw as Partial<Record<keyof SimWorkspace, unknown>>;
  const list = (key: keyof SimWorkspace): unknown[] => {
    const v = o[key];
    if (v === undefined) return [];
    if (!Array.isArray(v)) throw new Error(`${origin}: "${key}" must be an array`);
    return v;
  };
  const agents = list('agents') as SimWorkspace['agents'];
  for (const [i, a] of agents.entries()) {
    if (!a || typeof a !== 'object' || !a.current) throw new Error(`${origin}: agents[${i}] needs "current"`);
    a.versions ??= [a.current];
    a.aliases ??= [];
  }
  const libraries = list('libraries') as SimWorkspace['libraries'];
  for (const [i, l] of libraries.entries()) {
    if (!l || typeof l !== 'object' || !l.library)
      throw new Error(`${origin}: libraries[${i}] needs "library"`);
    l.documents ??= [];
  }
  const conversations = list('conversations') as SimWorkspace['conversations'];
  for (const [i, c] of conversations.entries()) {
    if (!c || typeof c !== 'object' || !c.conversation)
      throw new Error(`${origin}: conversations[${i}] needs "conversation"`);
    c.entries ??= [];
  }
  const ws: SimWorkspace = {
    now: typeof o.now === 'string' ? o.now : DEFAULT_NOW,
    models: list('models') as SimWorkspace['models'],
    files: list('files') as SimWorkspace['files'],
    agents,
    libraries,
    conversations,
  };
  if (o.connectors !== undefined) ws.connectors = list('connectors') as SimWorkspace['connectors'];
  if (o.admin !== undefined) ws.admin = parseAdmin(o.admin, origin);
  return ws;
}

/**
 * The optional `admin` object (SimAdmin): what GET /v1/admin/* serves. Missing lists default to
 * empty, a missing rate limit to 5 requests per second; records are kept verbatim.
 */
function parseAdmin(raw: unknown, origin: string): SimAdmin {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new Error(`${origin}: "admin" must be an object`);
  const a = raw as Partial<Record<keyof SimAdmin, unknown>>;
  const base = adminOf({
    now: DEFAULT_NOW,
    models: [],
    files: [],
    agents: [],
    libraries: [],
    conversations: [],
  });
  for (const key of [
    'apiKeys',
    'members',
    'invites',
    'workspaces',
    'archivedWorkspaceIds',
    'userGroups',
    'auditLog',
    'usage',
  ] as const) {
    const v = a[key];
    if (v === undefined) continue;
    if (!Array.isArray(v)) throw new Error(`${origin}: "admin.${key}" must be an array`);
    (base as unknown as Record<string, unknown>)[key] = v;
  }
  for (const key of ['organizationId', 'currency', 'currencySymbol'] as const)
    if (typeof a[key] === 'string') base[key] = a[key];
  if (a.rateLimit !== undefined) base.rateLimit = a.rateLimit as SimAdmin['rateLimit'];
  if (a.roles !== undefined) base.roles = a.roles as SimAdmin['roles'];
  if (a.monthlySpendLimit !== undefined) base.monthlySpendLimit = a.monthlySpendLimit as number | null;
  return base;
}

export function loadScenario(path: string): SimWorkspace {
  return parseScenario(readFileSync(path, 'utf8'), path);
}
