/**
 * Mistral workspace simulator: a local HTTP server that answers the GET endpoints of
 * mistral-api.md §1–16 with wire-exact shapes, for tests, the demo and benchmarks.
 *
 * Facts a client should know (documented once, here):
 * - page_size is capped at MAX_PAGE_SIZE (1000) on every list endpoint, silently.
 * - /v1/conversations is served in workspace order, which the generator and evolve() keep
 *   newest first (created_at descending). Agents are ascending by created_at.
 * - Cursor tokens (/v1/agents/pages, /v1/libraries) are opaque; an invalid one gives 422.
 * - Rate limit: token bucket, burst defaults to ceil(rps); 429 carries Retry-After (>= 1 s).
 */
export { startSimulator, type StartOptions } from './server.ts';
export {
  generateWorkspace,
  resolveGeneratorOptions,
  DEFAULT_GENERATOR_OPTIONS,
  DEFAULT_NOW,
} from './generator.ts';
export { loadScenario, parseScenario } from './scenario.ts';
export {
  HOSTILE_PAYLOADS,
  HOSTILE_LONG_LENGTH,
  HOSTILE_NUL_PAYLOAD,
  hostilePayload,
  makeHostile,
} from './hostile.ts';
export { evolveWorkspace } from './evolve.ts';
export { peekEntries } from './conversations.ts';
export { MAX_PAGE_SIZE, ROUTES } from './routes.ts';
export {
  ADMIN_ROUTES,
  ROLES as ADMIN_ROLES,
  ORG_ROLE_ADMIN,
  ORG_ROLE_BILLING,
  ORG_ROLE_MEMBER,
  adminOf,
  appendAuditEntry,
  maskKey,
} from './admin.ts';
export { GUARDRAIL_VARIANTS, type GuardrailVariant } from './agents.ts';
export * from './types.ts';
