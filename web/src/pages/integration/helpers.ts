/**
 * The integration pages' logic, kept out of the components so it can be tested: Mistral's regions and
 * the base URL choice, the sync intervals, which form field an API error is about, and how a sync
 * run reads (counts that were really read vs unknown, the outcome's words, durations).
 *
 * The server is the authority on every rule here (src/mistral/base-url.ts, src/store/integration-input.ts);
 * these checks only spare a round trip and say the same thing in the same words.
 */
import { ApiError, type Schemas } from '../../api/client';
import { formatInterval } from '../../lib/format';

export type Integration = Schemas['Integration'];
export type SyncRun = Schemas['SyncRun'];
export type FeatureAvailability = Schemas['FeatureAvailability'];
export type FeatureKey = SyncRun['errors'][number]['feature'];

/** Mistral's API servers, as the server resolves 'global' | 'eu' | 'us' (src/mistral/types.ts MISTRAL_SERVERS). */
export const REGIONS = [
  { value: 'global', url: 'https://api.mistral.ai', label: 'Global — https://api.mistral.ai' },
  { value: 'eu', url: 'https://api.eu.mistral.ai', label: 'EU — https://api.eu.mistral.ai' },
  { value: 'us', url: 'https://api.us.mistral.ai', label: 'US — https://api.us.mistral.ai' },
] as const;

export type Region = (typeof REGIONS)[number]['value'];
/** What the region select holds: a Mistral region, or 'custom' (then the custom URL field is used). */
export type RegionChoice = Region | 'custom';

export const DEFAULT_REGION: Region = 'global';
export const REGION_OPTIONS: { value: RegionChoice; label: string }[] = [
  ...REGIONS.map((r) => ({ value: r.value, label: r.label })),
  { value: 'custom', label: 'Custom base URL' },
];

/** The region a stored base URL is, or 'custom' with the URL. */
export function regionOf(baseUrl: string): { region: RegionChoice; customUrl: string } {
  const normalized = baseUrl.trim().replace(/\/+$/, '');
  const known = REGIONS.find((r) => r.url === normalized);
  return known ? { region: known.value, customUrl: '' } : { region: 'custom', customUrl: baseUrl };
}

/** "Global (api.mistral.ai)" for a known region, otherwise the URL itself. */
export function describeBaseUrl(baseUrl: string): string {
  const { region } = regionOf(baseUrl);
  if (region === 'custom') return baseUrl;
  const r = REGIONS.find((x) => x.value === region)!;
  return `${r.value === 'global' ? 'Global' : r.value.toUpperCase()} (${new URL(r.url).host})`;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Why a custom base URL would be refused (the server's rules: http(s), plain http only to this machine,
 * no credentials), or null when it looks acceptable. Empty is its own message.
 */
export function customUrlProblem(value: string): string | null {
  const raw = value.trim();
  if (!raw) return 'Enter the base URL, for example https://api.mistral.ai.';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'This is not a valid URL. Use a full URL such as https://api.mistral.ai.';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'The base URL must use https.';
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    return 'Plain http would send the API key unencrypted: use https (http only for localhost).';
  }
  if (url.username || url.password) return 'The base URL must not contain credentials.';
  return null;
}

/** What to send as `baseUrl`: the region's keyword, or the custom URL as typed (trimmed). */
export function baseUrlToSend(region: RegionChoice, customUrl: string): string {
  return region === 'custom' ? customUrl.trim() : region;
}

/** The URL the server will store for a choice (to know whether the base URL changes), or null if invalid. */
export function resolvedBaseUrl(region: RegionChoice, customUrl: string): string | null {
  if (region !== 'custom') return REGIONS.find((r) => r.value === region)!.url;
  if (customUrlProblem(customUrl)) return null;
  const url = new URL(customUrl.trim());
  url.hash = '';
  url.search = '';
  return url.toString().replace(/\/+$/, '');
}

export const MIN_INTERVAL = 15;
export const MAX_INTERVAL = 7 * 24 * 60;
export const DEFAULT_INTERVAL = 360;

const PRESET_INTERVALS = [15, 30, 60, 120, 180, 360, 720, 1440, 2880, 4320, 10080];

