/**
 * A running sync's progress per resource type, in words (the server's progress.features: each feature's
 * state and the count read so far). What a count counts differs per feature (see the SyncFeatureProgress
 * schema): a listing is counted when it ends, version history agent by agent, usage per conversation
 * history read. Unknown stays unknown: a count the server does not give is never shown as 0.
 */
import type { Schemas } from '../../api/client';
import { formatNumber } from '../../lib/format';

export type FeatureProgress = Schemas['SyncFeatureProgress'];
export type ProgressState = FeatureProgress['state'];
type Feature = FeatureProgress['feature'];

/** What each feature reads, as the panel names it. */
export const PROGRESS_LABEL: Record<Feature, string> = {
  models: 'Models',
  files: 'Files',
  libraries: 'Document libraries',
  agents: 'Agents',
  versions: 'Versions and aliases',
  usage: 'Usage (conversations)',
};

/** The state's word (always shown: the colour and the mark only repeat it). */
export const STATE_LABEL: Record<ProgressState, string> = {
  pending: 'pending',
  running: 'reading',
  done: 'done',
  failed: 'failed',
  unavailable: 'unavailable',
};

export const STATE_COLOR: Record<ProgressState, string> = {
  pending: 'gray',
  running: 'blue',
  done: 'green',
  failed: 'red',
  unavailable: 'orange',
};

/** A mark repeating the state for a quick scan (decorative: the word is the accessible text). */
export const STATE_MARK: Record<Exclude<ProgressState, 'running'>, string> = {
  pending: '○',
  done: '✓',
  failed: '✕',
  unavailable: '⊘',
};

const UNIT: Record<Feature, [string, string]> = {
  models: ['model', 'models'],
  files: ['file', 'files'],
  libraries: ['library', 'libraries'],
  agents: ['agent', 'agents'],
  versions: ['agent', 'agents'],
  usage: ['conversation history', 'conversation histories'],
};

function counted(feature: Feature, n: number): string {
  const [one, many] = UNIT[feature];
  return `${formatNumber(n)} ${n === 1 ? one : many}`;
}

/** "12 models read", "5 of 24 agents read so far", "reading (counted when the listing ends)", … */
export function progressText(f: FeatureProgress): string {
  const { feature, state, count, total } = f;
  const of = (n: number) =>
    total !== null ? `${formatNumber(n)} of ${counted(feature, total)}` : counted(feature, n);
  switch (state) {
    case 'pending':
      return 'not started yet';
    case 'running':
      if (count === null) return 'reading (counted when the listing ends)';
      return `${of(count)} read so far`;
    case 'done':
      if (count === null) return 'read';
      return `${of(count)} read`;
    case 'failed':
      return count === null || count === 0
        ? 'could not be read (the error shows when the sync ends)'
        : `could not all be read: ${of(count)} read before the error`;
    case 'unavailable':
      return 'not available with this key (Mistral beta access)';
  }
}

/** A note a feature's count needs to be read right, or null. */
export function progressNote(f: FeatureProgress): string | null {
  if (f.feature === 'usage' && (f.state === 'running' || f.state === 'done')) {
    return 'only new or changed conversations are read again';
  }
  return null;
}

/** "3 of 6 done" (failed and unavailable ones are finished too: "5 of 6 finished, 1 failed"). */
export function progressSummary(features: readonly FeatureProgress[]): string {
  const total = features.length;
  const done = features.filter((f) => f.state === 'done').length;
  const failed = features.filter((f) => f.state === 'failed').length;
  const unavailable = features.filter((f) => f.state === 'unavailable').length;
  const finished = done + failed + unavailable;
  if (failed === 0 && unavailable === 0) return `${done} of ${total} done`;
  const extra = [failed ? `${failed} failed` : '', unavailable ? `${unavailable} unavailable` : '']
    .filter(Boolean)
    .join(', ');
  return `${finished} of ${total} finished (${done} done, ${extra})`;
}
