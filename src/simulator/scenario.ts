/**
 * Scenario files: a JSON SimWorkspace written by hand (see scenarios/). Missing collections
 * default to empty lists and a missing `now` to the generator's default clock. Records are
 * kept verbatim (no validation), so a scenario may hold deliberately bad data.
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_NOW } from './generator.ts';
import type { SimWorkspace } from './types.ts';

export function parseScenario(text: string, origin = 'scenario'): SimWorkspace {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${origin}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new Error(`${origin}: expected a JSON object`);
  const o = raw as Partial<Record<keyof SimWorkspace, unknown>>;
  const list = (key: keyof SimWorkspace): unknown[] => {
    const v = o[key];
    if (v === undefined) return [];
    if (!Array.isArray(v)) throw new Error(`${origin}: "${key}" must be an array`);
    return v;
  };
  const agents = list('agents') as SimWorkspace['agents'];
  for (const [i, a] of agents.entries()) {
    if (!a || typeof a !== 'object' || !a.current) throw new Error(`${origin}: agents[${i}] needs "current"`);
    a.versions ??= [a.current];
    a.aliases ??= [];
  }
  const libraries = list('libraries') as SimWorkspace['libraries'];
  for (const [i, l] of libraries.entries()) {
    if (!l || typeof l !== 'object' || !l.library)
      throw new Error(`${origin}: libraries[${i}] needs "library"`);
    l.documents ??= [];
  }
  const conversations = list('conversations') as SimWorkspace['conversations'];
  for (const [i, c] of conversations.entries()) {
    if (!c || typeof c !== 'object' || !c.conversation)
      throw new Error(`${origin}: conversations[${i}] needs "conversation"`);
    c.entries ??= [];
  }
  return {
    now: typeof o.now === 'string' ? o.now : DEFAULT_NOW,
    models: list('models') as SimWorkspace['models'],
    files: list('files') as SimWorkspace['files'],
    agents,
    libraries,
    conversations,
  };
}

export function loadScenario(path: string): SimWorkspace {
  return parseScenario(readFileSync(path, 'utf8'), path);
}
