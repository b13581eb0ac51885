/**
 * Prompts and skills (GET /v2/prompts, /v2/skills: beta, token pagination pageSize/pageToken,
 * camelCase) and batch jobs (GET /v1/batch/jobs: page from 0, page_size default 100, snake_case),
 * wire-exact to Mistral's OpenAPI document (2026-08-13). Issue 11, "With the ordinary workspace key".
 *
 * Guarantees of a generated workspace (so tests cannot pass vacuously), whatever the seed:
 * - 3–5 prompts and 2–4 skills, each with 1–4 versions (the first prompt and the first skill
 *   have at least 3); the latest version of each carries the alias "production", an earlier one
 *   (when there is one) "staging";
 * - with `plantSecret` (the generator sets it when agent 2 has its fake credential, i.e. at least 3
 *   agents): version 2 of the first prompt holds a fake "sk-" key in its content and version 1 of the
 *   first skill AWS's documented example key id in its body; their later versions are clean (removed,
 *   but still readable through the versions API). Fixed strings: no RNG draw, so nothing else changes;
 * - 6–9 batch jobs, newest first: the first names the first agent (agent_id), the second names an
 *   agent that does not exist (a deleted agent), the third names the second agent (or the first),
 *   the rest run a model (agent_id null); statuses cover SUCCESS, RUNNING, FAILED and QUEUED.
 * Runs on its own RNG fork, after everything else: the rest of the workspace is unchanged.
 * A workspace without these lists (a scenario file) serves empty lists.
 *
 * Switches: features.prompts / skills / batch = false → 403 (as a plan without them answers),
 * like connectors. Prompts and skills are beta (beta switch applies); batch jobs are not.
 */
import type {
  WireBatchJob,
  WireBatchJobStatus,
  WirePromptDefinition,
  WireSkillDefinition,
} from '../shared/mistral-wire-v2.ts';
import { WIRE_BATCH_JOB_STATUSES } from '../shared/mistral-wire-v2.ts';
import { hostilePayload } from './hostile.ts';
import { QueryError, type Reply, type RouteContext, type RouteDef } from './http.ts';
import type { Rng } from './prng.ts';
import { DAY_MS, iso, unixSeconds } from './time.ts';
import type { SimAgent, SimRegistryItem, SimWorkspace } from './types.ts';

/** Default pageSize of /v2/prompts and /v2/skills when none is given. */
export const V2_DEFAULT_PAGE_SIZE = 50;

const PROMPT_NAMES = ['support_reply', 'triage_summary', 'sql_helper', 'release_notes', 'hr_faq'];
const SKILL_NAMES = ['pdf_extract', 'invoice_check', 'code_review', 'calendar_booking'];

/** Fake credentials planted in an early version (see the module comment): never real keys. */
export const PLANTED_PROMPT_SECRET = 'sk-trustlens-demo-5f2a9c71e4b8d306';
export const PLANTED_SKILL_SECRET = 'AKIAIOSFODNN7EXAMPLE';

function registryItem<D>(
  rng: Rng,
  name: string,
  versionCount: number,
  nowMs: number,
  definition: (v: number) => D,
  titled: boolean,
): SimRegistryItem<D> {
  const createdMs = nowMs - rng.int(30, 300) * DAY_MS;
  const versions = Array.from({ length: versionCount }, (_, i) => ({
    version: i + 1,
    definition: definition(i + 1),
    notes: i === 0 ? 'first version' : `revision ${i + 1}`,
    aliases: [] as string[],
    createdAt: iso(createdMs + i * rng.int(1, 9) * DAY_MS),
  }));
  versions[versions.length - 1].aliases.push('production');
  if (versions.length > 1) versions[versions.length - 2].aliases.push('staging');
  const latest = versions[versions.length - 1];
  const described = rng.chance(0.5) ? 'template' : 'helper';
  return {
    object: {
      id: rng.uuid(),
      name,
      // Prompt has a title and description; Skill has neither (its description is in the definition).
      ...(titled
        ? { title: name.replace(/_/g, ' '), description: `The ${name.replace(/_/g, ' ')} ${described}` }
        : {}),
      sharingScope: rng.chance(0.5) ? 'workspace' : 'private',
      createdAt: iso(createdMs),
      updatedAt: latest.createdAt,
    },
    versions,
  };
}

