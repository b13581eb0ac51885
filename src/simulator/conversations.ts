/**
 * Builds conversations and their history entries (every entry type). Histories are generated
 * lazily from a per-conversation seed so that 100,000 conversations stay cheap in memory:
 * `entries` is computed on first access and then cached; the server reads it with
 * `peekEntries`, which does not cache.
 */
import type {
  WireAgent,
  WireAgentConversation,
  WireChunk,
  WireEntry,
  WireModelConversation,
  WireTool,
} from '../shared/mistral-wire.ts';
import { ASSISTANT_REPLIES, BUILT_IN_TOOL_NAMES, USER_PROMPTS } from './catalog.ts';
import { createRng, type Rng } from './prng.ts';
import type { SimConversation } from './types.ts';
import { iso } from './time.ts';
import { v2StrictGuardrail, v2WeakGuardrail } from './agents.ts';

/** What entry generation needs to know about the speaking agent (a snapshot, so evolve() cannot change past histories). */
export interface Speaker {
  agentId: string | null;
  name: string;
  model: string;
  builtIns: string[];
  functions: string[];
}

export interface HistoryPlan {
  seed: number;
  startMs: number;
  /** Target number of entries (the last turn may add a few more). */
  entries: number;
  speaker: Speaker;
  /** Agents this one may hand off to. */
  handoffs: Speaker[];
  /** Force every entry type and every built-in tool name into the first turns. */
  everyVariant: boolean;
}

export function speakerOf(agent: WireAgent): Speaker {
  return {
    agentId: agent.id,
    name: agent.name,
    model: agent.model,
    ...toolNames(agent.tools),
  };
}

export function toolNames(tools: readonly WireTool[] | undefined | null): {
  builtIns: string[];
  functions: string[];
} {
  const builtIns: string[] = [];
  const functions: string[] = [];
  for (const t of Array.isArray(tools) ? tools : []) {
    if (t.type === 'function') functions.push((t as Extract<WireTool, { type: 'function' }>).function.name);
    else if ((BUILT_IN_TOOL_NAMES as readonly string[]).includes(t.type)) builtIns.push(t.type);
  }
  return { builtIns, functions };
}

const PEEK = Symbol('simulator.peekEntries');

interface LazyConversation extends SimConversation {
  [PEEK]?: () => WireEntry[];
}

/** A conversation record whose `entries` are generated on first read (then cached). */
export function lazyConversation(
  conversation: SimConversation['conversation'],
  make: () => WireEntry[],
): SimConversation {
  let cache: WireEntry[] | undefined;
  const rec = { conversation } as LazyConversation;
  Object.defineProperty(rec, 'entries', {
    enumerable: true,
    configurable: true,
    get: () => (cache ??= make()),
    set: (v: WireEntry[]) => {
      cache = v;
    },
  });
  Object.defineProperty(rec, PEEK, { enumerable: false, value: () => cache ?? make() });
  return rec;
}

/** The entries of a record without materialising a lazy history. */
export function peekEntries(rec: SimConversation): WireEntry[] {
  const peek = (rec as LazyConversation)[PEEK];
  return peek ? peek() : rec.entries;
}

function text(rng: Rng, s: string): string | WireChunk[] {
  return rng.chance(0.7) ? s : [{ type: 'text', text: s }];
}

const latency = (rng: Rng): number => rng.int(200, 20_000);

