/**
 * Seeded, deterministic workspace generator: same seed + options = deep-equal workspace.
 *
 * Guarantees (so tests cannot pass vacuously):
 * - agent 0 carries all seven tool types; agent 2 has a fake credential in its instructions (and
 *   then an early version of the first prompt and of the first skill has one: v2-resources.ts);
 *   agent 3 has no description and no owner; agents cycle through the guardrail variants
 *   (absent, null, [], v1, v2 strict, v2 weak), so 6 agents cover them all;
 * - the first conversation of agent 0 holds every entry type and every built-in tool name,
 *   with a handoff to agent 1 (when there is one) followed by agent 1's output;
 * - files cycle through every purpose / sample type; every 7th file has a sensitive-looking name;
 * - about 30% of libraries are never referenced by an agent tool;
 * - `hostile: true` puts HOSTILE_PAYLOADS into names, descriptions, instructions, function tools,
 *   libraries, documents and file names (see hostile.ts); without it nothing changes.
 * - connectors and library sharing: see connectors.ts; the Admin API's organization (keys,
 *   members, invites, workspaces, roles, groups, audit log, usage): see admin.ts.
 * Order: agents ascending by created_at; conversations newest first (created_at descending).
 */
import { buildAdmin, makeAdminHostile } from './admin.ts';
import { buildAgent, GUARDRAIL_VARIANTS, type AgentContext } from './agents.ts';
import { buildBatchJobs, buildPrompts, buildSkills, makeV2Hostile } from './v2-resources.ts';
import { buildConnectors, makeConnectorsHostile, shareLibraries } from './connectors.ts';
import { buildConversation, speakerOf, toolNames, type Speaker } from './conversations.ts';
import { createRng, mixSeed, type Rng } from './prng.ts';
import { makeHostile } from './hostile.ts';
import { buildFiles, buildLibraries, buildModels, chatModelIds } from './resources.ts';
import type { GeneratorOptions, SimAgent, SimConversation, SimWorkspace } from './types.ts';
import { DAY_MS } from './time.ts';

export const DEFAULT_NOW = '2026-06-01T12:00:00.000Z';

export const DEFAULT_GENERATOR_OPTIONS: GeneratorOptions = {
  now: DEFAULT_NOW,
  agents: 12,
  versionsPerAgent: 4,
  aliasesPerAgent: 2,
  libraries: 5,
  documentsPerLibrary: 4,
  files: 14,
  models: 14,
  conversationsPerAgent: 5,
  modelOnlyConversations: 3,
  entriesPerConversation: 8,
  historyDays: 120,
};

export function resolveGeneratorOptions(p: Partial<GeneratorOptions> = {}): GeneratorOptions {
  const o: GeneratorOptions = { ...DEFAULT_GENERATOR_OPTIONS };
  for (const [k, v] of Object.entries(p))
    if (v !== undefined) (o as unknown as Record<string, unknown>)[k] = v;
  if (Number.isNaN(Date.parse(o.now))) throw new RangeError(`generator: invalid now ${o.now}`);
  return o;
}

function agentId(rng: Rng): string {
  return `ag_${rng.hex(32)}`;
}

/**
 * A conversation id not in `taken` (added to it). Forked generators have 32-bit seeds, so at
 * 100,000 conversations two forks can draw the same id: draw again until it is new.
 */
export function conversationId(rng: Rng, taken: Set<string>): string {
  let id = `conv_${rng.hex(32)}`;
  while (taken.has(id)) id = `conv_${rng.hex(32)}`;
  taken.add(id);
  return id;
}

/** Speakers of an agent's handoff targets (resolved against the workspace). */
export function handoffSpeakers(agent: SimAgent, byId: Map<string, SimAgent>): Speaker[] {
  const out: Speaker[] = [];
  for (const id of agent.current.handoffs ?? []) {
    const target = byId.get(id);
    if (target) out.push(speakerOf(target.current));
  }
  return out;
}