export function buildPrompts(
  rng: Rng,
  nowMs: number,
  plantSecret = false,
): SimRegistryItem<WirePromptDefinition>[] {
  const n = rng.int(3, 5);
  return PROMPT_NAMES.slice(0, n).map((name, i) =>
    registryItem(
      rng,
      name,
      i === 0 ? rng.int(3, 4) : rng.int(1, 4),
      nowMs,
      (v) => ({
        content:
          `You are the ${name} assistant (v${v}). Answer {{question}} politely.` +
          (plantSecret && i === 0 && v === 2
            ? `\nLook orders up with the support API, key ${PLANTED_PROMPT_SECRET}.`
            : ''),
        variables: [{ name: 'question' }],
      }),
      true,
    ),
  );
}

export function buildSkills(
  rng: Rng,
  nowMs: number,
  plantSecret = false,
): SimRegistryItem<WireSkillDefinition>[] {
  const n = rng.int(2, 4);
  return SKILL_NAMES.slice(0, n).map((name, i) =>
    registryItem(
      rng,
      name,
      i === 0 ? rng.int(3, 4) : rng.int(1, 4),
      nowMs,
      (v) => ({
        description: `Use when the user asks for ${name.replace(/_/g, ' ')}`,
        body:
          `# ${name} v${v}\nSteps: read the input, do the work, answer.` +
          (plantSecret && i === 0 && v === 1 ? `\nexport AWS_ACCESS_KEY_ID=${PLANTED_SKILL_SECRET}` : ''),
        assets: {},
      }),
      false,
    ),
  );
}

export function buildBatchJobs(
  rng: Rng,
  nowMs: number,
  agents: readonly SimAgent[],
  chatModels: readonly string[],
): WireBatchJob[] {
  const n = rng.int(6, 9);
  const fixed: WireBatchJobStatus[] = ['SUCCESS', 'RUNNING', 'FAILED', 'QUEUED'];
  const out: WireBatchJob[] = [];
  let t = nowMs - rng.int(1, 6) * 3_600_000;
  for (let i = 0; i < n; i++) {
    let agentId: string | null = null;
    if (i === 0 && agents.length) agentId = String(agents[0].current.id);
    else if (i === 1)
      agentId = `ag_${rng.hex(32)}`; // a deleted agent
    else if (i === 2 && agents.length) agentId = String(agents[Math.min(1, agents.length - 1)].current.id);
    const status = i < fixed.length ? fixed[i] : rng.pick(WIRE_BATCH_JOB_STATUSES);
    const total = rng.int(1, 500);
    const done = status === 'SUCCESS' ? total : status === 'QUEUED' ? 0 : rng.int(0, total);
    const failed = status === 'FAILED' ? Math.max(1, done) : rng.int(0, Math.floor(done / 10));
    const started = status === 'QUEUED' ? null : t + rng.int(1, 120) * 1000;
    const finished = ['SUCCESS', 'FAILED', 'CANCELLED', 'TIMEOUT_EXCEEDED'].includes(status);
    out.push({
      id: rng.uuid(),
      object: 'batch',
      input_files: [rng.uuid()],
      metadata: { job_type: rng.pick(['nightly', 'backfill', 'eval']) },
      endpoint: '/v1/chat/completions',
      model: agentId ? null : (rng.pick(chatModels.length ? chatModels : ['mistral-small-latest']) ?? null),
      agent_id: agentId,
      output_file: finished && status !== 'FAILED' ? rng.uuid() : null,
      error_file: failed > 0 ? rng.uuid() : null,
      errors: status === 'FAILED' ? [{ message: 'Input file could not be parsed', count: 1 }] : [],
      outputs: null,
      status,
      created_at: unixSeconds(t),
      total_requests: total,
      completed_requests: Math.min(total, Math.max(done, failed)),
      succeeded_requests: Math.max(0, Math.min(total, Math.max(done, failed)) - failed),
      failed_requests: failed,
      started_at: started === null ? null : unixSeconds(started),
      completed_at: finished && started !== null ? unixSeconds(started + rng.int(1, 60) * 60_000) : null,
    });
    t -= rng.int(1, 72) * 3_600_000;
  }
  return out;
}

