/**
 * The submit of a form that sends one API key (the key rotation of the settings, the admin key): the
 * key typed is held in component state only, checked before it is sent, sent once in a request body and
 * cleared from the field before the answer comes back (after every attempt); an error about the key goes
 * under the field, any other one above the form. The caller gives the request and what follows success.
 */
import { useState, type FormEvent } from 'react';
import type { ApiError } from '../../api/client';
import { apiKeyProblem } from './form-state';
import { asApiError } from './helpers';

export interface KeySubmitOptions<T> {
  /** Sends the key (its one request). */
  send(key: string): Promise<T>;
  /** After the request succeeded: update the cache, say so. */
  saved(result: T): Promise<void> | void;
  /** The text for under the key field when the error is about the key itself; otherwise null. */
  keyError(e: ApiError): string | null | undefined;
  /** Clears what a previous attempt said (its success message), at each new attempt. */
  reset?(): void;
}

export function useKeySubmit<T>(options: KeySubmitOptions<T>) {
  const [apiKey, setApiKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [formError, setFormError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const problem = apiKeyProblem(apiKey);
    setError(problem);
    setFormError(null);
    options.reset?.();
    if (problem) return;
    setBusy(true);
    const key = apiKey;
    setApiKey('');
    try {
      await options.saved(await options.send(key));
    } catch (err) {
      const apiError = asApiError(err);
      const aboutKey = options.keyError(apiError);
      if (aboutKey) setError(aboutKey);
      else setFormError(apiError);
    } finally {
      setBusy(false);
    }
  }

  /** The key field's onChange: a new key clears the error under it. */
  function changeKey(value: string) {
    setApiKey(value);
    setError(null);
  }

  return { apiKey, changeKey, error, formError, setFormError, busy, setBusy, submit };
}
