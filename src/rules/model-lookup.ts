import type { ModelRecord } from '../inventory/types.ts';

/** The model card an agent's model id refers to: exact id first, then a card listing it as an alias. */
export function findModel(models: readonly ModelRecord[], id: string): ModelRecord | null {
  return models.find((m) => m.id === id) ?? models.find((m) => m.aliases.includes(id)) ?? null;
}

/** Model ids that carry a fixed version: a YYMM suffix (mistral-large-2411), a 2-part date (…-25-05), a fine-tune (ft:…). */
export function looksPinned(id: string): boolean {
  return /-\d{4}$/.test(id) || /-\d{2}[.-]\d{2}$/.test(id) || id.startsWith('ft:');
}
