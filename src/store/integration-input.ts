/** Validation and normalisation of what a user gives for an integration (name, base URL, frequency, key). */
import { AppError } from '../errors/index.ts';
import { resolveBaseUrl } from '../mistral/base-url.ts';

/** The organization of a single-organization installation (the CLI's, the demo's). */
export const DEFAULT_ORGANIZATION_ID = 'org_default';
export const DEFAULT_SYNC_FREQUENCY_MINUTES = 360;
export const MIN_SYNC_FREQUENCY_MINUTES = 15;
export const MAX_SYNC_FREQUENCY_MINUTES = 7 * 24 * 60;
export const MAX_NAME_LENGTH = 100;

export function normalizeIntegrationName(name: unknown): string {
  const value = typeof name === 'string' ? name.trim() : '';
  // eslint-disable-next-line no-control-regex
  if (!value || value.length > MAX_NAME_LENGTH || /[\u0000-\u001f\u007f]/.test(value)) {
    throw new AppError(
      'INVALID_INPUT',
      `An integration name must be 1 to ${MAX_NAME_LENGTH} printable characters.`,
      {
        remediation: 'Choose a short name such as "production workspace".',
      },
    );
  }
  return value;
}

/**
 * 'global' | 'eu' | 'us' (the Mistral servers, any case) or an http(s) URL without credentials, as the
 * connector resolves it (src/mistral/base-url.ts). Returns the URL to call. Default: global.
 */
export function normalizeBaseUrl(baseUrl: unknown): string {
  if (baseUrl === undefined || baseUrl === null || baseUrl === '') return resolveBaseUrl(undefined);
  if (typeof baseUrl !== 'string') {
    throw new AppError('INVALID_INPUT', 'The base URL must be text.', {
      remediation: 'Use global, eu, us, or a URL such as https://api.mistral.ai.',
    });
  }
  const value = baseUrl.trim();
  return resolveBaseUrl(/^(global|eu|us)$/i.test(value) ? value.toLowerCase() : value);
}

export function normalizeSyncFrequency(minutes: unknown): number {
  if (minutes === undefined || minutes === null) return DEFAULT_SYNC_FREQUENCY_MINUTES;
  if (
    typeof minutes !== 'number' ||
    !Number.isInteger(minutes) ||
    minutes < MIN_SYNC_FREQUENCY_MINUTES ||
    minutes > MAX_SYNC_FREQUENCY_MINUTES
  ) {
    throw new AppError(
      'INVALID_INPUT',
      `The sync frequency must be a whole number of minutes from ${MIN_SYNC_FREQUENCY_MINUTES} to ${MAX_SYNC_FREQUENCY_MINUTES}.`,
      { remediation: 'For example 60 for hourly, 360 (the default) for every 6 hours, 1440 for daily.' },
    );
  }
  return minutes;
}

/** Trims the key; refuses an empty one or one with inner whitespace. The message never contains the key. */
export function normalizeApiKey(apiKey: unknown): string {
  const value = typeof apiKey === 'string' ? apiKey.trim() : '';
  if (!value || value.length > 1024 || /\s/.test(value)) {
    throw new AppError('INVALID_INPUT', 'The API key is empty or malformed.', {
      remediation: 'Copy the key again from the Mistral console (La Plateforme → API keys), without spaces.',
    });
  }
  return value;
}
