/**
 * Shared zod schemas of the HTTP API: the error body, the page wrapper, ids and the common query
 * parameters. Route files build their request and response schemas from these, and the OpenAPI
 * document (/api/openapi.json) is generated from them.
 */
import { z } from 'zod';

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().describe('Stable machine-readable code, e.g. INVALID_INPUT, NOT_FOUND, FORBIDDEN'),
      message: z.string().describe('What went wrong, for a person'),
      remediation: z.string().describe('What to do next'),
      details: z.record(z.string(), z.unknown()).optional().describe('Machine-readable facts, e.g. field'),
    }),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof ErrorBody>;

/** `{ items, nextCursor }`: every list. */
export function page<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    nextCursor: z
      .string()
      .nullable()
      .describe('Pass as `cursor` to get the next page; null on the last page'),
  });
}

export const Id = z.string().min(1).max(200);
export const IdParams = z.object({ id: Id });

export const Role = z.enum(['viewer', 'analyst', 'admin']);

/** Date-times are ISO 8601 strings in responses. */
export const DateTime = z.string().describe('ISO 8601 date-time');

/** Finding severities, worst first. */
export const Severity = z.enum(['critical', 'high', 'medium', 'low', 'info']);

/** The last verdict of a check: FAIL, UNKNOWN (the data needed was not available) or PASS. */
export const CheckStatus = z.enum(['PASS', 'FAIL', 'UNKNOWN']);

/** What a finding is about. */
export const FindingResourceType = z.enum(['agent', 'model', 'file', 'library', 'integration']);

/** A count per severity (every severity present, 0 when none). */
export const SeverityCounts = z
  .looseObject({
    critical: z.number(),
    high: z.number(),
    medium: z.number(),
    low: z.number(),
    info: z.number(),
  })
  .meta({ id: 'SeverityCounts' });

/** One field that differs between two agent configurations (drift, version comparison). */
export const FieldChange = z
  .looseObject({
    field: z
      .string()
      .describe('model | instructions | tools | knowledgeBases | guardrails | completionArgs | …'),
    before: z.unknown().describe('The value before (any JSON)'),
    after: z.unknown().describe('The value after (any JSON)'),
  })
  .meta({ id: 'FieldChange' });

/** A record Mistral returned that its SDK's schema rejects, kept from the raw JSON and flagged. */
export const DataQualityWarning = z
  .looseObject({
    resourceType: z
      .string()
      .describe(
        'agent, model, file, library, conversation, alias, document, connector, prompt, skill, batchJob, or (read with the admin key) apiKey, member, invite, auditEntry, admin',
      ),
    resourceId: z.string().nullable(),
    endpoint: z.string().describe('The Mistral endpoint that returned it'),
    issue: z.string().describe('Short reason, e.g. "tools: expected array, received null"'),
    leftOut: z
      .literal(true)
      .optional()
      .describe('The record was left out of the inventory altogether (no usable id): one warning per record'),
  })
  .meta({ id: 'DataQualityWarning' });

/**
 * A string copied verbatim from a Mistral record: absent or null when Mistral returned a malformed
 * record (kept raw and flagged in dataQuality), so a client must not assume it is there.
 */
export function wireString(description?: string) {
  const s = z.string().nullable().optional();
  return description ? s.describe(description) : s;
}

/** Query parameters every list takes. */
export const ListQuery = z.object({
  integrationId: Id.optional().describe('Only this integration (every list takes it)'),
  cursor: z.string().max(2000).optional().describe('The nextCursor of the previous page'),
  limit: z.coerce.number().int().min(1).max(500).optional().describe('Items per page (default 50, max 500)'),
});

/** The error responses every API route may return, for the OpenAPI document. */
export const ErrorResponses = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  413: ErrorBody,
  429: ErrorBody,
  500: ErrorBody,
} as const;

/** Adds the common error responses to a route's success responses. */
export function responses<T extends Record<number, z.ZodType>>(ok: T): T & typeof ErrorResponses {
  return { ...ErrorResponses, ...ok };
}

/** Empty body (204). */
export const NoContent = z.null().describe('No content');

/** A user as the API shows it (never the password hash). */
export const User = z
  .object({
    id: z.string(),
    organizationId: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    role: Role,
    createdAt: DateTime,
    lastLoginAt: DateTime.nullable(),
    disabled: z.boolean(),
  })
  .meta({ id: 'User' });

export const Organization = z
  .object({
    id: z.string(),
    name: z.string(),
    simulated: z.boolean().describe('The demo organization against the built-in simulated workspace'),
    createdAt: DateTime,
  })
  .meta({ id: 'Organization' });

/** An API token as listed (never the token itself, which is shown once at creation). */
export const ApiToken = z
  .object({
    id: z.string(),
    organizationId: z.string(),
    name: z.string(),
    prefix: z.string().describe('The first characters, to recognise the token'),
    role: Role,
    createdBy: z.string().nullable(),
    createdAt: DateTime,
    lastUsedAt: DateTime.nullable(),
    expiresAt: DateTime.nullable(),
    revokedAt: DateTime.nullable(),
  })
  .meta({ id: 'ApiToken' });

/** Sign-in, set-up and GET /session: the session itself is in the HttpOnly cookie. */
export const SessionInfo = z
  .object({
    user: User.nullable().describe('null when authenticated with an API token'),
    organization: Organization,
    role: Role,
    actor: z.object({
      kind: z.enum(['user', 'token', 'cli', 'system']),
      label: z.string(),
      role: Role,
      organizationId: z.string().nullable(),
    }),
    tokenId: z.string().nullable().describe('The API token in use, if any'),
    csrfToken: z
      .string()
      .nullable()
      .describe(
        'Send it in the x-csrf-token header with every cookie-authenticated write; null for API tokens',
      ),
    expiresAt: DateTime.nullable().describe('When the session ends without activity'),
  })
  .meta({ id: 'Session' });

/** A boolean query parameter: "true" or "false". */
export const QueryBool = z.enum(['true', 'false']).transform((v) => v === 'true');

/**
 * Types a service's result as a response schema's output. The service interfaces have no index
 * signatures, so TypeScript cannot match them to loose objects; the serializer still checks the value
 * against the schema at run time (a mismatch is a 500, never unchecked output).
 */
export function as<S extends z.ZodType>(_schema: S, value: unknown): z.output<S> {
  return value as z.output<S>;
}