class HistoryWriter {
  readonly entries: WireEntry[] = [];
  t: number;
  /** Latest timestamp written into an entry. */
  maxMs: number;
  /**
   * `dry`: only the timeline matters (the conversation's updated_at); timestamps are not
   * formatted. The PRNG draws are identical either way, so a later full run gives the same times.
   */
  constructor(
    private readonly rng: Rng,
    startMs: number,
    private readonly dry = false,
  ) {
    this.t = startMs;
    this.maxMs = startMs;
  }
  private stamp(ms: number): string {
    if (ms > this.maxMs) this.maxMs = ms;
    return this.dry ? '' : iso(ms);
  }
  private id(prefix: string): string {
    return `${prefix}_${this.rng.hex(24)}`;
  }
  input(content?: string): void {
    const rng = this.rng;
    const prompt = content ?? rng.pick(USER_PROMPTS);
    let body: string | WireChunk[] = text(rng, prompt);
    if (rng.chance(0.08))
      body = [
        { type: 'text', text: prompt },
        { type: 'image_url', image_url: { url: 'https://example.com/photo.png', detail: null } },
      ];
    else if (rng.chance(0.05))
      body = [
        { type: 'text', text: prompt },
        { type: 'document_url', document_url: 'https://example.com/brief.pdf', document_name: 'brief.pdf' },
      ];
    this.entries.push({
      object: 'entry',
      type: 'message.input',
      id: this.id('msg'),
      created_at: this.stamp(this.t),
      completed_at: null,
      role: 'user',
      content: body,
      prefix: false,
    });
    this.t += rng.int(50, 500);
  }
  tool(sp: Speaker, name: string): void {
    const rng = this.rng;
    const done = this.t + rng.int(300, 8_000);
    this.entries.push({
      object: 'entry',
      type: 'tool.execution',
      id: this.id('tool'),
      created_at: this.stamp(this.t),
      completed_at: this.stamp(done),
      agent_id: sp.agentId,
      model: sp.model,
      name,
      arguments: JSON.stringify(
        name === 'code_interpreter' ? { code: 'print(1 + 1)' } : { query: rng.pick(USER_PROMPTS) },
      ),
      info: {},
    });
    this.t = done + rng.int(10, 200);
  }
  functionCall(sp: Speaker, name: string): void {
    const rng = this.rng;
    const callId = `call_${rng.hex(12)}`;
    const args = { id: `A-${rng.int(1000, 9999)}` };
    this.entries.push({
      object: 'entry',
      type: 'function.call',
      id: this.id('fc'),
      created_at: this.stamp(this.t),
      completed_at: null,
      agent_id: sp.agentId,
      model: sp.model,
      tool_call_id: callId,
      name,
      arguments: rng.chance(0.7) ? JSON.stringify(args) : args,
      confirmation_status: rng.pick([null, null, 'allowed', 'pending', 'denied']),
    });
    this.t += rng.int(100, 3_000);
    this.entries.push({
      object: 'entry',
      type: 'function.result',
      id: this.id('fr'),
      created_at: this.stamp(this.t),
      completed_at: null,
      tool_call_id: callId,
      result: JSON.stringify({ status: 'ok' }),
    });
    this.t += rng.int(10, 200);
  }
  handoff(from: Speaker, to: Speaker): void {
    this.entries.push({
      object: 'entry',
      type: 'agent.handoff',
      id: this.id('ho'),
      created_at: this.stamp(this.t),
      completed_at: this.stamp(this.t),
      previous_agent_id: from.agentId ?? '',
      previous_agent_name: from.name,
      next_agent_id: to.agentId ?? '',
      next_agent_name: to.name,
    });
    this.t += this.rng.int(10, 200);
  }
  output(sp: Speaker, usedSearch: boolean, forceNoCompletedAt = false): void {
    const rng = this.rng;
    const done = this.t + latency(rng);
    const reply = rng.pick(ASSISTANT_REPLIES);
    const content: string | WireChunk[] = usedSearch
      ? [
          { type: 'text', text: reply },
          {
            type: 'tool_reference',
            tool: 'web_search',
            title: 'Official Journal',
            url: 'https://example.org/oj',
            favicon: null,
            description: null,
          },
        ]
      : text(rng, reply);
    const entry: WireEntry = {
      object: 'entry',
      type: 'message.output',
      id: this.id('msg'),
      created_at: this.stamp(this.t),
      role: 'assistant',
      content,
      agent_id: sp.agentId,
      model: sp.model,
    };
    const c = rng.next();
    if (forceNoCompletedAt || c < 0.07) {
      // no completed_at key (still streaming, or never recorded)
    } else if (c < 0.1) entry.completed_at = null;
    else entry.completed_at = this.stamp(done);
    this.entries.push(entry);
    this.t = done;
  }
  /** One user turn: input, maybe tools / function call / handoff, then the answer. */
  turn(sp: Speaker, handoffs: Speaker[]): void {
    const rng = this.rng;
    this.input();
    let usedSearch = false;
    if (sp.builtIns.length && rng.chance(0.4)) {
      const name = rng.pick(sp.builtIns);
      usedSearch = name.startsWith('web_search');
      this.tool(sp, name);
    }
    if (sp.functions.length && rng.chance(0.3)) this.functionCall(sp, rng.pick(sp.functions));
    let speaker = sp;
    if (handoffs.length && rng.chance(0.2)) {
      speaker = rng.pick(handoffs);
      this.handoff(sp, speaker);
    }
    this.output(speaker, usedSearch);
  }
  pause(): void {
    this.t += this.rng.int(5_000, 180_000);
  }
}

