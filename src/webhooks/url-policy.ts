/**
 * Which webhook URLs TrustLens posts to. The URL is an operator's choice, but a security product must
 * not become a way into the network it runs in:
 *  - http(s) only, no fragment; https everywhere except to loopback and private (RFC 1918 / ULA)
 *    address literals and `localhost`, where receivers on the same host or network often live;
 *  - never link-local or unspecified addresses (169.254.0.0/16 holds cloud metadata services,
 *    fe80::/10, 0.0.0.0, ::) — checked on the URL and again on every address a name resolves to when
 *    connecting (DNS rebinding).
 */
import { isIP } from 'node:net';
import { AppError } from '../errors/index.ts';

function ipv4(host: string): number[] | null {
  if (isIP(host) !== 4) return null;
  return host.split('.').map(Number);
}

/** Addresses TrustLens never connects to (link-local, unspecified, IPv4-mapped forms of them). */
export function forbiddenAddress(address: string): boolean {
  const a = address.toLowerCase().replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  const v4 = ipv4(mapped ? mapped[1] : a);
  if (v4) return v4[0] === 0 || (v4[0] === 169 && v4[1] === 254);
  if (isIP(a) === 6) return a === '::' || /^fe[89ab][0-9a-f]:/.test(a) || a.startsWith('fe80');
  return false;
}

/** Loopback or private: plain http is accepted there. */
export function localAddress(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  const v4 = ipv4(h);
  if (v4) {
    return (
      v4[0] === 127 ||
      v4[0] === 10 ||
      (v4[0] === 172 && v4[1] >= 16 && v4[1] <= 31) ||
      (v4[0] === 192 && v4[1] === 168)
    );
  }
  if (isIP(h) === 6) return h === '::1' || /^f[cd][0-9a-f]{2}:/.test(h);
  return false;
}

/** Checks a destination URL; returns it normalised. The error never repeats the URL (it can hold a secret). */
export function checkWebhookUrl(raw: string): URL {
  const invalid = (why: string, remediation: string): never => {
    throw new AppError('INVALID_INPUT', `The webhook URL ${why}.`, {
      remediation,
      details: { field: 'url' },
    });
  };
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return invalid('is not a valid URL', 'Paste the full URL, e.g. https://hooks.slack.com/services/…');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    invalid(`uses ${url.protocol.replace(':', '')}`, 'Use an https:// URL.');
  }
  if (url.hash) invalid('has a #fragment', 'Remove the part from # on.');
  if (forbiddenAddress(url.hostname)) {
    invalid(
      'points to a link-local or unspecified address (such as a cloud metadata service)',
      'Use the address of your webhook receiver.',
    );
  }
  if (url.protocol === 'http:' && !localAddress(url.hostname)) {
    invalid(
      'uses plain http to a public host',
      'Use https:// (plain http is accepted only to localhost and private addresses).',
    );
  }
  return url;
}

/** "https://hooks.slack.com/…a1b2": enough to recognise a destination, not enough to use it. */
export function urlHint(url: URL): string {
  const tail = `${url.pathname}${url.search}`.replace(/\/+$/, '');
  return `${url.protocol}//${url.host}/…${tail.slice(-4)}`;
}