export function agentContext(ws: Pick<SimWorkspace, 'models' | 'libraries'>): AgentContext {
  const ids = ws.libraries.map((l) => l.library.id);
  return { chatModels: chatModelIds(ws.models), usableLibraryIds: ids.slice(0, Math.ceil(ids.length * 0.7)) };
}

export function generateWorkspace(opts: Partial<GeneratorOptions> & { seed: number }): SimWorkspace {
  const o = resolveGeneratorOptions(opts);
  const nowMs = Date.parse(o.now);
  const root = createRng(mixSeed(opts.seed, 0x5eed));
  const rng = {
    models: root.fork(),
    files: root.fork(),
    libraries: root.fork(),
    agents: root.fork(),
    conversations: root.fork(),
    connectors: root.fork(),
    admin: root.fork(),
    v2: root.fork(),
  };
  const models = buildModels(rng.models, o.models, nowMs);
  const files = buildFiles(rng.files, o.files, nowMs);
  const libraries = buildLibraries(rng.libraries, o.libraries, o.documentsPerLibrary, nowMs);
  const ctx = agentContext({ models, libraries });

  // Agents: created between 300 and 5 days ago, ascending.
  const ids = Array.from({ length: o.agents }, () => agentId(rng.agents));
  const created = Array.from(
    { length: o.agents },
    () => nowMs - 5 * DAY_MS - Math.floor(rng.agents.next() * 295 * DAY_MS),
  ).sort((a, b) => a - b);
  const agents: SimAgent[] = [];
  for (let i = 0; i < o.agents; i++) {
    const a = rng.agents.fork();
    const others = ids.filter((_, j) => j !== i);
    let handoffTargets: string[] = [];
    if (i === 0 && others.length) handoffTargets = [ids[1]];
    else if (others.length && a.chance(0.25)) handoffTargets = a.sample(others, a.int(1, 2));
    agents.push(
      buildAgent(a, ctx, {
        id: ids[i],
        index: i,
        createdMs: created[i],
        maxMs: nowMs - 60_000,
        versionCount: a.int(1, Math.max(1, o.versionsPerAgent)),
        aliasCount: a.int(0, Math.max(0, o.aliasesPerAgent)),
        guardrails: GUARDRAIL_VARIANTS[i % GUARDRAIL_VARIANTS.length],
        allTools: i === 0,
        handoffTargets,
        plantSecret: i === 2,
        anonymous: i === 3,
      }),
    );
  }

  // Connectors and sharing (issue 11) draw from their own fork: everything above is unchanged.
  const connectors = buildConnectors(rng.connectors, nowMs, o.customConnectors ?? undefined);
  shareLibraries(rng.connectors, libraries);

  // Hostile texts go in before the conversations, which quote agent and function names. RNG-free:
  // the same seed gives the same ids, times and structure with or without it.
  if (o.hostile) {
    makeHostile({ agents, libraries, files }, { nul: o.hostile === 'with-nul' });
    makeConnectorsHostile(connectors);
  }
  // The Admin API's organization (issue 11), on its own fork, after everything it refers to.
  const admin = buildAdmin(rng.admin, {
    nowMs,
    agents,
    libraries,
    connectors,
    integrationApiKey: o.integrationApiKey,
    chatModels: ctx.chatModels,
  });
  if (o.hostile) makeAdminHostile(admin);
  // Prompts, skills and batch jobs (issue 11), on their own fork: everything above is unchanged.
  // A fake credential in an early prompt and skill version when agent 2 has one (≥ 3 agents).
  const plantSecret = agents.length > 2;
  const prompts = buildPrompts(rng.v2, nowMs, plantSecret);
  const skills = buildSkills(rng.v2, nowMs, plantSecret);
  const batchJobs = buildBatchJobs(rng.v2, nowMs, agents, ctx.chatModels);
  if (o.hostile) makeV2Hostile({ prompts, skills, batchJobs });
  const conversations = generateConversations(rng.conversations, o, nowMs, agents, ctx.chatModels);
  return {
    now: new Date(nowMs).toISOString(),
    models,
    files,
    agents,
    libraries,
    conversations,
    connectors,
    admin,
    prompts,
    skills,
    batchJobs,
  };
}

