/**
 * Credentials that the Mistral API returns inside agent configuration (a connector's
 * `authorization.value`, any string under a key that names a credential) are replaced by
 * "[REDACTED]" the moment a wire object becomes an inventory record: they are never stored,
 * reported, exported or diffed. (Instructions are kept: they are the configuration under review;
 * the secret-detection rule reports credentials in them by kind and location only.)
 */
import type { WireTool } from '../shared/mistral-wire.ts';

export const REDACTED = '[REDACTED]';

const SECRET_KEY = /(api[_-]?key|secret|password|passwd|token|credential)s?$/i;

/**
 * A copy of a tool with credentials replaced by "[REDACTED]": a connector's `authorization.value`,
 * and any string under a key that names a credential. A rotated connector token is therefore not
 * reported as a change (the event log must never hold it, not even hashed).
 */
export function redactTool(tool: WireTool): WireTool {
  return redact(tool, null) as WireTool;
}

function redact(value: unknown, key: string | null): unknown {
  if (Array.isArray(value)) return value.map((v) => redact(v, null));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (key === 'authorization' && k === 'value' && v !== null && v !== undefined) out[k] = REDACTED;
      else out[k] = redact(v, k);
    }
    return out;
  }
  if (typeof value === 'string' && key !== null && SECRET_KEY.test(key)) return REDACTED;
  return value;
}
