import { AppError } from '../errors/index.ts';
import { forbiddenAddress, loopbackAddress, metadataHostName } from '../shared/network-address.ts';
import { MISTRAL_SERVERS, type MistralServer } from './types.ts';

/**
 * Resolves the connector's base URL: 'global' | 'eu' | 'us' | any http(s) URL.
 * Path prefixes are kept (the SDK appends `v1/...` to them); a trailing slash is removed.
 *
 * A base URL is an organization admin's choice on a shared instance, and the server calls it: it must
 * not become a way to reach the network TrustLens runs in. Link-local and unspecified addresses
 * (169.254.0.0/16 and fe80::/10 hold cloud metadata services; AWS's fd00:ec2::/32; Alibaba's
 * 100.100.100.200), in every notation the URL parser accepts, and the metadata services' host names
 * (metadata.google.internal, …) are refused, over http and https alike. The check reads the URL only:
 * a public name that resolves to such an address is not caught here (no DNS lookup is made), but at
 * each connection by src/mistral/http-get.ts, which checks every address the name resolves to.
 */
export function resolveBaseUrl(value: string | undefined): string {
  const raw = (value ?? 'global').trim();
  if (raw in MISTRAL_SERVERS) return MISTRAL_SERVERS[raw as MistralServer];
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid('The Mistral base URL is not a valid URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalid(`The Mistral base URL must use http or https (got "${url.protocol}").`);
  }
  if (url.username || url.password) {
    throw invalid('The Mistral base URL must not contain credentials.');
  }
  // The URL parser has already turned 0xa9fea9fe, 2852039166 and the like into dotted IPv4.
  if (forbiddenAddress(url.hostname) || metadataHostName(url.hostname)) {
    throw invalid(
      `The Mistral base URL ${url.host} points to a link-local, unspecified or cloud metadata address, which TrustLens never calls.`,
      'Use "global", "eu", "us", or the https URL of the Mistral API or of your proxy in front of it (e.g. https://api.mistral.ai).',
    );
  }
  // The key travels in the Authorization header: plain http only to this machine.
  if (url.protocol === 'http:' && !loopbackAddress(url.hostname)) {
    throw invalid(
      `The Mistral base URL ${url.host} uses plain http, so the API key would cross the network unencrypted.`,
    );
  }
  url.hash = '';
  url.search = '';
  return url.toString().replace(/\/+$/, '');
}

function invalid(message: string, remediation?: string): AppError {
  return new AppError('INVALID_INPUT', message, {
    remediation:
      remediation ??
      'Use "global", "eu", "us" or a full https URL such as https://api.mistral.ai (a path prefix is allowed; plain http only for localhost).',
  });
}