/** Hostile texts in every owner-written field (names, titles, descriptions, notes, metadata). */
export function makeV2Hostile(ws: Pick<SimWorkspace, 'prompts' | 'skills' | 'batchJobs'>): void {
  [...(ws.prompts ?? []), ...(ws.skills ?? [])].forEach((item, k) => {
    item.object.name = `${hostilePayload(k)}${item.object.name ?? ''}`;
    if ('title' in item.object) item.object.title = hostilePayload(k + 1);
    if ('description' in item.object) item.object.description = hostilePayload(k + 2);
    item.versions.forEach((v, j) => {
      v.notes = hostilePayload(k + j + 3);
    });
  });
  (ws.batchJobs ?? []).forEach((job, k) => {
    job.metadata = { job_type: hostilePayload(k) };
  });
}

// ---- routes ----

function intParam(q: URLSearchParams, name: string, def: number, min: number): number {
  const raw = q.get(name);
  if (raw === null || raw === '') return def;
  if (!/^-?\d+$/.test(raw)) throw new QueryError(name, 'Input should be a valid integer');
  const n = Number(raw);
  if (n < min) throw new QueryError(name, `Input should be greater than or equal to ${min}`);
  return n;
}

function batchNotFound(): Reply {
  return {
    status: 404,
    body: {
      object: 'error',
      message: 'Batch job not found',
      type: 'invalid_request_error',
      param: null,
      code: 'not_found',
    },
  };
}

/** The object a version of a registry item is served as (Prompt / Skill). */
function asObject<D>(
  item: SimRegistryItem<D>,
  v: SimRegistryItem<D>['versions'][number],
): Record<string, unknown> {
  const latest = item.versions[item.versions.length - 1];
  return {
    ...item.object,
    definition: v.definition,
    version: v.version,
    notes: v.notes,
    aliases: v.aliases,
    latestVersion: latest?.version ?? 1,
  };
}

/** Opaque page token: the offset, base64url. An invalid one → 422 (pageToken). */
function tokenStart(token: string | null, total: number): number {
  if (!token) return 0;
  const m = /^o(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!m) throw new QueryError('pageToken', 'Invalid page token');
  return Math.min(Number(m[1]), total);
}

