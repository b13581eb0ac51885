import { describe, expect, it } from 'vitest';
import { summarizeSeries } from '../../components/charts';
import {
  dailyExposurePoints,
  exposureCell,
  findingsCleared,
  fixGroupLink,
  guardrailCoverage,
  hasPlaceholders,
  patchBodyText,
  scopedLink,
  scopeFromParams,
  scoreChange,
  syncsEndedSince,
  unassessed,
  type ExposureWindow,
  type FeatureAvailability,
} from './model';

const window = (runs: [number, number], conversations: [number, number]): ExposureWindow => ({
  from: '2026-01-01',
  to: '2026-01-07',
  runs: { exposed: runs[0], total: runs[1], share: runs[1] > 0 ? runs[0] / runs[1] : null },
  conversations: {
    exposed: conversations[0],
    total: conversations[1],
    share: conversations[1] > 0 ? conversations[0] / conversations[1] : null,
  },
});

describe('overview scope', () => {
  it('reads the integration from the URL, ignoring an empty value', () => {
    expect(scopeFromParams(new URLSearchParams('integrationId=abc'))).toBe('abc');
    expect(scopeFromParams(new URLSearchParams('integrationId='))).toBeNull();
    expect(scopeFromParams(new URLSearchParams(''))).toBeNull();
  });
  it('keeps the scope in links and encodes values', () => {
    expect(scopedLink('/agents', null, { guardrails: 'none' })).toBe('/agents?guardrails=none');
    expect(scopedLink('/findings', 'a b', { severity: 'high' })).toBe(
      '/findings?severity=high&integrationId=a+b',
    );
    expect(scopedLink('/models', null)).toBe('/models');
  });
});

describe('guardrail coverage', () => {
  it('gives the share of live agents without guardrails', () => {
    expect(guardrailCoverage({ agents: 8, agentsWithoutGuardrails: 2 })).toEqual({
      without: 2,
      total: 8,
      share: 0.25,
    });
  });
  it('has no share (unknown, not 0 %) without live agents', () => {
    expect(guardrailCoverage({ agents: 0, agentsWithoutGuardrails: 0 }).share).toBeNull();
  });
});

describe('exposure cells', () => {
  it('says unknown when usage was unavailable, never 0 %', () => {
    const cell = exposureCell(null, 'runs');
    expect(cell.value).toBe('unknown');
    expect(cell.known).toBe(false);
    expect(cell.detail).toMatch(/usage was not available/);
  });
  it('says there was no traffic rather than 0 % when nothing ran', () => {
    const cell = exposureCell(window([0, 0], [0, 0]), 'conversations');
    expect(cell.value).toBe('no traffic');
    expect(cell.detail).toMatch(/agents need conversation activity/);
  });
  it('gives the share and the counts', () => {
    expect(exposureCell(window([3, 24], [1, 4]), 'runs')).toEqual({
      value: '12.5 %',
      detail: '3 of 24 runs',
      known: true,
    });
    expect(exposureCell(window([3, 24], [1, 4]), 'conversations').value).toBe('25.0 %');
    // A real 0 % (traffic, none exposed) is shown as 0 %.
    expect(exposureCell(window([0, 10], [0, 2]), 'runs').value).toBe('0.0 %');
  });
  it('turns days without traffic into gaps in the daily series', () => {
    const points = dailyExposurePoints([
      { day: '2026-01-01', ...window([1, 3], [0, 0]) },
      { day: '2026-01-02', ...window([0, 0], [0, 0]) },
    ]);
    expect(points).toEqual([
      { at: '2026-01-01T00:00:00Z', value: 33.3 },
      { at: '2026-01-02T00:00:00Z', value: null },
    ]);
    expect(dailyExposurePoints(null)).toEqual([]);
  });
});

describe('risk score change', () => {
  const p = (score: number) => ({ at: '2026-01-01T00:00:00Z', syncRunId: null, score });
  it('needs two syncs', () => {
    expect(scoreChange([]).delta).toBeNull();
    expect(scoreChange([p(10)]).text).toMatch(/second sync/);
  });
  it('compares the last two syncs', () => {
    expect(scoreChange([p(10), p(40.3), p(36.1)])).toEqual({
      delta: -4.2,
      text: 'Down 4.2 since the previous sync.',
    });
    expect(scoreChange([p(10), p(14.5)]).text).toBe('Up 4.5 since the previous sync.');
    expect(scoreChange([p(10), p(10)]).text).toBe('Unchanged since the previous sync.');
  });
});

describe('what a sync could not assess', () => {
  const feature = (
    key: FeatureAvailability['features'][number]['feature'],
    status: 'available' | 'unavailable' | 'error' | null,
    apiKeyOnly = false,
  ) => ({
    feature: key,
    label: key,
    endpoints: [],
    apiKeyOnly,
    withBetaAccess: true,
    status,
    message: status === 'error' ? 'Mistral answered 500' : null,
    remediation: null,
  });
  it('is unknown before any sync', () => {
    const u = unassessed({
      integrationId: 'i',
      syncRunId: null,
      checkedAt: null,
      betaAccess: null,
      features: [feature('models', null, true), feature('agents', null)],
      extraFeatures: [],
      extraCheckedAt: null,
    });
    expect(u.notChecked).toBe(true);
  });
  it('separates what needs beta access from what failed', () => {
    const u = unassessed({
      integrationId: 'i',
      syncRunId: 'r',
      checkedAt: '2026-01-01T00:00:00Z',
      betaAccess: false,
      features: [
        feature('models', 'available', true),
        feature('files', 'unavailable', true),
        feature('agents', 'unavailable'),
        feature('usage', 'unavailable'),
        feature('libraries', 'error'),
      ],
      extraFeatures: [],
      extraCheckedAt: null,
    });
    expect(u.notChecked).toBe(false);
    expect(u.needsBeta.map((f) => f.feature)).toEqual(['agents', 'usage']);
    expect(u.failed.map((f) => f.feature)).toEqual(['files', 'libraries']);
  });
});