function generateConversations(
  rng: Rng,
  o: GeneratorOptions,
  nowMs: number,
  agents: SimAgent[],
  chatModels: string[],
): SimConversation[] {
  const total = Math.max(0, o.conversations ?? o.agents * o.conversationsPerAgent + o.modelOnlyConversations);
  const modelOnly = agents.length === 0 ? total : Math.min(total, o.modelOnlyConversations);
  const agentCount = total - modelOnly;
  // Skewed usage: some agents are never used; agent 0 always has at least one conversation.
  const weights = agents.map((_, i) => (i === 0 ? 1 : rng.chance(0.15) ? 0 : rng.next() ** 2 + 0.02));
  const cumulative: number[] = [];
  let sum = 0;
  for (const w of weights) cumulative.push((sum += w));
  const byId = new Map(agents.map((a) => [a.current.id, a]));
  const maxEntries = Math.max(2, o.entriesPerConversation);
  const latestStart = nowMs - Math.max(3_600_000, maxEntries * 120_000);
  const windowStart = nowMs - o.historyDays * DAY_MS;

  // One speaker snapshot per agent, shared by all its conversations (memory at 100k conversations).
  const speakers = new Map<SimAgent, { speaker: Speaker; handoffs: Speaker[] }>();
  const speakersOf = (agent: SimAgent): { speaker: Speaker; handoffs: Speaker[] } => {
    let sp = speakers.get(agent);
    if (!sp)
      speakers.set(
        agent,
        (sp = { speaker: speakerOf(agent.current), handoffs: handoffSpeakers(agent, byId) }),
      );
    return sp;
  };
  const out: Array<{ start: number; rec: SimConversation }> = [];
  const taken = new Set<string>();
  for (let k = 0; k < total; k++) {
    const c = rng.fork();
    const id = conversationId(c, taken);
    const entries = c.int(2, maxEntries);
    if (k < agentCount) {
      let agent: SimAgent;
      if (k === 0) agent = agents[0];
      else {
        const x = c.next() * sum;
        let lo = 0;
        let hi = cumulative.length - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (cumulative[mid] > x) hi = mid;
          else lo = mid + 1;
        }
        agent = agents[lo];
      }
      const from = Math.max(windowStart, Date.parse(agent.current.created_at));
      const start = latestStart - Math.floor((latestStart - Math.min(from, latestStart)) * c.next() ** 1.5);
      const rec = buildConversation(c, {
        id,
        plan: {
          seed: mixSeed(c.int(0, 0xffffffff), k),
          startMs: start,
          entries,
          ...speakersOf(agent),
          everyVariant: k === 0,
        },
        agent: {
          id: agent.current.id,
          versions: agent.current.versions,
          aliases: agent.aliases.map((x) => x.alias),
        },
      });
      out.push({ start, rec });
    } else {
      const model = c.pick(chatModels);
      const start = latestStart - Math.floor((latestStart - windowStart) * c.next());
      const builtIns = toolNames(
        c.chance(0.5) ? [{ type: 'web_search' }, { type: 'code_interpreter' }] : [],
      ).builtIns;
      const rec = buildConversation(c, {
        id,
        plan: {
          seed: mixSeed(c.int(0, 0xffffffff), k),
          startMs: start,
          entries,
          speaker: { agentId: null, name: model, model, builtIns, functions: [] },
          handoffs: [],
          everyVariant: false,
        },
      });
      out.push({ start, rec });
    }
  }
  out.sort((a, b) => b.start - a.start);
  return out.map((x) => x.rec);
}
