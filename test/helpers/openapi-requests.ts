/**
 * Requests generated from the server's OpenAPI document (/api/openapi.json), for tests that must cover
 * every route without a hand-kept list: the operations under /api/v1, path parameters filled from the
 * resource they name, and a minimal valid value for a request body or query parameter generated from
 * its JSON schema.
 *
 *   const ops = apiOperations(doc);                       // [{ key: 'GET /api/v1/agents', ... }]
 *   const url = fillPath(op.path, resourceParams(op.path, ids));
 *   const body = minimalValue(op.requestBody?.content['application/json'].schema, doc);
 */

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  pattern?: string;
  default?: unknown;
  format?: string;
}

export interface OpenApiParameter {
  in: 'path' | 'query' | 'header' | 'cookie';
  name: string;
  required?: boolean;
  schema?: JsonSchema;
}

export interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: JsonSchema }> };
  responses?: Record<string, unknown>;
  security?: unknown[];
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

export interface ApiOperation {
  /** "GET /api/v1/integrations/{id}" */
  key: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The OpenAPI path, with {param} placeholders. */
  path: string;
  op: OpenApiOperation;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Every operation of the document under `prefix` (default /api/v1). */
export function apiOperations(doc: OpenApiDocument, prefix = '/api/v1'): ApiOperation[] {
  const out: ApiOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    if (path !== prefix && !path.startsWith(`${prefix}/`)) continue;
    for (const m of METHODS) {
      const op = item[m];
      if (!op) continue;
      const method = m.toUpperCase() as ApiOperation['method'];
      out.push({ key: `${method} ${path}`, method, path, op });
    }
  }
  return out;
}

/** fastify's "/a/:id" as OpenAPI's "/a/{id}". */
export function toOpenApiPath(url: string): string {
  return url.replace(/:(\w+)/g, '{$1}');
}

/** The names of the path's {parameters}, in order. */
export function pathParams(path: string): string[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
}

export function fillPath(path: string, values: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`no value for path parameter ${name} of ${path}`);
    return encodeURIComponent(v);
  });
}

/** Ids of one organization's objects, by the collection segment that precedes them in a path. */
export type ResourceIds = Record<string, string>;

/**
 * Each {param} gets the id of the resource its preceding segment names: /integrations/{id} → ids.integrations,
 * /integrations/{id}/agents/{agentId} → ids.integrations and ids.agents, /syncs/{runId} → ids.syncs.
 */
export function resourceParams(path: string, ids: ResourceIds): Record<string, string> {
  const segments = path.split('/');
  const out: Record<string, string> = {};
  segments.forEach((s, i) => {
    const m = /^\{(\w+)\}$/.exec(s);
    if (!m) return;
    const collection = segments[i - 1];
    const id = ids[collection];
    if (id === undefined) throw new Error(`no id of a "${collection}" for ${path}`);
    out[m[1]] = id;
  });
  return out;
}

function resolveRef(schema: JsonSchema, doc: OpenApiDocument): JsonSchema {
  let s = schema;
  for (let i = 0; s.$ref && i < 20; i++) {
    const name = s.$ref.replace('#/components/schemas/', '');
    const target = doc.components?.schemas?.[name];
    if (!target) throw new Error(`dangling $ref ${s.$ref}`);
    s = target;
  }
  return s;
}

let sequence = 0;

/**
 * A minimal value valid against the schema: required properties only, the first enum value, strings of
 * the minimum length (a unique email for a property named like one, a 16-character string for a
 * password), numbers at their minimum, empty arrays unless minItems says otherwise. Patterns other
 * than enums are not generated: give a hand-written value for those.
 */
export function minimalValue(schema: JsonSchema | undefined, doc: OpenApiDocument, name = ''): unknown {
  if (!schema) return undefined;
  const s = resolveRef(schema, doc);
  if (s.const !== undefined) return s.const;
  if (s.enum && s.enum.length > 0) return s.enum[0];
  if (s.default !== undefined) return s.default;
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives && alternatives.length > 0) {
    const nonNull = alternatives.find((a) => resolveRef(a, doc).type !== 'null') ?? alternatives[0];
    return minimalValue(nonNull, doc, name);
  }
  if (s.allOf && s.allOf.length > 0) {
    return Object.assign({}, ...s.allOf.map((a) => minimalValue(a, doc, name) as object));
  }
  const type = Array.isArray(s.type) ? (s.type.find((t) => t !== 'null') ?? s.type[0]) : s.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of s.required ?? []) out[key] = minimalValue(s.properties?.[key], doc, key);
      return out;
    }
    case 'array':
      return Array.from({ length: s.minItems ?? 0 }, () => minimalValue(s.items, doc, name));
    case 'integer':
    case 'number': {
      const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 0);
      return type === 'integer' ? Math.ceil(min) : min;
    }
    case 'boolean':
      return false;
    case 'null':
      return null;
    case 'string':
    default: {
      const lower = name.toLowerCase();
      if (lower.includes('email')) return `generated-${++sequence}@matrix.example`;
      const min = Math.max(s.minLength ?? 1, lower.includes('password') ? 16 : 1);
      const base = `generated-${++sequence}-`;
      const value = (base + 'x'.repeat(Math.max(0, min - base.length))).slice(0, s.maxLength ?? Infinity);
      return value.length >= min ? value : 'x'.repeat(min);
    }
  }
}

/** The required query parameters of an operation, each with a minimal value (as strings). */
export function minimalQuery(op: OpenApiOperation, doc: OpenApiDocument): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of op.parameters ?? []) {
    if (p.in !== 'query' || !p.required) continue;
    out[p.name] = String(minimalValue(p.schema, doc, p.name));
  }
  return out;
}

/** Whether the operation takes the query parameter `name`. */
export function hasQueryParam(op: OpenApiOperation, name: string): boolean {
  return (op.parameters ?? []).some((p) => p.in === 'query' && p.name === name);
}

export function withQuery(url: string, query: Record<string, string>): string {
  const qs = new URLSearchParams(query).toString();
  return qs ? `${url}${url.includes('?') ? '&' : '?'}${qs}` : url;
}
