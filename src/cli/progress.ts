/**
 * A sync's progress on stderr while `scan`, `demo` and `sync` read a workspace (docs/cli.md).
 *
 *  - stderr is a terminal: one line per resource type (done, count so far, of how many when known,
 *    an estimate of the time left only where the total is known: version history), with the requests
 *    sent and the time elapsed, redrawn in place at most 10 times a second; when the read ends the
 *    block is replaced by a one-line summary.
 *  - stderr is not a terminal (a pipe, a CI log): one plain line each time a resource type changes
 *    state (reading, done, unavailable, failed), then the same summary; never an escape code.
 *  - --quiet: nothing. --verbose: also the request figures on each line, and a line each time Mistral
 *    rate-limits or a request is retried.
 *
 * Only the label, feature keys and numbers are printed here; a label that comes from the workspace or
 * the store (an integration's name) is passed through safeText by the caller.
 */
import type { SyncProgress } from '../services/syncs.ts';
import { paint, terminal, type TerminalSettings } from './terminal.ts';

type FeatureProgress = SyncProgress['features'][number];
type State = FeatureProgress['state'];

export interface ProgressDisplay {
  /** A new snapshot of the run (services call it on each change and a few times a second). */
  update(progress: SyncProgress): void;
  /** The read ended (or failed): the live block is replaced by a summary line. Idempotent. */
  finish(): void;
  /** The listener to give the service (`onProgress`); undefined when nothing is shown (--quiet). */
  listener: ((progress: SyncProgress) => void) | undefined;
}

export interface ProgressDisplayOptions {
  /** What is being read, first word of every line: "scan", a stored integration's id. */
  label?: string;
  out?: { write(text: string): unknown };
  settings?: TerminalSettings;
  now?: () => number;
  /** Minimum time between two redraws on a terminal (default 100 ms: at most 10 a second). */
  redrawMs?: number;
}

const NOUN: Record<string, [string, string]> = {
  models: ['model', 'models'],
  files: ['file', 'files'],
  libraries: ['library', 'libraries'],
  agents: ['agent', 'agents'],
  versions: ['agent history', 'agent histories'],
  usage: ['conversation history', 'conversation histories'],
};

function noun(feature: string, n: number): string {
  const [one, many] = NOUN[feature] ?? [feature, feature];
  return n === 1 ? one : many;
}

const STATE_WORD: Record<State, string> = {
  pending: 'pending',
  running: 'reading',
  done: 'done',
  failed: 'failed',
  unavailable: 'unavailable',
};

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** What a feature has read: "14 models", "32 of 60 agent histories", "" when not known yet. */
export function countText(f: FeatureProgress): string {
  if (f.count === null) return '';
  if (f.total !== null) return `${f.count} of ${f.total} ${noun(f.feature, f.total)}`;
  return `${f.count} ${noun(f.feature, f.count)}`;
}

/**
 * Time left for a feature whose total is known, from its rate so far; null when it cannot be said
 * (no total, nothing read yet, or too early to judge).
 */
export function estimateLeftMs(f: FeatureProgress, runningForMs: number): number | null {
  if (f.state !== 'running' || f.total === null || f.count === null || f.count <= 0) return null;
  if (runningForMs < 500 || f.count >= f.total) return null;
  return ((f.total - f.count) * runningForMs) / f.count;
}

function requestsText(p: SyncProgress): string {
  const extra = [
    p.retries ? `${p.retries} retried` : '',
    p.rateLimited ? `${p.rateLimited} rate-limited` : '',
  ].filter(Boolean);
  return `${p.requests} request${p.requests === 1 ? '' : 's'}${extra.length ? ` (${extra.join(', ')})` : ''}`;
}

/** The one-line summary printed when the read ends. */
export function summaryLine(p: SyncProgress, label: string): string {
  const parts = p.features.map((f) => {
    if (f.state === 'done') return `${countText(f) || `${f.feature} read`}`;
    if (f.state === 'pending') return `${f.feature} not read`;
    return `${f.feature} ${STATE_WORD[f.state]}${f.count !== null ? ` (${countText(f)})` : ''}`;
  });
  return `${label}: read in ${seconds(p.elapsedMs)}, ${requestsText(p)}${parts.length ? `; ${parts.join(', ')}` : ''}.`;
}

