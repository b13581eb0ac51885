/**
 * What an address or host name points at, as far as the text tells (no DNS): the pure checks behind
 * the webhook URL policy (src/webhooks/url-policy.ts) and the Mistral base URL (src/mistral/base-url.ts).
 * A security product must not become a way into the network it runs in, so neither ever reaches a
 * link-local or cloud-metadata address.
 */
import { isIP } from 'node:net';

function ipv4(host: string): number[] | null {
  if (isIP(host) !== 4) return null;
  return host.split('.').map(Number);
}

/** The 8 groups of an IPv6 address (embedded dotted IPv4 included), or null. */
function ipv6Groups(address: string): number[] | null {
  if (isIP(address) !== 6) return null;
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1].split('.').map(Number);
    text = `${text.slice(0, -dotted[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, null];
  const part = (x: string) => (x ? x.split(':').map((g) => parseInt(g, 16)) : []);
  const h = part(head);
  const t = tail === null ? [] : part(tail);
  const groups = tail === null ? h : [...h, ...new Array(8 - h.length - t.length).fill(0), ...t];
  return groups.length === 8 ? groups : null;
}

/**
 * The IPv4 address an IPv6 address stands for, when it embeds one: IPv4-mapped (::ffff:a.b.c.d, in any
 * notation), IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) — all reach the IPv4 host.
 */
function embeddedIpv4(groups: number[]): string | null {
  const zero = (from: number, to: number) => groups.slice(from, to).every((g) => g === 0);
  const v4 = () => `${groups[6] >> 8}.${groups[6] & 255}.${groups[7] >> 8}.${groups[7] & 255}`;
  if (zero(0, 5) && groups[5] === 0xffff) return v4();
  if (zero(0, 6) && (groups[6] !== 0 || groups[7] > 1)) return v4();
  if (groups[0] === 0x64 && groups[1] === 0xff9b && zero(2, 6)) return v4();
  return null;
}

/** What an address really is: an IPv4 address (unwrapped from IPv6 when embedded), or IPv6 groups. */
function classify(address: string): { v4: number[] } | { v6: number[] } | null {
  const a = address.toLowerCase().replace(/^\[|\]$/g, '');
  const v4 = ipv4(a);
  if (v4) return { v4 };
  const groups = ipv6Groups(a);
  if (!groups) return null;
  const inner = embeddedIpv4(groups);
  return inner ? { v4: ipv4(inner)! } : { v6: groups };
}

/**
 * Addresses TrustLens never connects to: unspecified, link-local (169.254.0.0/16 holds cloud metadata
 * services), 192.0.0.0/24, Alibaba's metadata address 100.100.100.200, fe80::/10, and AWS's IPv6
 * metadata prefix fd00:ec2::/32 — in every IPv6 form that reaches them.
 */
export function forbiddenAddress(address: string): boolean {
  const c = classify(address);
  if (!c) return false;
  if ('v4' in c) {
    const [a, b, x, y] = c.v4;
    return (
      a === 0 ||
      (a === 169 && b === 254) ||
      (a === 192 && b === 0 && x === 0) ||
      (a === 100 && b === 100 && x === 100 && y === 200)
    );
  }
  const g = c.v6;
  return g.every((x) => x === 0) || (g[0] & 0xffc0) === 0xfe80 || (g[0] === 0xfd00 && g[1] === 0x0ec2);
}

/** Loopback or private: plain http is accepted there. */
export function localAddress(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  const c = classify(h);
  if (!c) return false;
  if ('v4' in c) {
    const v4 = c.v4;
    return (
      v4[0] === 127 ||
      v4[0] === 10 ||
      (v4[0] === 172 && v4[1] >= 16 && v4[1] <= 31) ||
      (v4[0] === 192 && v4[1] === 168)
    );
  }
  const g = c.v6;
  return (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) || (g[0] & 0xfe00) === 0xfc00;
}

/**
 * This machine only: `localhost`, 127.0.0.0/8 and ::1 (also as IPv4-mapped). Not `*.localhost`, which
 * not every resolver keeps on this machine.
 */
export function loopbackAddress(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost') return true;
  const c = classify(h);
  if (!c) return false;
  if ('v4' in c) return c.v4[0] === 127;
  return c.v6.slice(0, 7).every((x) => x === 0) && c.v6[7] === 1;
}

/**
 * Host names of cloud metadata services (Google Cloud, AWS, and the bare names some platforms resolve
 * on their own network), any case, with or without a trailing dot. Their addresses are link-local
 * (forbiddenAddress); the names are refused too where a host is judged without resolving it.
 */
const METADATA_HOSTS: ReadonlySet<string> = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
]);

export function metadataHostName(host: string): boolean {
  return METADATA_HOSTS.has(host.toLowerCase().replace(/\.$/, ''));
}
