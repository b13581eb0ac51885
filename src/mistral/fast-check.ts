/**
 * Fast, hand-written checks for the bulk answers of a sync (issue 13): conversation histories
 * (one request per conversation), conversation listing pages and agent aliases (one request per
 * agent). The SDK's zod parse of these answers cost ~3 ms of CPU per request; these checks cost
 * a few microseconds. (Agent versions keep the SDK's own schema: see connector.ts.)
 *
 * A check answers one question: "would the SDK surely accept this answer, as far as TrustLens
 * relies on it?" `true` means the connector keeps the raw answer with no warning and the SDK is
 * not run. `false` means "not sure": the connector hands the very same answer to the SDK (a
 * replay, no second request), so a record that fails here gets exactly the data-quality warning,
 * and is kept raw, as before the fast path existed.
 *
 * What is checked, with the SDK's own types (src/usage/contribution.ts and src/usage read these):
 *  - every field usage and the rules read: an entry's `type` (one of the six the SDK knows),
 *    `agent_id`, `next_agent_id`, `name`, `created_at`/`completed_at` (zod's own ISO datetime
 *    pattern with offset, as the SDK's `z.iso.datetime({ offset: true })`), `id`; a
 *    conversation's `id`, `agent_id`, `model`, `created_at`, `updated_at`;
 *  - every other field the SDK requires, by JSON type (string, boolean, object, array).
 * Lenient on purpose (the issue allows it for bulk history entries): the inside of content chunks
 * (only "an object with a string `type`"), enum values (`role`, `confirmation_status`: strings)
 * and `info`/`arguments` objects (any object). A model conversation with tools, completion
 * arguments or guardrails is never fast-accepted (the SDK flags unknown tools there).
 */
import { regexes } from 'zod/v4/core';

/** The pattern of the SDK's `z.iso.datetime({ offset: true })` (zod builds it the same way). */
const DATETIME = regexes.datetime({ offset: true, local: false, precision: null });

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const optString = (v: unknown): boolean => v === undefined || typeof v === 'string';
const optNullString = (v: unknown): boolean => v === undefined || v === null || typeof v === 'string';
const isDatetime = (v: unknown): boolean => typeof v === 'string' && DATETIME.test(v);
const optDatetime = (v: unknown): boolean => v === undefined || isDatetime(v);
const optNullDatetime = (v: unknown): boolean => v === undefined || v === null || isDatetime(v);

/** string content, or an array of chunks that are objects with a string `type`. */
function isContent(v: unknown): boolean {
  if (typeof v === 'string') return true;
  if (!Array.isArray(v)) return false;
  for (const c of v) if (!isObject(c) || typeof c.type !== 'string') return false;
  return true;
}

/** One history entry (the SDK's union of six entry schemas). */
export function fastEntryOk(e: unknown): boolean {
  if (!isObject(e)) return false;
  if (e.object !== undefined && e.object !== 'entry') return false;
  if (!optDatetime(e.created_at) || !optNullDatetime(e.completed_at) || !optString(e.id)) return false;
  switch (e.type) {
    case 'message.input':
      return (
        isString(e.role) && isContent(e.content) && (e.prefix === undefined || typeof e.prefix === 'boolean')
      );
    case 'message.output':
      return (
        optNullString(e.agent_id) &&
        optNullString(e.model) &&
        (e.role === undefined || e.role === 'assistant') &&
        isContent(e.content)
      );
    case 'tool.execution':
      return (
        optNullString(e.agent_id) &&
        optNullString(e.model) &&
        isString(e.name) &&
        isString(e.arguments) &&
        (e.info === undefined || isObject(e.info))
      );
    case 'function.call':
      return (
        optNullString(e.agent_id) &&
        optNullString(e.model) &&
        isString(e.tool_call_id) &&
        isString(e.name) &&
        (isString(e.arguments) || isObject(e.arguments)) &&
        optNullString(e.confirmation_status)
      );
    case 'function.result':
      return isString(e.tool_call_id) && isString(e.result);
    case 'agent.handoff':
      return (
        isString(e.previous_agent_id) &&
        isString(e.previous_agent_name) &&
        isString(e.next_agent_id) &&
        isString(e.next_agent_name)
      );
    default:
      return false;
  }
}

/** A GET /v1/conversations/{id}/history body: `conversation_id` and an array of entries. */
export function fastHistoryOk(body: unknown): boolean {
  if (!isObject(body)) return false;
  if (body.object !== undefined && body.object !== 'conversation.history') return false;
  if (!isString(body.conversation_id) || !Array.isArray(body.entries)) return false;
  for (const e of body.entries) if (!fastEntryOk(e)) return false;
  return true;
}

function commonConversationOk(c: Obj): boolean {
  return (
    isString(c.id) &&
    isDatetime(c.created_at) &&
    isDatetime(c.updated_at) &&
    (c.object === undefined || c.object === 'conversation') &&
    optNullString(c.name) &&
    optNullString(c.description) &&
    (c.metadata === undefined || c.metadata === null || isObject(c.metadata))
  );
}

/** One conversation of a listing: an agent conversation, or a model conversation without tools. */
export function fastConversationOk(c: unknown): boolean {
  if (!isObject(c) || !commonConversationOk(c)) return false;
  if (isString(c.agent_id)) {
    const v = c.agent_version;
    return v === undefined || v === null || typeof v === 'string' || Number.isSafeInteger(v);
  }
  return (
    c.agent_id === undefined &&
    isString(c.model) &&
    optNullString(c.instructions) &&
    (c.tools === undefined || (Array.isArray(c.tools) && c.tools.length === 0)) &&
    c.completion_args === undefined &&
    (c.guardrails === undefined || c.guardrails === null)
  );
}

/** One alias of GET /v1/agents/{id}/aliases: exactly the SDK's AgentAliasResponse (four fields). */
export function fastAliasOk(a: unknown): boolean {
  return (
    isObject(a) &&
    isString(a.alias) &&
    Number.isSafeInteger(a.version) &&
    isDatetime(a.created_at) &&
    isDatetime(a.updated_at)
  );
}

export function fastAliasPageOk(body: unknown): boolean {
  if (!Array.isArray(body)) return false;
  for (const a of body) if (!fastAliasOk(a)) return false;
  return true;
}

/** A GET /v1/conversations page: a JSON array of conversations. */
export function fastConversationPageOk(body: unknown): boolean {
  if (!Array.isArray(body)) return false;
  for (const c of body) if (!fastConversationOk(c)) return false;
  return true;
}