export function createProgressDisplay(options: ProgressDisplayOptions = {}): ProgressDisplay {
  const settings = options.settings ?? terminal();
  const out = options.out ?? process.stderr;
  const now = options.now ?? Date.now;
  const label = options.label ?? 'scan';
  const redrawMs = options.redrawMs ?? 100;
  if (settings.quiet) {
    return { update() {}, finish() {}, listener: undefined };
  }
  const live = settings.liveProgress;
  const c = (style: Parameters<typeof paint>[1], text: string) => paint('stderr', style, text);

  let last: SyncProgress | null = null;
  let finished = false;
  // Pipe mode: the last state printed per feature. Terminal mode: lines drawn, last draw time.
  const printed = new Map<string, State>();
  const startedAt = new Map<string, number>();
  let drawnLines = 0;
  let lastDraw = 0;
  let pending: NodeJS.Timeout | undefined;
  let seenRetries = 0;
  let seenRateLimited = 0;
  let lastPhase: SyncProgress['phase'] = 'reading';

  function featureLine(f: FeatureProgress): string {
    const word = STATE_WORD[f.state];
    const mark =
      f.state === 'done'
        ? c('green', 'done       ')
        : f.state === 'running'
          ? c('cyan', 'reading    ')
          : f.state === 'failed'
            ? c('red', 'failed     ')
            : f.state === 'unavailable'
              ? c('yellow', 'unavailable')
              : c('dim', word.padEnd(11));
    const count = countText(f);
    const since = startedAt.get(f.feature);
    const left = since === undefined ? null : estimateLeftMs(f, now() - since);
    const more =
      f.state === 'running'
        ? count
          ? `${count} so far${left !== null ? `, about ${Math.max(1, Math.round(left / 1000))} s left` : ''}`
          : 'listing…'
        : count;
    return `  ${f.feature.padEnd(9)} ${mark}  ${more}`.trimEnd();
  }

  function block(p: SyncProgress): string[] {
    const head =
      p.phase === 'storing'
        ? `${label}: computing findings and storing…`
        : `${label}: reading the workspace…`;
    return [`${c('bold', head)} ${seconds(p.elapsedMs)}, ${requestsText(p)}`, ...p.features.map(featureLine)];
  }

  function draw(): void {
    pending = undefined;
    if (!last || finished) return;
    lastDraw = now();
    const lines = block(last);
    // Up to the first line of the previous block, clear to the end of the screen, draw again.
    const up = drawnLines > 0 ? `\u001b[${drawnLines}F` : '';
    out.write(`${up}\u001b[J${lines.join('\n')}\n`);
    drawnLines = lines.length;
  }

  function plainUpdate(p: SyncProgress): void {
    for (const f of p.features) {
      const was = printed.get(f.feature) ?? 'pending';
      if (f.state === was) continue;
      printed.set(f.feature, f.state);
      const count = countText(f);
      const figures = settings.verbose ? ` [${seconds(p.elapsedMs)}, ${requestsText(p)}]` : '';
      out.write(`${label}: ${f.feature} ${STATE_WORD[f.state]}${count ? ` (${count})` : ''}${figures}\n`);
    }
    if (p.phase !== lastPhase) {
      lastPhase = p.phase;
      if (p.phase === 'storing') out.write(`${label}: computing findings and storing\n`);
    }
  }

  function verboseCounters(p: SyncProgress): void {
    if (!settings.verbose) return;
    const notes: string[] = [];
    if (p.rateLimited > seenRateLimited)
      notes.push(
        `Mistral rate-limited ${p.rateLimited - seenRateLimited} request(s) (HTTP 429); waiting and slowing down`,
      );
    if (p.retries > seenRetries) notes.push(`${p.retries - seenRetries} request(s) retried`);
    seenRateLimited = p.rateLimited;
    seenRetries = p.retries;
    if (!notes.length) return;
    // On a terminal the note goes above the live block (which is redrawn below it).
    if (live && drawnLines > 0) {
      out.write(`\u001b[${drawnLines}F\u001b[J`);
      drawnLines = 0;
    }
    for (const n of notes) out.write(`${label}: ${n} (${requestsText(p)} so far)\n`);
  }

  function update(p: SyncProgress): void {
    if (finished) return;
    for (const f of p.features) {
      if (f.state === 'running' && !startedAt.has(f.feature)) startedAt.set(f.feature, now());
    }
    last = p;
    verboseCounters(p);
    if (!live) {
      plainUpdate(p);
      return;
    }
    const wait = lastDraw + redrawMs - now();
    if (wait <= 0) draw();
    else if (!pending) {
      pending = setTimeout(draw, wait);
      pending.unref();
    }
  }

  function finish(): void {
    if (finished) return;
    if (pending) clearTimeout(pending);
    pending = undefined;
    if (last && !live) plainUpdate(last);
    finished = true;
    if (live && drawnLines > 0) out.write(`\u001b[${drawnLines}F\u001b[J`);
    drawnLines = 0;
    if (last) out.write(`${live ? c('bold', summaryLine(last, label)) : summaryLine(last, label)}\n`);
  }

  return { update, finish, listener: update };
}