/** The sync interval choices (15 minutes to 7 days), plus `current` when it is not a preset (set by the CLI). */
export function intervalOptions(current?: number): { value: string; label: string }[] {
  const values = [...PRESET_INTERVALS];
  if (current !== undefined && !values.includes(current)) values.push(current);
  return values
    .sort((a, b) => a - b)
    .map((m) => ({
      value: String(m),
      label: `Every ${formatInterval(m)}${m === DEFAULT_INTERVAL ? ' (default)' : ''}`,
    }));
}

export type FormField = 'name' | 'apiKey' | 'baseUrl' | 'syncIntervalMinutes';

/**
 * Which form field an API error is about, so its message and remediation are shown next to it; null when
 * it is about the request as a whole (rate limits, permissions, the server).
 */
export function fieldOfError(error: ApiError): FormField | null {
  const details = error.details as { field?: unknown } | null | undefined;
  const field = typeof details?.field === 'string' ? details.field : '';
  if (field === 'name' || field === 'apiKey' || field === 'baseUrl' || field === 'syncIntervalMinutes') {
    return field;
  }
  const text = error.message;
  switch (error.code) {
    case 'INVALID_API_KEY':
      return 'apiKey';
    // Validating the key means reaching the base URL: these say the address is wrong or unreachable.
    case 'UNREACHABLE':
    case 'UNEXPECTED_RESPONSE':
      return 'baseUrl';
    case 'CONFLICT':
      if (/already exists/i.test(text)) return 'name';
      if (/already the key/i.test(text)) return 'apiKey';
      return null;
    case 'INVALID_INPUT':
      if (/api key/i.test(text)) return 'apiKey';
      if (/base url/i.test(text)) return 'baseUrl';
      if (/sync frequency|interval/i.test(text)) return 'syncIntervalMinutes';
      if (/name/i.test(text)) return 'name';
      return null;
    default:
      return null;
  }
}

/** An error's words for a field: what went wrong, then what to do. */
export function errorText(error: ApiError): string {
  return error.remediation ? `${error.message} ${error.remediation}` : error.message;
}

/** Any thrown value as an ApiError (network failures already are). */
export function asApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  return new ApiError(0, 'ERROR', e instanceof Error ? e.message : String(e), 'Try again.');
}

export const FEATURE_LABEL: Record<FeatureKey, string> = {
  models: 'Model discovery',
  files: 'File discovery',
  agents: 'Agent discovery',
  libraries: 'Document library discovery',
  usage: 'Usage metrics',
  versions: 'Version history and aliases',
  connectors: 'MCP connectors',
  librarySharing: 'Library sharing',
  adminApiKeys: 'API keys (admin key)',
  adminMembers: 'Members and invites (admin key)',
  auditLog: 'Audit log (admin key)',
  rateLimit: 'Rate limit (admin key)',
  adminUsage: 'Usage and cost (admin key)',
  prompts: 'Prompts',
  skills: 'Skills',
  batchJobs: 'Batch jobs',
};

/** countsByType's resource types, in display order, with the feature that reads each. */
export const RESOURCE_TYPES: { type: string; feature: FeatureKey; label: string }[] = [
  { type: 'agent', feature: 'agents', label: 'Agents' },
  { type: 'model', feature: 'models', label: 'Models' },
  { type: 'file', feature: 'files', label: 'Files' },
  { type: 'library', feature: 'libraries', label: 'Libraries' },
];

export interface RunCount {
  type: string;
  label: string;
  /** null: unknown (the feature was not read, or the run has not finished). Never 0 for unknown. */
  count: number | null;
  /** Why the count is unknown. */
  reason: string | null;
}

/**
 * What a run counted per resource type. A count is trusted only when its feature was read
 * (availability "available"): a feature that was unavailable or failed stored 0, which means unknown.
 */