function registryRoutes<D>(
  kind: 'prompts' | 'skills',
  idParam: 'prompt_id' | 'skill_id',
  what: string,
  listOf: (ws: SimWorkspace) => SimRegistryItem<D>[],
): RouteDef[] {
  const feature = kind;
  const find = (ws: SimWorkspace, id: string) => listOf(ws).find((p) => p.object.id === id);
  return [
    {
      pattern: `/v2/${kind}`,
      beta: true,
      feature,
      handle: (ctx: RouteContext) => {
        const size = Math.min(intParam(ctx.query, 'pageSize', V2_DEFAULT_PAGE_SIZE, 1), ctx.maxPageSize);
        let list = listOf(ctx.ws);
        const alias = ctx.query.get('alias');
        if (alias) list = list.filter((p) => p.versions.some((v) => v.aliases.includes(alias)));
        const start = tokenStart(ctx.query.get('pageToken'), list.length);
        const page = list.slice(start, start + size);
        const end = start + page.length;
        const body: Record<string, unknown> = {
          data: page.map((p) => asObject(p, p.versions[p.versions.length - 1])),
        };
        if (end < list.length) body.nextPageToken = Buffer.from(`o${end}`).toString('base64url');
        return { status: 200, body };
      },
    },
    {
      pattern: `/v2/${kind}/{${idParam}}`,
      beta: true,
      feature,
      handle: (ctx: RouteContext) => {
        const item = find(ctx.ws, ctx.params[idParam]);
        if (!item) return notFoundV2(what);
        const version = ctx.query.get('version');
        const alias = ctx.query.get('alias');
        let v = item.versions[item.versions.length - 1];
        if (version !== null && version !== '') {
          const n = intParam(ctx.query, 'version', 1, 1);
          const found = item.versions.find((x) => x.version === n);
          if (!found) return notFoundV2(`${what} version`);
          v = found;
        } else if (alias) {
          const found = item.versions.find((x) => x.aliases.includes(alias));
          if (!found) return notFoundV2(`${what} alias`);
          v = found;
        }
        return { status: 200, body: asObject(item, v) };
      },
    },
    {
      pattern: `/v2/${kind}/{${idParam}}/versions`,
      beta: true,
      feature,
      handle: (ctx: RouteContext) => {
        const item = find(ctx.ws, ctx.params[idParam]);
        if (!item) return notFoundV2(what);
        return { status: 200, body: { data: item.versions } };
      },
    },
  ];
}

function notFoundV2(what: string): Reply {
  return { status: 404, body: { code: 5, message: `${what} not found`, details: [] } };
}

const promptsOf = (ws: SimWorkspace) => ws.prompts ?? [];
const skillsOf = (ws: SimWorkspace) => ws.skills ?? [];

function batchList(ctx: RouteContext): Reply {
  const q = ctx.query;
  const page = intParam(q, 'page', 0, 0);
  const size = Math.min(intParam(q, 'page_size', 100, 1), ctx.maxPageSize);
  let list = (ctx.ws.batchJobs ?? []).slice();
  const model = q.get('model');
  if (model) list = list.filter((j) => j.model === model);
  const agentId = q.get('agent_id');
  if (agentId) list = list.filter((j) => j.agent_id === agentId);
  const statuses = q.getAll('status');
  for (const s of statuses)
    if (!(WIRE_BATCH_JOB_STATUSES as readonly string[]).includes(s))
      throw new QueryError(
        'status',
        `Input should be ${WIRE_BATCH_JOB_STATUSES.map((x) => `'${x}'`).join(', ')}`,
      );
  if (statuses.length) list = list.filter((j) => statuses.includes(j.status));
  const after = q.get('created_after');
  if (after) {
    const ms = Date.parse(after);
    if (Number.isNaN(ms)) throw new QueryError('created_after', 'Input should be a valid datetime');
    list = list.filter((j) => j.created_at * 1000 > ms);
  }
  const order = q.get('order_by') ?? '-created';
  if (order !== 'created' && order !== '-created')
    throw new QueryError('order_by', "Input should be 'created' or '-created'");
  list.sort((a, b) => (order === 'created' ? a.created_at - b.created_at : b.created_at - a.created_at));
  return {
    status: 200,
    body: { data: list.slice(page * size, page * size + size), object: 'list', total: list.length },
  };
}

export const V2_ROUTES: RouteDef[] = [
  ...registryRoutes('prompts', 'prompt_id', 'Prompt', promptsOf),
  ...registryRoutes('skills', 'skill_id', 'Skill', skillsOf),
  { pattern: '/v1/batch/jobs', beta: false, feature: 'batch', handle: batchList },
  {
    pattern: '/v1/batch/jobs/{job_id}',
    beta: false,
    feature: 'batch',
    handle: ({ ws, params }) => {
      const job = (ws.batchJobs ?? []).find((j) => j.id === params.job_id);
      return job ? { status: 200, body: job } : batchNotFound();
    },
  },
];
