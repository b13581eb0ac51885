/**
 * Builds agents: tools (all seven types), guardrails (every variant), completion args,
 * versions with config drift, and aliases. Wire-shaped output.
 */
import type {
  WireAgent,
  WireAgentAlias,
  WireCompletionArgs,
  WireGuardrailConfig,
  WireTool,
  WireToolConfiguration,
  WireToolType,
} from '../shared/mistral-wire.ts';
import { V1_CATEGORIES, V2_CATEGORIES, WIRE_TOOL_TYPES } from '../shared/mistral-wire.ts';
import {
  AGENT_ROLES,
  CONNECTOR_IDS,
  FUNCTION_SPECS,
  INSTRUCTION_TEMPLATES,
  SECRET_SNIPPETS,
} from './catalog.ts';
import type { Rng } from './prng.ts';
import type { SimAgent } from './types.ts';
import { iso } from './time.ts';

/** What agent building needs to know about the rest of the workspace. */
export interface AgentContext {
  /** Models an agent may use (base chat models and fine-tuned ones). */
  chatModels: string[];
  /** Libraries that agents may reference (some libraries are deliberately left unused). */
  usableLibraryIds: string[];
}

/** Guardrail variants, in the order the generator cycles through them. */
export const GUARDRAIL_VARIANTS = ['absent', 'null', 'empty', 'v1', 'v2-strict', 'v2-weak'] as const;
export type GuardrailVariant = (typeof GUARDRAIL_VARIANTS)[number];

const round2 = (x: number): number => Math.round(x * 100) / 100;

export function v2StrictGuardrail(rng: Rng): WireGuardrailConfig {
  const thresholds: Record<string, number | null> = {};
  for (const c of V2_CATEGORIES) thresholds[c] = round2(0.1 + rng.next() * 0.2);
  thresholds.jailbreaking = 0.2;
  thresholds.pii = 0.2;
  return {
    block_on_error: true,
    moderation_llm_v2: {
      model_name: 'mistral-moderation-2603',
      custom_category_thresholds: thresholds,
      ignore_other_categories: false,
      action: 'block',
    },
  };
}

export function v2WeakGuardrail(rng: Rng): WireGuardrailConfig {
  return {
    block_on_error: false,
    moderation_llm_v2: {
      custom_category_thresholds: {
        sexual: round2(0.85 + rng.next() * 0.1),
        violence_and_threats: 0.95,
        law: null,
      },
      ignore_other_categories: true,
      action: 'none',
    },
  };
}

export function v1Guardrail(rng: Rng): WireGuardrailConfig {
  const thresholds: Record<string, number | null> = {};
  for (const c of V1_CATEGORIES) thresholds[c] = rng.chance(0.15) ? null : round2(0.3 + rng.next() * 0.4);
  return {
    block_on_error: rng.chance(0.5),
    moderation_llm_v1: {
      model_name: 'mistral-moderation-2411',
      custom_category_thresholds: thresholds,
      ignore_other_categories: false,
      action: 'block',
    },
  };
}

/** Sets (or removes) `guardrails` on an agent-like object per the variant. */
export function applyGuardrailVariant(
  target: { guardrails?: WireGuardrailConfig[] | null },
  variant: GuardrailVariant,
  rng: Rng,
): void {
  switch (variant) {
    case 'absent':
      delete target.guardrails;
      return;
    case 'null':
      target.guardrails = null;
      return;
    case 'empty':
      target.guardrails = [];
      return;
    case 'v1':
      target.guardrails = [v1Guardrail(rng)];
      return;
    case 'v2-strict':
      target.guardrails = [v2StrictGuardrail(rng)];
      return;
    case 'v2-weak':
      target.guardrails = [v2WeakGuardrail(rng)];
      return;
  }
}

function toolConfiguration(rng: Rng, confirm: string[]): WireToolConfiguration | null | undefined {
  const r = rng.next();
  if (r < 0.4) return undefined;
  if (r < 0.6) return null;
  return {
    exclude: null,
    include: null,
    requires_confirmation: rng.chance(0.5) ? rng.sample(confirm, rng.int(1, confirm.length)) : null,
  };
}

function withConfig<T extends Record<string, unknown>>(
  tool: T,
  cfg: WireToolConfiguration | null | undefined,
): T {
  if (cfg !== undefined) (tool as Record<string, unknown>).tool_configuration = cfg;
  return tool;
}