export function runCounts(run: SyncRun): RunCount[] {
  return RESOURCE_TYPES.map(({ type, feature, label }) => {
    if (run.status === 'queued') return { type, label, count: null, reason: 'not started yet' };
    if (run.status === 'running') return { type, label, count: null, reason: 'still running' };
    const state = run.availability?.[feature];
    const raw = run.countsByType?.[type];
    if (!state) {
      return { type, label, count: null, reason: run.countsByType ? 'not read' : 'not counted' };
    }
    if (state.status === 'unavailable') return { type, label, count: null, reason: 'not available' };
    if (state.status === 'error') return { type, label, count: null, reason: 'could not be read' };
    if (typeof raw !== 'number') return { type, label, count: null, reason: 'not counted' };
    return { type, label, count: raw, reason: null };
  });
}

/** "12 agents, 3 models, unknown files (not available), …" — a run's counts as one line. */
export function countsLine(run: SyncRun): string {
  return runCounts(run)
    .map((c) =>
      c.count === null ? `${c.label}: unknown (${c.reason})` : `${c.label}: ${c.count.toLocaleString('en')}`,
    )
    .join(' · ');
}

export const STATUS_HEADLINE: Record<SyncRun['status'], string> = {
  queued: 'Queued — waiting for a worker',
  running: 'Sync running',
  succeeded: 'Sync succeeded',
  partial: 'Sync partly failed: some features could not be read',
  failed: 'Sync failed',
  interrupted: 'Sync interrupted before it finished',
};

/** Alert colour per outcome: green only for succeeded. */
export const STATUS_COLOR: Record<SyncRun['status'], string> = {
  queued: 'blue',
  running: 'blue',
  succeeded: 'green',
  partial: 'orange',
  failed: 'red',
  interrupted: 'gray',
};

/** "850 ms", "12 s", "3 min 5 s", "1 h 2 min"; "—" when unknown. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

export const TRIGGER_LABEL: Record<SyncRun['trigger'], string> = {
  manual: 'manual',
  scheduled: 'scheduled',
  scan: 'scan (CLI)',
};

export type CellState = 'available' | 'not available' | 'unknown';

/** One feature's state in this workspace: available / not available / unknown, with the reason. */
export function featureState(row: FeatureAvailability['features'][number]): {
  state: CellState;
  reason: string | null;
  remediation: string | null;
} {
  if (row.status === 'available') return { state: 'available', reason: null, remediation: null };
  if (row.status === 'unavailable') {
    return {
      state: 'not available',
      reason: row.message ?? 'Mistral refused this endpoint for this key.',
      remediation: row.remediation,
    };
  }
  if (row.status === 'error') {
    return {
      state: 'unknown',
      reason: row.message ? `Could not be read: ${row.message}` : 'The last sync could not read it.',
      remediation: row.remediation,
    };
  }
  return {
    state: 'unknown',
    reason: 'No finished sync has checked it yet.',
    remediation: 'Run a sync (Sync now) to check what this key can read.',
  };
}

/**
 * One extra row's state (connectors, library sharing, admin-key features): as featureState, but an
 * unknown status says the server's reason (no sync yet, or a sync older than the feature).
 */
export function extraFeatureState(row: FeatureAvailability['extraFeatures'][number]): {
  state: CellState;
  reason: string | null;
  remediation: string | null;
} {
  if (row.status === null) {
    return {
      state: 'unknown',
      reason: row.message ?? 'No finished sync has checked it yet.',
      remediation: row.remediation ?? 'Run a sync (Sync now) to check it.',
    };
  }
  if (row.status === 'unavailable') {
    return {
      state: 'not available',
      reason:
        row.message ??
        (row.needs === 'adminKey' ? 'It needs an admin key.' : 'Mistral refused it for this key.'),
      remediation: row.remediation,
    };
  }
  return featureState({
    ...row,
    apiKeyOnly: row.needs === 'apiKey',
    withBetaAccess: true,
    feature: 'models',
  });
}

/**
 * Whether a run is still in progress (poll it; Sync now would only join it): running, or queued and
 * waiting for a worker to take it (it becomes running, then ends).
 */
export function isRunning(run: SyncRun | undefined | null): boolean {
  return isInProgress(run?.status);
}

/** The same for a bare status (lists that carry only the status). */
export function isInProgress(status: SyncRun['status'] | string | undefined | null): boolean {
  return status === 'running' || status === 'queued';
}
