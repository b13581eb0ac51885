import { AppError } from '../errors/index.ts';
import { MISTRAL_SERVERS, type MistralServer } from './types.ts';

/**
 * Resolves the connector's base URL: 'global' | 'eu' | 'us' | any http(s) URL.
 * Path prefixes are kept (the SDK appends `v1/...` to them); a trailing slash is removed.
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
  // The key travels in the Authorization header: plain http only to this machine.
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw invalid(
      `The Mistral base URL ${url.host} uses plain http, so the API key would cross the network unencrypted.`,
    );
  }
  if (url.username || url.password) {
    throw invalid('The Mistral base URL must not contain credentials.');
  }
  url.hash = '';
  url.search = '';
  return url.toString().replace(/\/+$/, '');
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function invalid(message: string): AppError {
  return new AppError('INVALID_INPUT', message, {
    remediation:
      'Use "global", "eu", "us" or a full https URL such as https://api.mistral.ai (a path prefix is allowed; plain http only for localhost).',
  });
}
