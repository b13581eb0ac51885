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
 *  - every other field the SDK requires, by JSON type (string, boolean, object, array);
 *  - content chunks: only the SDK's chunk types of that entry's union (text, image_url,
 *    document_url, tool_file, thinking; plus tool_reference in an output), every required field
 *    checked as the SDK's schema does; any other chunk, known or not, is "not sure" (review F1).
 * Lenient on purpose, only where the SDK itself accepts any value: open enums (`role`,
 * `confirmation_status`, a chunk's `tool` or image `detail`: any string) and `info`/`arguments`
 * objects (any object). A model conversation with tools, completion arguments or guardrails is
 * never fast-accepted (the SDK flags unknown tools there), nor is an agent conversation that also
 * carries any model conversation field (the SDK reads it as a model conversation, review F1).
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

const isSafeInt = (v: unknown): boolean => Number.isSafeInteger(v);

/**
 * The content chunk types the fast path accepts, each checked field by field as the SDK's own
 * schema checks it (required fields with their type; optional ones absent, null where the SDK
 * allows it, or of their type; open enums such as `detail` or `tool` are any string there).
 * Extra fields are fine: the SDK's objects strip them. Any other chunk type, known to the SDK or
 * not, is "not sure" (review F1): the answer is replayed through the SDK, which gives the
 * warning if it rejects it.
 */
function textChunkOk(c: Obj): boolean {
  return c.type === 'text' && isString(c.text);
}
function toolReferenceChunkOk(c: Obj): boolean {
  return (
    c.type === 'tool_reference' &&
    isString(c.tool) &&
    isString(c.title) &&
    optNullString(c.url) &&
    optNullString(c.favicon) &&
    optNullString(c.description)
  );
}
function toolFileChunkOk(c: Obj): boolean {
  return (
    c.type === 'tool_file' &&
    isString(c.tool) &&
    isString(c.file_id) &&
    optNullString(c.file_name) &&
    optNullString(c.file_type)
  );
}
function imageUrlChunkOk(c: Obj): boolean {
  if (c.type !== 'image_url') return false;
  const u = c.image_url;
  return isString(u) || (isObject(u) && isString(u.url) && optNullString(u.detail));
}
function documentUrlChunkOk(c: Obj): boolean {
  return c.type === 'document_url' && isString(c.document_url) && optNullString(c.document_name);
}
function referenceChunkOk(c: Obj): boolean {
  if (c.type !== 'reference' || !Array.isArray(c.reference_ids)) return false;
  for (const r of c.reference_ids) if (!isString(r) && !isSafeInt(r)) return false;
  return true;
}
function thinkChunkOk(c: Obj): boolean {
  if (c.type !== 'thinking' || !Array.isArray(c.thinking)) return false;
  if (!optNullString(c.signature) || !(c.closed === undefined || typeof c.closed === 'boolean')) return false;
  for (const t of c.thinking)
    if (!isObject(t) || !(textChunkOk(t) || toolReferenceChunkOk(t) || referenceChunkOk(t))) return false;
  return true;
}

/** MessageInputContentChunks: tool_file, text, image_url, document_url, thinking. */
function inputChunkOk(c: unknown): boolean {
  if (!isObject(c)) return false;
  switch (c.type) {
    case 'text':
      return textChunkOk(c);
    case 'image_url':
      return imageUrlChunkOk(c);
    case 'document_url':
      return documentUrlChunkOk(c);
    case 'tool_file':
      return toolFileChunkOk(c);
    case 'thinking':
      return thinkChunkOk(c);
    default:
      return false;
  }
}

/** MessageOutputContentChunks: the input ones plus tool_reference. */
function outputChunkOk(c: unknown): boolean {
  return isObject(c) && (c.type === 'tool_reference' ? toolReferenceChunkOk(c) : inputChunkOk(c));
}

/** string content, or an array of chunks each accepted by `chunkOk`. */
function isContent(v: unknown, chunkOk: (c: unknown) => boolean): boolean {
  if (typeof v === 'string') return true;
  if (!Array.isArray(v)) return false;
  for (const c of v) if (!chunkOk(c)) return false;
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
        isString(e.role) &&
        isContent(e.content, inputChunkOk) &&
        (e.prefix === undefined || typeof e.prefix === 'boolean')
      );
    case 'message.output':
      return (
        optNullString(e.agent_id) &&
        optNullString(e.model) &&
        (e.role === undefined || e.role === 'assistant') &&
        isContent(e.content, outputChunkOk)
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

/** Fields only a model conversation has (the SDK's ModelConversation), besides `model`. */
const MODEL_FIELDS = ['model', 'tools', 'completion_args', 'instructions', 'guardrails'] as const;

/** One conversation of a listing: an agent conversation, or a model conversation without tools. */
export function fastConversationOk(c: unknown): boolean {
  if (!isObject(c) || !commonConversationOk(c)) return false;
  if (isString(c.agent_id)) {
    // A record that also carries a model conversation's fields is read by the SDK as a model
    // conversation (its union picks the closer match) and its tools judged (review F1): not sure.
    for (const k of MODEL_FIELDS) if (c[k] !== undefined) return false;
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