/** Generates the history of a plan; `endMs` is the latest timestamp in it. */
export function generateHistory(plan: HistoryPlan, dry = false): { entries: WireEntry[]; endMs: number } {
  const rng = createRng(plan.seed);
  const w = new HistoryWriter(rng, plan.startMs, dry);
  const sp = plan.speaker;
  if (plan.everyVariant) {
    w.input();
    for (const name of BUILT_IN_TOOL_NAMES) w.tool(sp, name);
    w.functionCall(sp, sp.functions[0] ?? 'lookup_order');
    w.output(sp, true, true);
    w.pause();
    w.input();
    const target = plan.handoffs[0] ?? sp;
    w.handoff(sp, target);
    w.output(target, false);
  }
  while (w.entries.length < plan.entries) {
    if (w.entries.length) w.pause();
    w.turn(sp, plan.handoffs);
  }
  return { entries: w.entries, endMs: w.maxMs };
}

export function lastTime(entries: readonly WireEntry[], fallback: number): number {
  let max = fallback;
  for (const e of entries) {
    for (const v of [e.created_at, e.completed_at]) {
      if (typeof v === 'string') {
        const t = Date.parse(v);
        if (t > max) max = t;
      }
    }
  }
  return max;
}

export interface ConversationInput {
  id: string;
  plan: HistoryPlan;
  /** For agent conversations. */
  agent?: { id: string; versions: number[]; aliases: string[] };
}

/** An agent or model-only conversation with a lazy history; updated_at = the last entry's time. */
export function buildConversation(rng: Rng, input: ConversationInput): SimConversation {
  const { endMs } = generateHistory(input.plan, true);
  const created_at = iso(input.plan.startMs);
  const updated_at = iso(endMs);
  const name = rng.chance(0.3) ? `Ticket ${rng.int(1000, 99999)}` : null;
  const metadata = rng.chance(0.4) ? { channel: rng.pick(['web', 'slack', 'api']) } : null;
  let conversation: WireAgentConversation | WireModelConversation;
  if (input.agent) {
    const c: WireAgentConversation = {
      object: 'conversation',
      id: input.id,
      created_at,
      updated_at,
      agent_id: input.agent.id,
    };
    const v = rng.next();
    if (v < 0.5) c.agent_version = rng.pick(input.agent.versions);
    else if (v < 0.65 && input.agent.aliases.length) c.agent_version = rng.pick(input.agent.aliases);
    else if (v < 0.85) c.agent_version = null;
    c.name = name;
    c.description = null;
    c.metadata = metadata;
    conversation = c;
  } else {
    const c: WireModelConversation = {
      object: 'conversation',
      id: input.id,
      created_at,
      updated_at,
      model: input.plan.speaker.model,
      instructions: rng.chance(0.5) ? 'You are a helpful assistant.' : null,
      tools: input.plan.speaker.builtIns.map((t) => ({ type: t }) as WireTool),
      completion_args: { temperature: rng.chance(0.5) ? 0.7 : null, tool_choice: 'auto' },
    };
    const g = rng.next();
    if (g < 0.4) c.guardrails = null;
    else if (g < 0.6) c.guardrails = [];
    else if (g < 0.8) c.guardrails = [v2StrictGuardrail(rng)];
    else c.guardrails = [v2WeakGuardrail(rng)];
    c.name = name;
    c.description = null;
    c.metadata = metadata;
    conversation = c;
  }
  const plan = input.plan;
  return lazyConversation(conversation, () => generateHistory(plan).entries);
}