export function buildTool(rng: Rng, type: WireToolType, ctx: AgentContext): WireTool {
  switch (type) {
    case 'code_interpreter':
    case 'web_search':
    case 'web_search_premium':
    case 'image_generation':
      return withConfig({ type }, toolConfiguration(rng, [type]));
    case 'document_library': {
      const ids = rng.sample(ctx.usableLibraryIds, rng.int(1, 2));
      if (ids.length === 0 || rng.chance(0.2)) ids.push(rng.uuid()); // a library that does not exist
      return withConfig({ type, library_ids: ids }, toolConfiguration(rng, ['document_library']));
    }
    case 'function': {
      const spec = rng.pick(FUNCTION_SPECS);
      const properties: Record<string, unknown> = {};
      for (const [k, t] of Object.entries(spec.params))
        properties[k] = { type: t, description: `The ${k.replace('_', ' ')}` };
      const fn: {
        name: string;
        description?: string;
        strict?: boolean;
        parameters: Record<string, unknown>;
      } = {
        name: spec.name,
        parameters: { type: 'object', properties, required: Object.keys(spec.params) },
      };
      if (rng.chance(0.8)) fn.description = spec.description;
      if (rng.chance(0.5)) fn.strict = rng.chance(0.5);
      return { type, function: fn };
    }
    case 'connector': {
      const tool: Extract<WireTool, { type: 'connector' }> = {
        type,
        connector_id: rng.chance(0.8) ? rng.pick(CONNECTOR_IDS) : rng.uuid(),
      };
      const r = rng.next();
      if (r < 0.4) tool.authorization = { type: 'api-key', value: `ck-${rng.hex(24)}` };
      else if (r < 0.6) tool.authorization = { type: 'oauth2-token', value: `ya29.${rng.hex(32)}` };
      else if (r < 0.8) tool.authorization = null;
      if (rng.chance(0.5)) {
        tool.tool_configuration = {
          exclude: null,
          include: null,
          requires_confirmation: ['send_message', 'delete_item'].slice(0, rng.int(1, 2)),
        };
      }
      return tool;
    }
  }
}

function completionArgs(rng: Rng): WireCompletionArgs {
  return {
    stop: null,
    presence_penalty: null,
    frequency_penalty: null,
    temperature: rng.chance(0.2) ? null : round2(rng.next() * 1.2),
    top_p: rng.chance(0.3) ? null : rng.pick([0.9, 0.95, 1]),
    max_tokens: rng.chance(0.6) ? null : rng.pick([1024, 2048, 4096]),
    random_seed: null,
    prediction: null,
    response_format: null,
    tool_choice: 'auto',
    reasoning_effort: rng.chance(0.8) ? null : rng.pick(['low', 'medium', 'high']),
  };
}

function instructions(rng: Rng, role: string, plantSecret: boolean): string | null {
  const none = rng.chance(0.08);
  let text = rng.pick(INSTRUCTION_TEMPLATES).replace('{role}', role.toLowerCase());
  if (rng.chance(0.12) || plantSecret) text += ` ${rng.pick(SECRET_SNIPPETS)(rng.hex(24))}`;
  return none && !plantSecret ? null : text;
}

export interface BuildAgentInput {
  id: string;
  index: number;
  createdMs: number;
  /** Latest time a version may carry. */
  maxMs: number;
  versionCount: number;
  aliasCount: number;
  guardrails: GuardrailVariant;
  /** Agent 0 carries all seven tool types so every variant exists even in tiny workspaces. */
  allTools: boolean;
  handoffTargets: string[];
  /** Always put a fake credential in the instructions (the generator does it for agent 2). */
  plantSecret?: boolean;
  /** No description key and a null owner (the generator does it for agent 3). */
  anonymous?: boolean;
}

/** Version 0 of a new agent. */
function firstVersion(rng: Rng, ctx: AgentContext, a: BuildAgentInput): WireAgent {
  const role = AGENT_ROLES[a.index % AGENT_ROLES.length];
  const name =
    a.index < AGENT_ROLES.length ? role : `${role} ${Math.floor(a.index / AGENT_ROLES.length) + 1}`;
  const agent: WireAgent = {
    object: 'agent',
    id: a.id,
    version: 0,
    versions: [0],
    name,
    model: rng.pick(ctx.chatModels),
    instructions: instructions(rng, role, a.plantSecret ?? false),
    created_at: iso(a.createdMs),
    updated_at: iso(a.createdMs),
    deployment_chat: rng.chance(0.3),
    source: rng.pick(['api', 'api', 'playground', 'agent_builder_v1']),
  };
  const d = rng.next();
  if (d < 0.6)
    agent.description = `${role} for the ${rng.pick(['support', 'people', 'sales', 'legal', 'IT'])} team`;
  else if (d < 0.8) agent.description = null;
  const types: WireToolType[] = a.allTools
    ? [...WIRE_TOOL_TYPES]
    : rng.sample(WIRE_TOOL_TYPES, rng.int(0, 3));
  if (!a.allTools && rng.chance(0.1)) {
    // no `tools` key at all
  } else {
    agent.tools = types.map((t) => buildTool(rng, t, ctx));
  }
  if (rng.chance(0.9)) agent.completion_args = completionArgs(rng);
  applyGuardrailVariant(agent, a.guardrails, rng);
  agent.handoffs = a.handoffTargets.length ? a.handoffTargets.slice() : null;
  const m = rng.next();
  if (m < 0.5)
    agent.metadata = {
      team: rng.pick(['cx', 'hr', 'sales', 'legal', 'it']),
      env: rng.pick(['prod', 'staging']),
    };
  else if (m < 0.8) agent.metadata = null;
  const o = rng.next();
  if (o < 0.75) agent.owner_id = rng.uuid();
  else if (o < 0.9) agent.owner_id = null;
  if (a.anonymous) {
    delete agent.description;
    agent.owner_id = null;
  }
  agent.version_message = rng.chance(0.5) ? 'Initial version' : null;
  return agent;
}

