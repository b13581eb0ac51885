/**
 * `JSON.stringify(value, null, 2) + '\n'`, the scan's JSON format, written piece by piece: the same
 * bytes, without ever holding the whole text. A 2,000-agent report is tens of MB of text (and as much
 * again once turned into bytes for stdout), held at the very end of a scan, when its memory is highest
 * (issue 13: peak resident memory of `scan --data-dir`; bench/memory-bench.ts).
 *
 * Plain objects and arrays near the top are walked (the report, its lists, their records); everything
 * else (and deeper) goes through JSON.stringify itself, re-indented, so its rules (toJSON, undefined,
 * functions and symbols dropped from objects and null in arrays, escapes) are the ones applied.
 * Pieces are gathered up to CHUNK characters before each write.
 */

const CHUNK = 64 * 1024;
/** Levels walked; deeper values are stringified whole (a record's fields: small). */
const WALK_DEPTH = 3;

function walkable(v: unknown): v is Record<string, unknown> | unknown[] {
  if (v === null || typeof v !== 'object') return false;
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return Array.isArray(v) ? proto === Array.prototype : proto === Object.prototype || proto === null;
}

/** JSON.stringify(v, null, 2) placed at `indent` (undefined where JSON.stringify gives undefined). */
function whole(v: unknown, indent: string): string | undefined {
  const s = JSON.stringify(v, null, 2) as string | undefined;
  return s === undefined || indent === '' ? s : s.replace(/\n/g, `\n${indent}`);
}

export function writePrettyJson(value: unknown, write: (text: string) => void): void {
  let buffer = '';
  const out = (s: string) => {
    buffer += s;
    if (buffer.length >= CHUNK) {
      write(buffer);
      buffer = '';
    }
  };

  /** Writes `v` at `indent`; false (nothing written) where JSON.stringify would give undefined. */
  function emit(v: unknown, indent: string, depth: number): boolean {
    if (depth >= WALK_DEPTH || !walkable(v)) {
      const s = whole(v, indent);
      if (s === undefined) return false;
      out(s);
      return true;
    }
    const inner = `${indent}  `;
    if (Array.isArray(v)) {
      if (v.length === 0) {
        out('[]');
        return true;
      }
      out('[');
      for (let i = 0; i < v.length; i++) {
        out(i === 0 ? `\n${inner}` : `,\n${inner}`);
        if (!emit(v[i], inner, depth + 1)) out('null');
      }
      out(`\n${indent}]`);
      return true;
    }
    let members = 0;
    for (const key of Object.keys(v)) {
      const x = v[key];
      // Decide before writing the key: a member JSON.stringify drops is not written at all.
      if (depth + 1 >= WALK_DEPTH || !walkable(x)) {
        const s = whole(x, inner);
        if (s === undefined) continue;
        out(`${members++ === 0 ? '{' : ','}\n${inner}${JSON.stringify(key)}: ${s}`);
      } else {
        out(`${members++ === 0 ? '{' : ','}\n${inner}${JSON.stringify(key)}: `);
        emit(x, inner, depth + 1);
      }
    }
    out(members === 0 ? '{}' : `\n${indent}}`);
    return true;
  }

  if (!emit(value, '', 0)) throw new TypeError('nothing to write: the value has no JSON form');
  out('\n');
  if (buffer) write(buffer);
}
