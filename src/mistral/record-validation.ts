/**
 * Per-record validation with the SDK's own inbound schemas. The connector returns raw wire
 * records; the SDK's parse is only the check. When the SDK rejects a whole page, each record is
 * validated on its own so that one bad record is flagged instead of losing the page. Records the
 * SDK silently degrades (model cards or tools turned into `UNKNOWN`) are flagged too.
 */
import {
  Agent$inboundSchema,
  AgentAliasResponse$inboundSchema,
  AuthenticationConfiguration$inboundSchema,
  Connector$inboundSchema,
  Sharing$inboundSchema,
  AgentConversation$inboundSchema,
  BaseModelCard$inboundSchema,
  Document$inboundSchema,
  Entry$inboundSchema,
  FileSchema$inboundSchema,
  FTModelCard$inboundSchema,
  Library$inboundSchema,
  ModelConversation$inboundSchema,
} from '@mistralai/mistralai/models/components';
import type { DataQualityWarning } from '../inventory/types.ts';

interface Issue {
  path: readonly PropertyKey[];
  message: string;
}
export interface RecordSchema {
  safeParse(
    value: unknown,
  ): { success: true; data: unknown } | { success: false; error: { issues: readonly Issue[] } };
}

export type WarningResource = DataQualityWarning['resourceType'];

export interface RecordKind {
  resourceType: WarningResource;
  /** Record id for the warning (and dedupe, via `key`). */
  idOf(record: unknown): string | null;
  /** Validates one raw record; returns the parsed value or the issue text. */
  validate(record: unknown): { ok: true; parsed: unknown } | { ok: false; issue: string };
  /** Issues the SDK hides: parts of a successfully parsed record that came back UNKNOWN. */
  degraded(parsed: unknown, raw: unknown): string[];
}

const MAX_ISSUE = 240;

