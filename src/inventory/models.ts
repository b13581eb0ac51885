/**
 * Models: wire model cards → ModelRecord.
 * Lifecycle (documented in docs/inventory.md): stable = no deprecation date; deprecated = a deprecation
 * date in the future; legacy = a deprecation date that has passed (relative to the sync time).
 * Family: the model id without its date/version suffix or "-latest" (fine-tuned: the root's family).
 */
import type { DataQualityWarning, ModelLifecycle, ModelRecord } from './types.ts';
import type { WireModelCard } from '../shared/mistral-wire.ts';

export function modelLifecycle(deprecation: string | null | undefined, now: Date): ModelLifecycle {
  if (!deprecation) return 'stable';
  const t = Date.parse(deprecation);
  if (Number.isNaN(t)) return 'deprecated';
  return t > now.getTime() ? 'deprecated' : 'legacy';
}

/** "mistral-small-2506" → "mistral-small"; "mistral-large-latest" → "mistral-large"; "open-mistral-7b" stays. */
export function modelFamily(id: string): string {
  let base = id;
  if (base.startsWith('ft:')) base = base.split(':')[1] ?? base;
  base = base.replace(/-latest$/, '');
  base = base.replace(/-(\d{4}|\d{2}\.\d{2}|v\d+(\.\d+)*)$/, '');
  return base || id;
}

function unixToIso(v: unknown): string | null {
  return typeof v === 'number' && Number.isFinite(v) ? new Date(v * 1000).toISOString() : null;
}

export function toModelRecord(
  card: WireModelCard,
  now: Date,
  warnings: DataQualityWarning[] = [],
): ModelRecord {
  const caps = card.capabilities && typeof card.capabilities === 'object' ? card.capabilities : {};
  const isFt = card.type === 'fine-tuned';
  const root = typeof card.root === 'string' ? card.root : null;
  return {
    id: card.id,
    name: card.name ?? null,
    family: modelFamily(isFt && root ? root : card.id),
    description: card.description ?? null,
    type: typeof card.type === 'string' ? card.type : 'unknown',
    capabilities: Object.entries(caps)
      .filter(([, v]) => v === true)
      .map(([k]) => k)
      .sort(),
    lifecycle: modelLifecycle(card.deprecation, now),
    contextWindow: typeof card.max_context_length === 'number' ? card.max_context_length : null,
    deprecationDate: card.deprecation ?? null,
    replacementModel: card.deprecation_replacement_model ?? null,
    aliases: Array.isArray(card.aliases) ? card.aliases.filter((a) => typeof a === 'string') : [],
    ownedBy: card.owned_by ?? null,
    createdAt: unixToIso(card.created),
    fineTuned: isFt
      ? { root, job: typeof card.job === 'string' ? card.job : null, archived: card.archived === true }
      : null,
    dataQuality: warnings.filter((w) => w.resourceId === card.id),
  };
}
