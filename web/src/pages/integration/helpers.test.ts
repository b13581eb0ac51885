import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/client';
import { apiKeyProblem, checkCreate, nameProblem, placeError } from './form-state';
import {
  baseUrlToSend,
  countsLine,
  customUrlProblem,
  describeBaseUrl,
  featureState,
  fieldOfError,
  formatDuration,
  intervalOptions,
  isInProgress,
  isRunning,
  regionOf,
  resolvedBaseUrl,
  RESOURCE_TYPES,
  runCounts,
  STATUS_HEADLINE,
  type FeatureAvailability,
  type SyncRun,
} from './helpers';
import { run } from './test-utils';

const err = (code: string, message: string, details: unknown = null, status = 400) =>
  new ApiError(status, code, message, 'remedy', details);

describe('regions and base URLs', () => {
  it('recognises the Mistral regions and treats anything else as custom', () => {
    expect(regionOf('https://api.mistral.ai')).toEqual({ region: 'global', customUrl: '' });
    expect(regionOf('https://api.eu.mistral.ai/')).toEqual({ region: 'eu', customUrl: '' });
    expect(regionOf('https://api.us.mistral.ai')).toEqual({ region: 'us', customUrl: '' });
    expect(regionOf('http://127.0.0.1:4010')).toEqual({
      region: 'custom',
      customUrl: 'http://127.0.0.1:4010',
    });
    expect(describeBaseUrl('https://api.eu.mistral.ai')).toBe('EU (api.eu.mistral.ai)');
    expect(describeBaseUrl('https://api.mistral.ai')).toBe('Global (api.mistral.ai)');
    expect(describeBaseUrl('https://proxy.example/mistral')).toBe('https://proxy.example/mistral');
  });

  it('sends the region keyword, or the custom URL trimmed', () => {
    expect(baseUrlToSend('eu', 'ignored')).toBe('eu');
    expect(baseUrlToSend('custom', '  https://x.example/p  ')).toBe('https://x.example/p');
  });

  it('refuses the custom URLs the server refuses', () => {
    expect(customUrlProblem('')).toMatch(/Enter the base URL/);
    expect(customUrlProblem('api.mistral.ai')).toMatch(/not a valid URL/);
    expect(customUrlProblem('ftp://x.example')).toMatch(/https/);
    expect(customUrlProblem('http://proxy.example')).toMatch(/unencrypted/);
    expect(customUrlProblem('https://user:pw@x.example')).toMatch(/credentials/);
    expect(customUrlProblem('http://localhost:8080')).toBeNull();
    expect(customUrlProblem('http://127.0.0.1:8080/v')).toBeNull();
    expect(customUrlProblem('https://gateway.example/mistral/')).toBeNull();
  });

  it('resolves a choice to the URL the server stores (to tell whether the address changes)', () => {
    expect(resolvedBaseUrl('global', '')).toBe('https://api.mistral.ai');
    expect(resolvedBaseUrl('custom', 'https://gw.example/mistral/?x=1#h')).toBe('https://gw.example/mistral');
    expect(resolvedBaseUrl('custom', 'http://127.0.0.1:4010/')).toBe('http://127.0.0.1:4010');
    expect(resolvedBaseUrl('custom', 'nope')).toBeNull();
  });
});

describe('sync intervals', () => {
  it('offers 15 minutes to 7 days with 6 hours marked as the default', () => {
    const options = intervalOptions();
    expect(options[0]).toEqual({ value: '15', label: 'Every 15 minutes' });
    expect(options.at(-1)).toEqual({ value: '10080', label: 'Every 7 days' });
    expect(options.find((o) => o.value === '360')?.label).toBe('Every 6 hours (default)');
    expect(options.every((o) => Number(o.value) >= 15 && Number(o.value) <= 10080)).toBe(true);
  });

  it('keeps a stored interval that is not a preset, in order', () => {
    const values = intervalOptions(45).map((o) => o.value);
    expect(values).toContain('45');
    expect(values.indexOf('45')).toBe(values.indexOf('30') + 1);
    expect(intervalOptions(360).filter((o) => o.value === '360')).toHaveLength(1);
  });
});