/** "tools: Invalid input: expected array, received null" (first two issues, bounded). */
export function issueText(issues: readonly Issue[]): string {
  const parts = issues.slice(0, 2).map((i) => {
    const path = i.path
      .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
      .join('.')
      .replace(/\.\[/g, '[');
    return path ? `${path}: ${i.message}` : i.message;
  });
  if (issues.length > 2) parts.push(`(+${issues.length - 2} more)`);
  const text = parts.join('; ');
  return text.length > MAX_ISSUE ? `${text.slice(0, MAX_ISSUE)}…` : text;
}

function firstOf(
  schemas: readonly RecordSchema[],
  record: unknown,
): { ok: true; parsed: unknown } | { ok: false; issue: string } {
  let best: readonly Issue[] | undefined;
  for (const s of schemas) {
    const r = s.safeParse(record);
    if (r.success) return { ok: true, parsed: r.data };
    if (!best || r.error.issues.length < best.length) best = r.error.issues;
  }
  return { ok: false, issue: issueText(best ?? []) };
}

const stringField =
  (...names: string[]) =>
  (record: unknown): string | null => {
    if (!record || typeof record !== 'object') return null;
    const parts = names.map((n) => (record as Record<string, unknown>)[n]);
    if (parts.some((p) => typeof p !== 'string' && typeof p !== 'number')) return null;
    return parts.map(String).join('@');
  };

function toolTypeOf(raw: unknown): string {
  const t = raw && typeof raw === 'object' ? (raw as { type?: unknown }).type : undefined;
  return typeof t === 'string' ? t : String(t);
}

/** Flags tools the SDK turned into UNKNOWN (unknown type, or a known type with an invalid body). */
function unknownTools(parsed: unknown): string[] {
  const tools = parsed && typeof parsed === 'object' ? (parsed as { tools?: unknown }).tools : undefined;
  if (!Array.isArray(tools)) return [];
  const out: string[] = [];
  tools.forEach((t, i) => {
    if (t && typeof t === 'object' && (t as { isUnknown?: unknown }).isUnknown === true) {
      const type = toolTypeOf((t as { raw?: unknown }).raw);
      out.push(`tools[${i}]: tool type "${type}" is unknown to the SDK or its fields are invalid (kept raw)`);
    }
  });
  return out;
}

const none = (): string[] => [];

export const AGENT: RecordKind = {
  resourceType: 'agent',
  idOf: stringField('id'),
  validate: (r) => firstOf([Agent$inboundSchema as RecordSchema], r),
  degraded: unknownTools,
};

/** Agent versions: the id of a version is "<agent id>@<version>". */
export const AGENT_VERSION: RecordKind = { ...AGENT, idOf: stringField('id', 'version') };

export const ALIAS: RecordKind = {
  resourceType: 'alias',
  idOf: stringField('alias'),
  validate: (r) => firstOf([AgentAliasResponse$inboundSchema as RecordSchema], r),
  degraded: none,
};

export const FILE: RecordKind = {
  resourceType: 'file',
  idOf: stringField('id'),
  validate: (r) => firstOf([FileSchema$inboundSchema as RecordSchema], r),
  degraded: none,
};

export const LIBRARY: RecordKind = {
  resourceType: 'library',
  idOf: stringField('id'),
  validate: (r) => firstOf([Library$inboundSchema as RecordSchema], r),
  degraded: none,
};

export const DOCUMENT: RecordKind = {
  resourceType: 'document',
  idOf: stringField('id'),
  validate: (r) => firstOf([Document$inboundSchema as RecordSchema], r),
  degraded: none,
};

export const CONVERSATION: RecordKind = {
  resourceType: 'conversation',
  idOf: stringField('id'),
  validate: (r) =>
    firstOf(
      [AgentConversation$inboundSchema as RecordSchema, ModelConversation$inboundSchema as RecordSchema],
      r,
    ),
  degraded: unknownTools,
};

/** History entries: validated one by one when the SDK rejects a history. */
export const ENTRY: RecordKind = {
  resourceType: 'conversation',
  idOf: stringField('id'),
  validate: (r) => firstOf([Entry$inboundSchema as RecordSchema], r),
  degraded: none,
};

/**
 * Model cards. The SDK never rejects a card: it turns an invalid one into UNKNOWN. So each raw
 * card is checked against the schema its `type` names, to say why.
 */
export const MODEL: RecordKind = {
  resourceType: 'model',
  idOf: stringField('id'),
  validate(r) {
    const type = r && typeof r === 'object' ? (r as { type?: unknown }).type : undefined;
    if (type === 'base') return firstOf([BaseModelCard$inboundSchema as RecordSchema], r);
    if (type === 'fine-tuned') return firstOf([FTModelCard$inboundSchema as RecordSchema], r);
    return {
      ok: false,
      issue: `type: model card type ${JSON.stringify(type ?? null)} is unknown to the SDK (kept raw)`,
    };
  },
  degraded(parsed, raw) {
    if (!parsed || typeof parsed !== 'object' || (parsed as { isUnknown?: unknown }).isUnknown !== true)
      return [];
    const v = MODEL.validate(raw);
    return [v.ok ? 'the SDK could not classify this model card (kept raw)' : v.issue];
  },
};

/**
 * Checks raw records. With `parsed` (the SDK accepted the page), only silent degradations are
 * looked for; without it (the SDK rejected the page), every record is validated on its own.
 * Every record is kept either way; the result lists the warnings.
 */
export function checkRecords(
  kind: RecordKind,
  records: readonly unknown[],
  parsed: readonly unknown[] | undefined,
  endpoint: string,
): DataQualityWarning[] {
  const warnings: DataQualityWarning[] = [];
  const warn = (raw: unknown, issue: string): void => {
    warnings.push({ resourceType: kind.resourceType, resourceId: kind.idOf(raw), endpoint, issue });
  };
  records.forEach((raw, i) => {
    if (parsed && parsed.length === records.length) {
      for (const issue of kind.degraded(parsed[i], raw)) warn(raw, issue);
      return;
    }
    const v = kind.validate(raw);
    if (!v.ok) warn(raw, v.issue);
    else for (const issue of kind.degraded(v.parsed, raw)) warn(raw, issue);
  });
  return warnings;
}

/** MCP connectors (GET /v1/connectors). */
export const CONNECTOR: RecordKind = {
  resourceType: 'connector',
  idOf: stringField('id'),
  validate: (r) => firstOf([Connector$inboundSchema as RecordSchema], r),
  degraded: none,
};

/** A connector's credentials at one scope (names and status only; never a value). */
export const CREDENTIAL: RecordKind = {
  resourceType: 'connector',
  idOf: stringField('name'),
  validate: (r) => firstOf([AuthenticationConfiguration$inboundSchema as RecordSchema], r),
  degraded: none,
};

/** Who a library is shared with (GET /v1/libraries/{id}/share). */
export const SHARING: RecordKind = {
  resourceType: 'library',
  idOf: stringField('library_id'),
  validate: (r) => firstOf([Sharing$inboundSchema as RecordSchema], r),
  degraded: none,
};

/*
 * Admin API records (src/shared/mistral-wire-admin.ts). The SDK has no Admin API, so each record
 * is checked for the fields TrustLens reads, with the types the OpenAPI document gives them.
 */
type FieldType = 'string' | 'number' | 'boolean' | 'array' | 'object' | 'string?' | 'boolean?' | 'array?';

function fieldsSchema(fields: Record<string, FieldType>): RecordSchema {
  return {
    safeParse(value) {
      if (!value || typeof value !== 'object' || Array.isArray(value)) {
        return { success: false, error: { issues: [{ path: [], message: 'expected an object' }] } };
      }
      const issues: Issue[] = [];
      for (const [name, want] of Object.entries(fields)) {
        const v = (value as Record<string, unknown>)[name];
        const optional = want.endsWith('?');
        const base = want.replace('?', '');
        if (optional && (v === null || v === undefined)) continue;
        const got = Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v;
        if (got !== base) issues.push({ path: [name], message: `expected ${base}, received ${got}` });
      }
      return issues.length ? { success: false, error: { issues } } : { success: true, data: value };
    },
  };
}

function adminKind(
  resourceType: WarningResource,
  id: (record: unknown) => string | null,
  fields: Record<string, FieldType>,
): RecordKind {
  const schema = fieldsSchema(fields);
  return { resourceType, idOf: id, validate: (r) => firstOf([schema], r), degraded: none };
}

export const API_KEY = adminKind('apiKey', stringField('key_id'), {
  key_id: 'string',
  hidden_key: 'string',
  name: 'string?',
  expiration_date: 'string?',
  last_used: 'string?',
  created_at: 'string?',
});
export const MEMBER = adminKind('member', stringField('uuid'), {
  uuid: 'string',
  email: 'string?',
  raw_roles: 'array',
  workspaces: 'array?',
  is_sso_outsider: 'boolean?',
});
export const INVITE = adminKind('admin', stringField('uuid'), {
  uuid: 'string',
  email: 'string',
  raw_roles: 'array',
  expired: 'boolean',
});
export const WORKSPACE = adminKind('admin', stringField('uuid'), {
  uuid: 'string',
  name: 'string',
  is_default: 'boolean',
});
export const AUDIT_ENTRY = adminKind('auditEntry', stringField('log_id'), {
  log_id: 'number',
  created_at: 'string',
  actor_type: 'string',
  event_type: 'string',
  target_type: 'string',
});
