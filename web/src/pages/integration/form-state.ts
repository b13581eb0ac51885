/**
 * Client-side checks of the integration forms (the server repeats them; these only spare a round trip)
 * and the split of an API error between a form field and the form as a whole.
 */
import type { ApiError } from '../../api/client';
import { customUrlProblem, errorText, fieldOfError, type FormField, type RegionChoice } from './helpers';

export type FieldErrors = Partial<Record<FormField | 'customUrl', string>>;

export const MAX_NAME = 100;

export function nameProblem(name: string): string | null {
  const v = name.trim();
  if (!v) return 'Enter a name, such as "production workspace".';
  if (v.length > MAX_NAME) return `Use at most ${MAX_NAME} characters.`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(v)) return 'Use printable characters only.';
  return null;
}

export function apiKeyProblem(key: string): string | null {
  const v = key.trim();
  if (!v) return 'Enter the API key (admin.mistral.ai → Organization → API Keys).';
  if (/\s/.test(v))
    return 'The key has spaces in it: copy it again from the Mistral console, without spaces.';
  if (v.length > 1000) return 'This is too long to be a Mistral API key: copy it again.';
  return null;
}

/** The problems of a create form before it is sent (empty object: send it). */
export function checkCreate(input: {
  name: string;
  apiKey: string;
  region: RegionChoice;
  customUrl: string;
}): FieldErrors {
  const errors: FieldErrors = {};
  const n = nameProblem(input.name);
  if (n) errors.name = n;
  const k = apiKeyProblem(input.apiKey);
  if (k) errors.apiKey = k;
  if (input.region === 'custom') {
    const u = customUrlProblem(input.customUrl);
    if (u) errors.customUrl = u;
  }
  return errors;
}

/**
 * Places an API error: next to its field when it is about one (the key, the name, the address), else
 * for the whole form. A base URL error goes under the custom URL field when one is in use.
 */
export function placeError(
  error: ApiError,
  region: RegionChoice,
): { fields: FieldErrors; form: ApiError | null } {
  const field = fieldOfError(error);
  if (!field) return { fields: {}, form: error };
  const key = field === 'baseUrl' && region === 'custom' ? 'customUrl' : field;
  return { fields: { [key]: errorText(error) }, form: null };
}
