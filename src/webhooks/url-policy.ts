/**
 * Which webhook URLs TrustLens posts to. The URL is an operator's choice, but a security product must
 * not become a way into the network it runs in:
 *  - http(s) only, no fragment; https everywhere except to loopback and private (RFC 1918 / ULA)
 *    address literals and `localhost`, where receivers on the same host or network often live;
 *  - never link-local or unspecified addresses (169.254.0.0/16 holds cloud metadata services,
 *    fe80::/10, 0.0.0.0, ::) — checked on the URL and again on every address a name resolves to when
 *    connecting (DNS rebinding).
 */
import { AppError } from '../errors/index.ts';
import { forbiddenAddress, localAddress } from '../shared/network-address.ts';

export { forbiddenAddress, localAddress };

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

/**
 * "https://hooks.slack.com/…a1b2": enough to recognise a destination, not enough to use it. The last
 * 4 characters only when the path is long enough that they are a small part of it.
 */
export function urlHint(url: URL): string {
  const tail = `${url.pathname}${url.search}`.replace(/\/+$/, '');
  return `${url.protocol}//${url.host}/…${tail.length >= 16 ? tail.slice(-4) : ''}`;
}
