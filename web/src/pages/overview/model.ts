/**
 * The Overview page's logic, kept out of the components so it can be tested: the integration scope
 * in the URL, links that keep it, the guardrail coverage, exposure cells (unknown is never 0), the
 * risk score's change, what a sync could not assess, and the fix-first PATCH bodies.
 */
import type { Schemas } from '../../api/client';
import { formatNumber, formatShare } from '../../lib/format';

export type PostureFigures = Schemas['PostureFigures'];
export type FixGroup = Schemas['FixFirstGroup'];
export type ExposureWindow = Schemas['ExposureWindow'];
export type ExposureFigure = Schemas['ExposureFigure'];
export type FeatureAvailability = Schemas['FeatureAvailability'];
export type FeatureRow = FeatureAvailability['features'][number];
export type TrendPoint = Schemas['RiskTrendPoint'];

/** The integration the page is scoped to (?integrationId=), or null for every integration. */
export function scopeFromParams(params: URLSearchParams): string | null {
  const id = params.get('integrationId')?.trim();
  return id ? id : null;
}

/** `path` with `query` and the scope's integrationId (when set) in its query string. */
export function scopedLink(
  path: string,
  integrationId: string | null,
  query: Record<string, string> = {},
): string {
  const params = new URLSearchParams(query);
  if (integrationId) params.set('integrationId', integrationId);
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** Whether any integration in scope has finished a sync (before that, every count is unknown). */
export function assessed(figures: Pick<PostureFigures, 'riskScore'>): boolean {
  return figures.riskScore !== null;
}

export interface Coverage {
  without: number;
  total: number;
  /** without / total; null when there is no live agent (unknown, never 0 %). */
  share: number | null;
}

export function guardrailCoverage(f: Pick<PostureFigures, 'agents' | 'agentsWithoutGuardrails'>): Coverage {
  return {
    without: f.agentsWithoutGuardrails,
    total: f.agents,
    share: f.agents > 0 ? f.agentsWithoutGuardrails / f.agents : null,
  };
}

export interface ExposureCell {
  /** "12.5 %", "unknown", or "no traffic". */
  value: string;
  /** "3 of 24 runs", or why the value is what it is. */
  detail: string;
  known: boolean;
}

/**
 * One exposure figure as shown: unknown when usage was unavailable (the window is null), "no traffic"
 * when there was no agent traffic in the window (share null), never 0 % in place of either.
 */
export function exposureCell(window: ExposureWindow | null, kind: 'runs' | 'conversations'): ExposureCell {
  if (!window) {
    return { value: 'unknown', detail: 'usage was not available at the last sync', known: false };
  }
  const fig = window[kind];
  if (fig.share === null || fig.total === 0) {
    return {
      value: 'no traffic',
      detail: `no agent ${kind} in this period — agents need conversation activity`,
      known: false,
    };
  }
  return {
    value: formatShare(fig.share),
    detail: `${formatNumber(fig.exposed)} of ${formatNumber(fig.total)} ${kind}`,
    known: true,
  };
}

/** The daily exposed share of runs as chart points (null where unknown or no traffic). */
export function dailyExposurePoints(
  daily: Schemas['ExposureDay'][] | null,
  kind: 'runs' | 'conversations' = 'runs',
): { at: string; value: number | null }[] {
  if (!daily) return [];
  return daily.map((d) => ({
    at: `${d.day}T00:00:00Z`,
    value: d[kind].share === null ? null : Math.round(d[kind].share * 1000) / 10,
  }));
}

export interface ScoreChange {
  /** Last trend point minus the one before; null with fewer than two points. */
  delta: number | null;
  text: string;
}

/** How the score moved between the last two syncs, in words ("up 4.2 since the previous sync"). */
export function scoreChange(trend: TrendPoint[]): ScoreChange {
  if (trend.length < 2) return { delta: null, text: 'The trend appears after the second sync.' };
  const last = trend[trend.length - 1].score;
  const prev = trend[trend.length - 2].score;
  const delta = Math.round((last - prev) * 10) / 10;
  if (delta === 0) return { delta: 0, text: 'Unchanged since the previous sync.' };
  return {
    delta,
    text: `${delta > 0 ? 'Up' : 'Down'} ${Math.abs(delta).toFixed(1)} since the previous sync.`,
  };
}

export interface Unassessed {
  /** Never checked: no sync has finished. */
  notChecked: boolean;
  /** Features refused for lack of beta access. */
  needsBeta: FeatureRow[];
  /** Features whose read failed for another reason (or refused although an API key suffices). */
  failed: FeatureRow[];
}

/** What the last finished sync could not assess, from the availability matrix. */
export function unassessed(av: FeatureAvailability): Unassessed {
  return {
    notChecked: av.syncRunId === null || av.features.every((f) => f.status === null),
    needsBeta: av.features.filter((f) => f.status === 'unavailable' && !f.apiKeyOnly),
    failed: av.features.filter((f) => f.status === 'error' || (f.status === 'unavailable' && f.apiKeyOnly)),
  };
}

/** The PATCH body as the text to copy (pretty JSON, the Mistral wire field names untouched). */
export function patchBodyText(body: Record<string, unknown>): string {
  return JSON.stringify(body, null, 2);
}

/** Whether the body still has <placeholders> to fill in before it can be sent. */
export function hasPlaceholders(value: unknown): boolean {
  if (typeof value === 'string') return /<[^>]*>/.test(value);
  if (Array.isArray(value)) return value.some(hasPlaceholders);
  if (value !== null && typeof value === 'object') return Object.values(value).some(hasPlaceholders);
  return false;
}

/** Where a fix group's resource is shown: the agent's page for agents, else the integration's. */
export function fixGroupLink(g: Pick<FixGroup, 'integrationId' | 'resourceType' | 'resourceId'>): string {
  const integration = encodeURIComponent(g.integrationId);
  if (g.resourceType === 'agent') {
    return `/integrations/${integration}/agents/${encodeURIComponent(g.resourceId)}`;
  }
  return `/integrations/${integration}`;
}

/** Number of findings a list of fix groups clears together. */
export function findingsCleared(groups: Pick<FixGroup, 'clears'>[]): number {
  const ids = new Set<string>();
  for (const g of groups) for (const f of g.clears) ids.add(f.id);
  return ids.size;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatNumber(n)} ${n === 1 ? one : many}`;
}

export interface LatestRunState {
  integrationId: string;
  /** The latest run, null before any, undefined while not read yet. */
  run: { id: string; status: string } | null | undefined;
}

/**
 * The integrations whose sync has finished since the last look (a run that was queued or running has
 * ended, or a newer finished run appeared), and what to remember for the next look. The first look finds
 * none; a run that is only queued or running has not finished.
 */
export function syncsEndedSince(
  previous: ReadonlyMap<string, string>,
  current: LatestRunState[],
): { ended: string[]; seen: Map<string, string> } {
  const seen = new Map<string, string>();
  const ended: string[] = [];
  for (const { integrationId, run } of current) {
    if (run === undefined) {
      const before = previous.get(integrationId);
      if (before !== undefined) seen.set(integrationId, before);
      continue;
    }
    const state = run ? `${run.id}:${run.status}` : 'none';
    seen.set(integrationId, state);
    const before = previous.get(integrationId);
    if (
      before !== undefined &&
      before !== state &&
      run &&
      run.status !== 'running' &&
      run.status !== 'queued'
    )
      ended.push(integrationId);
  }
  return { ended, seen };
}