describe('fix first', () => {
  it('copies the body as pretty JSON with the wire field names', () => {
    const body = { guardrails: [{ block_on_error: true }] };
    expect(JSON.parse(patchBodyText(body))).toEqual(body);
    expect(patchBodyText(body)).toContain('\n  "guardrails"');
  });
  it('finds placeholders anywhere in the body', () => {
    expect(hasPlaceholders({ model: '<a supported model>' })).toBe(true);
    expect(hasPlaceholders({ a: [{ b: 'x' }, { c: ['<id>'] }] })).toBe(true);
    expect(hasPlaceholders({ guardrails: [{ action: 'block' }], n: 1, z: null })).toBe(false);
  });
  it('links an agent to its page and anything else to its integration', () => {
    expect(fixGroupLink({ integrationId: 'i 1', resourceType: 'agent', resourceId: 'ag/1' })).toBe(
      '/integrations/i%201/agents/ag%2F1',
    );
    expect(fixGroupLink({ integrationId: 'i1', resourceType: 'file', resourceId: 'f' })).toBe(
      '/integrations/i1',
    );
  });
  it('counts each cleared finding once', () => {
    const f = (id: string) => ({
      id,
      ruleId: 'r',
      severity: 'high' as const,
      lastStatus: 'FAIL' as const,
      title: 't',
    });
    expect(findingsCleared([{ clears: [f('a'), f('b')] }, { clears: [f('b'), f('c')] }])).toBe(3);
  });
});

describe('chart summary (the text alternative)', () => {
  const fmt = (at: string) => at.slice(0, 10);
  it('says first, last, lowest and highest', () => {
    expect(
      summarizeSeries(
        'Risk score',
        [
          { at: '2026-01-01', value: 40 },
          { at: '2026-01-02', value: 60 },
          { at: '2026-01-03', value: 38 },
          { at: '2026-01-04', value: 55 },
        ],
        undefined,
        fmt,
      ),
    ).toBe('Risk score from 2026-01-01 to 2026-01-04 (4 points): first 40, last 55, lowest 38, highest 60.');
  });
  it('counts unknown points and never turns them into 0', () => {
    const s = summarizeSeries(
      'Exposed runs',
      [
        { at: '2026-01-01', value: null },
        { at: '2026-01-02', value: 20 },
        { at: '2026-01-03', value: 30 },
      ],
      undefined,
      fmt,
    );
    expect(s).toContain('lowest 20');
    expect(s).toContain('1 of 3 points unknown');
    expect(summarizeSeries('X', [{ at: '2026-01-01', value: null }], undefined, fmt)).toBe(
      'X on 2026-01-01: unknown at every point.',
    );
    expect(summarizeSeries('X', [])).toBe('X: no data yet.');
  });
});

describe('syncs ended since the last look', () => {
  const look = (
    prev: Map<string, string>,
    runs: Record<string, { id: string; status: string } | null | undefined>,
  ) =>
    syncsEndedSince(
      prev,
      Object.entries(runs).map(([integrationId, run]) => ({ integrationId, run })),
    );
  it('finds none on the first look', () => {
    expect(look(new Map(), { a: { id: 'r1', status: 'succeeded' }, b: null }).ended).toEqual([]);
  });
  it('finds a running sync that ended and a finished one that appeared between looks', () => {
    const first = look(new Map(), {
      a: { id: 'r1', status: 'running' },
      b: null,
      c: { id: 'r5', status: 'failed' },
    });
    const second = look(first.seen, {
      a: { id: 'r1', status: 'partial' },
      b: { id: 'r2', status: 'succeeded' },
      c: { id: 'r5', status: 'failed' },
    });
    expect(second.ended).toEqual(['a', 'b']);
  });
  it('does not count a sync that starts, nor forget an integration while it reloads', () => {
    const first = look(new Map(), { a: { id: 'r1', status: 'succeeded' } });
    const reloading = look(first.seen, { a: undefined });
    expect(reloading.ended).toEqual([]);
    const started = look(reloading.seen, { a: { id: 'r2', status: 'running' } });
    expect(started.ended).toEqual([]);
    expect(look(started.seen, { a: { id: 'r2', status: 'succeeded' } }).ended).toEqual(['a']);
  });
  it('does not count a queued sync as ended, neither when queued nor when a worker takes it', () => {
    const first = look(new Map(), { a: { id: 'r1', status: 'succeeded' }, b: null });
    const queued = look(first.seen, { a: { id: 'r2', status: 'queued' }, b: { id: 'r3', status: 'queued' } });
    expect(queued.ended).toEqual([]);
    const taken = look(queued.seen, {
      a: { id: 'r2', status: 'running' },
      b: { id: 'r3', status: 'queued' },
    });
    expect(taken.ended).toEqual([]);
    expect(
      look(taken.seen, { a: { id: 'r2', status: 'running' }, b: { id: 'r3', status: 'failed' } }).ended,
    ).toEqual(['b']);
  });
});