describe('which field an API error is about', () => {
  it('puts key refusals next to the key field', () => {
    expect(fieldOfError(err('INVALID_API_KEY', 'The API key is invalid or has expired.'))).toBe('apiKey');
    expect(fieldOfError(err('INVALID_INPUT', 'The API key is empty or malformed.'))).toBe('apiKey');
    expect(
      fieldOfError(
        err('INVALID_INPUT', 'Changing the base URL needs the API key again.', { field: 'apiKey' }),
      ),
    ).toBe('apiKey');
    expect(
      fieldOfError(err('CONFLICT', 'This is already the key of this integration: nothing was rotated.')),
    ).toBe('apiKey');
  });

  it('puts address problems next to the base URL and name clashes next to the name', () => {
    expect(
      fieldOfError(err('UNREACHABLE', 'Could not reach the Mistral API for GET /v1/models', null, 502)),
    ).toBe('baseUrl');
    expect(fieldOfError(err('UNEXPECTED_RESPONSE', 'answered with a web page', null, 502))).toBe('baseUrl');
    expect(fieldOfError(err('INVALID_INPUT', 'The Mistral base URL is not a valid URL.'))).toBe('baseUrl');
    expect(fieldOfError(err('CONFLICT', 'An integration named "x" already exists.', null, 409))).toBe('name');
    expect(
      fieldOfError(err('INVALID_INPUT', 'An integration name must be 1 to 100 printable characters.')),
    ).toBe('name');
    expect(
      fieldOfError(
        err('INVALID_INPUT', 'Invalid syncIntervalMinutes in the request body', {
          field: 'syncIntervalMinutes',
        }),
      ),
    ).toBe('syncIntervalMinutes');
  });

  it('leaves errors about the request as a whole to the form', () => {
    expect(fieldOfError(err('FORBIDDEN', 'Admins only.', null, 403))).toBeNull();
    expect(fieldOfError(err('RATE_LIMITED', 'Mistral kept answering 429', null, 503))).toBeNull();
    expect(fieldOfError(err('CONFLICT', 'TrustLens is shutting down', null, 503))).toBeNull();
  });

  it('places the error text (message then remediation) under the custom URL when one is in use', () => {
    const e = new ApiError(502, 'UNREACHABLE', 'Could not reach it.', 'Check the base URL.');
    expect(placeError(e, 'custom')).toEqual({
      fields: { customUrl: 'Could not reach it. Check the base URL.' },
      form: null,
    });
    expect(placeError(e, 'eu').fields).toEqual({ baseUrl: 'Could not reach it. Check the base URL.' });
    const forbidden = err('FORBIDDEN', 'no');
    expect(placeError(forbidden, 'global')).toEqual({ fields: {}, form: forbidden });
  });
});

describe('client-side checks', () => {
  it('checks the name, the key and the custom URL before sending', () => {
    expect(nameProblem('  ')).toMatch(/Enter a name/);
    expect(nameProblem('x'.repeat(101))).toMatch(/100/);
    expect(nameProblem('prod')).toBeNull();
    expect(apiKeyProblem('')).toMatch(/Enter the API key/);
    expect(apiKeyProblem('ab cd')).toMatch(/spaces/);
    expect(apiKeyProblem('  abcd  ')).toBeNull();
    expect(checkCreate({ name: 'p', apiKey: 'k', region: 'global', customUrl: '' })).toEqual({});
    expect(
      Object.keys(checkCreate({ name: '', apiKey: '', region: 'custom', customUrl: 'x' })).sort(),
    ).toEqual(['apiKey', 'customUrl', 'name']);
  });
});