export type DriftKind = 'temperature' | 'instructions' | 'model' | 'add-tool' | 'remove-tool';

/** Applies one non-guardrail configuration change; returns what it changed. */
export function applyDrift(rng: Rng, ctx: AgentContext, agent: WireAgent): DriftKind {
  const kind = rng.pick<DriftKind>(['temperature', 'instructions', 'model', 'add-tool', 'remove-tool']);
  switch (kind) {
    case 'temperature':
      agent.completion_args = {
        ...(agent.completion_args ?? completionArgs(rng)),
        temperature: round2(rng.next() * 1.2),
      };
      break;
    case 'instructions':
      agent.instructions =
        `${agent.instructions ?? ''} ${rng.pick(['Always answer in English.', 'Keep answers under 200 words.', 'Do not give legal advice.'])}`.trim();
      break;
    case 'model':
      agent.model = rng.pick(ctx.chatModels);
      break;
    case 'add-tool':
      agent.tools = [...(agent.tools ?? []), buildTool(rng, rng.pick(WIRE_TOOL_TYPES), ctx)];
      break;
    case 'remove-tool':
      if (agent.tools && agent.tools.length) agent.tools = agent.tools.slice(0, -1);
      else agent.tools = [buildTool(rng, 'web_search', ctx)];
      break;
  }
  agent.version_message = rng.chance(0.6) ? `Update: ${kind}` : null;
  return kind;
}

/** Appends a new version (a full copy of the latest, changed by `change`) and updates `current`. */
export function addVersion(agent: SimAgent, atMs: number, change: (next: WireAgent) => void): WireAgent {
  const latest = agent.versions[agent.versions.length - 1] ?? agent.current;
  const next = structuredClone(latest);
  const number = Math.max(-1, ...agent.versions.map((v) => v.version)) + 1;
  change(next);
  next.version = number;
  next.updated_at = iso(atMs);
  agent.versions.push(next);
  const all = agent.versions.map((v) => v.version);
  for (const v of agent.versions) v.versions = all.slice();
  agent.current = structuredClone(next);
  return next;
}

const ALIAS_NAMES = ['production', 'staging', 'canary', 'dev'];

export function buildAgent(rng: Rng, ctx: AgentContext, a: BuildAgentInput): SimAgent {
  const v0 = firstVersion(rng, ctx, a);
  const agent: SimAgent = { current: structuredClone(v0), versions: [v0], aliases: [] };
  const span = Math.max(0, a.maxMs - a.createdMs);
  const times: number[] = [];
  for (let i = 1; i < a.versionCount; i++) times.push(a.createdMs + Math.floor(rng.next() * span));
  times.sort((x, y) => x - y);
  for (const t of times) {
    addVersion(agent, t, (next) => {
      if (rng.chance(0.2)) {
        applyGuardrailVariant(next, rng.pick(GUARDRAIL_VARIANTS), rng);
        next.version_message = 'Update guardrails';
      } else applyDrift(rng, ctx, next);
    });
  }
  // The latest version keeps the variant the generator assigned, so coverage is predictable.
  const last = agent.versions[agent.versions.length - 1];
  if (last.version > 0) {
    applyGuardrailVariant(last, a.guardrails, rng);
    if (a.allTools) {
      const have = new Set((last.tools ?? []).map((t) => t.type));
      last.tools = [
        ...(last.tools ?? []),
        ...WIRE_TOOL_TYPES.filter((t) => !have.has(t)).map((t) => buildTool(rng, t, ctx)),
      ];
    }
    agent.current = structuredClone(last);
  }
  const aliasNames = ALIAS_NAMES.slice(0, Math.min(a.aliasCount, ALIAS_NAMES.length));
  for (const alias of aliasNames) {
    const target = alias === 'staging' ? last : rng.pick(agent.versions);
    const createdMs = Date.parse(target.updated_at);
    agent.aliases.push(
      aliasRecord(
        alias,
        target.version,
        createdMs,
        Math.min(a.maxMs, createdMs + Math.floor(rng.next() * 3_600_000)),
      ),
    );
  }
  return agent;
}

export function aliasRecord(
  alias: string,
  version: number,
  createdMs: number,
  updatedMs: number,
): WireAgentAlias {
  return { alias, version, created_at: iso(createdMs), updated_at: iso(Math.max(createdMs, updatedMs)) };
}