describe('sync runs', () => {
  it('shows counts only for features that were read; the zeros of unread ones are unknown', () => {
    const partial: SyncRun = run({
      status: 'partial',
      countsByType: { agent: 0, model: 12, file: 0, library: 0 },
      availability: {
        models: { status: 'available' },
        files: { status: 'error', code: 'RATE_LIMITED', message: 'm', remediation: 'r' },
        agents: { status: 'unavailable', code: 'BETA_ACCESS_REQUIRED' },
        libraries: { status: 'unavailable' },
      },
    });
    expect(runCounts(partial).map((c) => [c.type, c.count, c.reason])).toEqual([
      ['agent', null, 'not available'],
      ['model', 12, null],
      ['file', null, 'could not be read'],
      ['library', null, 'not available'],
    ]);
    expect(countsLine(partial)).toBe(
      'Agents: unknown (not available) · Models: 12 · Files: unknown (could not be read) · Libraries: unknown (not available)',
    );
  });

  it('keeps a real zero when the feature was read', () => {
    expect(runCounts(run({ countsByType: { agent: 0, model: 1, file: 0, library: 0 } }))[0].count).toBe(0);
  });

  it('counts nothing while running or without counts', () => {
    expect(
      runCounts(run({ status: 'running', countsByType: null, availability: null })).every(
        (c) => c.count === null,
      ),
    ).toBe(true);
    expect(runCounts(run({ status: 'interrupted', countsByType: null, availability: null }))[1].reason).toBe(
      'not counted',
    );
  });

  it('treats a queued run as in progress: polled, counted as unknown, never as finished', () => {
    const queued = run({
      status: 'queued',
      finishedAt: null,
      durationMs: null,
      countsByType: null,
      availability: null,
    });
    expect(isRunning(queued)).toBe(true);
    expect(isRunning(run({ status: 'running' }))).toBe(true);
    expect(isRunning(run({ status: 'succeeded' }))).toBe(false);
    expect(isRunning(run({ status: 'interrupted' }))).toBe(false);
    expect(isRunning(null)).toBe(false);
    expect(isInProgress('queued')).toBe(true);
    expect(isInProgress('failed')).toBe(false);
    expect(runCounts(queued).map((c) => [c.count, c.reason])).toEqual(
      RESOURCE_TYPES.map(() => [null, 'not started yet']),
    );
    expect(STATUS_HEADLINE.queued).toMatch(/waiting for a worker/);
    expect(STATUS_HEADLINE.queued).not.toMatch(/succe|fail/i);
  });

  it('never words a partial or failed run as a success', () => {
    expect(STATUS_HEADLINE.partial).not.toMatch(/succe/i);
    expect(STATUS_HEADLINE.failed).not.toMatch(/succe/i);
    expect(STATUS_HEADLINE.interrupted).not.toMatch(/succe/i);
  });

  it('formats durations', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_400)).toBe('12 s');
    expect(formatDuration(185_000)).toBe('3 min 5 s');
    expect(formatDuration(3_720_000)).toBe('1 h 2 min');
  });
});

describe('feature availability', () => {
  const row = (over: Partial<FeatureAvailability['features'][number]>) => ({
    feature: 'agents' as const,
    label: 'Agent discovery',
    endpoints: ['GET /v1/agents'],
    apiKeyOnly: false,
    withBetaAccess: true,
    status: null,
    message: null,
    remediation: null,
    ...over,
  });

  it('maps the last sync state to available / not available / unknown, with reasons', () => {
    expect(featureState(row({ status: 'available' })).state).toBe('available');
    const no = featureState(
      row({ status: 'unavailable', message: 'needs beta', remediation: 'Contact Mistral support' }),
    );
    expect(no).toEqual({
      state: 'not available',
      reason: 'needs beta',
      remediation: 'Contact Mistral support',
    });
    const failed = featureState(row({ status: 'error', message: 'rate limited', remediation: 'reduce' }));
    expect(failed.state).toBe('unknown');
    expect(failed.reason).toBe('Could not be read: rate limited');
    const never = featureState(row({}));
    expect(never.state).toBe('unknown');
    expect(never.reason).toMatch(/No finished sync/);
  });
});
