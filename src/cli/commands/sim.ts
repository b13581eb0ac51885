/**
 * `trustlens sim`: runs the Mistral workspace simulator in the foreground until Ctrl-C.
 * The keys it prints are the simulator's own (random unless --api-key / --admin-api-key), never a real
 * Mistral key: the ordinary key, and the admin key its Admin API (GET /v1/admin/*) answers to.
 */
import type { Command } from 'commander';
import { numberFlag } from '../flags.ts';
import { AppError } from '../../errors/index.ts';
import {
  FAULT_KINDS,
  loadScenario,
  makeHostile,
  startSimulator,
  type FaultKind,
  type SimulatorHandle,
  type SimulatorOptions,
  type SimWorkspace,
} from '../../simulator/index.ts';

export interface SimFlags {
  seed?: string;
  agents?: string;
  conversations?: string;
  beta: boolean;
  betaStatus?: string;
  rps?: string;
  latencyMs?: string;
  faultRate?: string;
  faultKinds?: string;
  port?: string;
  host?: string;
  scenario?: string;
  apiKey?: string;
  adminApiKey?: string;
  now?: string;
  hostile?: boolean;
}

/** Turns CLI flags into simulator options (exported for tests). */
export function simOptionsFromFlags(f: SimFlags, clock: () => Date = () => new Date()): SimulatorOptions {
  const opts: SimulatorOptions = {};
  const seed = numberFlag('--seed', f.seed, { min: 0, max: 0xffffffff, integer: true });
  if (seed !== undefined) opts.seed = seed;
  opts.host = f.host ?? '127.0.0.1';
  opts.port = numberFlag('--port', f.port, { min: 0, max: 65535, integer: true }) ?? 0;
  if (f.apiKey) opts.apiKey = f.apiKey;
  if (f.adminApiKey) {
    if (f.adminApiKey === f.apiKey) {
      throw new AppError('INVALID_INPUT', '--admin-api-key must differ from --api-key.', {
        remediation: 'Pass two different keys, or leave either out for a random one.',
      });
    }
    opts.adminApiKey = f.adminApiKey;
  }
  if (f.scenario) {
    let ws: SimWorkspace;
    try {
      ws = loadScenario(f.scenario);
    } catch (e) {
      throw new AppError(
        'INVALID_INPUT',
        `Cannot load the scenario file: ${e instanceof Error ? e.message : String(e)}`,
        {
          remediation: 'Pass a JSON file shaped like scenarios/small.json.',
        },
      );
    }
    opts.workspace = f.hostile ? makeHostile(ws) : ws;
  } else {
    let now = f.now;
    if (now !== undefined && Number.isNaN(Date.parse(now))) {
      throw new AppError('INVALID_INPUT', `--now must be an ISO date-time (got "${now}").`, {
        remediation: 'For example --now 2026-06-01T12:00:00Z.',
      });
    }
    // Standalone runs look "live": generated times end at the current minute unless --now is given.
    now = new Date(
      now !== undefined ? Date.parse(now) : Math.floor(clock().getTime() / 60_000) * 60_000,
    ).toISOString();
    opts.generator = { now };
    const agents = numberFlag('--agents', f.agents, { min: 0, max: 10_000, integer: true });
    if (agents !== undefined) opts.generator.agents = agents;
    const conversations = numberFlag('--conversations', f.conversations, {
      min: 0,
      max: 1_000_000,
      integer: true,
    });
    if (conversations !== undefined) opts.generator.conversations = conversations;
    if (f.hostile) opts.generator.hostile = true;
  }
  if (!f.beta) {
    const status =
      f.betaStatus === undefined
        ? 403
        : numberFlag('--no-beta', f.betaStatus, { min: 403, max: 404, integer: true });
    opts.beta = { enabled: false, status: status as 403 | 404 };
  }
  const rps = numberFlag('--rps', f.rps, { min: 0.001 });
  if (rps !== undefined) opts.rateLimit = { rps };
  // The rate limit the Admin API serves is the one this simulator enforces (--rps), else a budget as
  // high as TrustLens's own local default (200/s at the default share of 0.5): pacing to it never
  // slows a scan of the simulator down.
  opts.adminRequestsPerSecond = rps !== undefined ? 'limiter' : 400;
  const latency = numberFlag('--latency-ms', f.latencyMs, { min: 0, integer: true });
  if (latency !== undefined) opts.latencyMs = latency;
  const faultRate = numberFlag('--fault-rate', f.faultRate, { min: 0, max: 1 });
  if (f.faultKinds !== undefined) {
    const kinds = f.faultKinds
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean);
    const bad = kinds.filter((k) => !(FAULT_KINDS as readonly string[]).includes(k));
    if (bad.length || kinds.length === 0) {
      throw new AppError(
        'INVALID_INPUT',
        `--fault-kinds accepts ${FAULT_KINDS.join(', ')} (got "${f.faultKinds}").`,
        {
          remediation: 'Pass a comma-separated list, for example --fault-kinds 503,reset.',
        },
      );
    }
    if (faultRate === undefined) {
      throw new AppError('INVALID_INPUT', '--fault-kinds needs --fault-rate.', {
        remediation: 'For example --fault-rate 0.05 --fault-kinds 503,reset.',
      });
    }
    opts.faults = { rate: faultRate, kinds: kinds as FaultKind[] };
  } else if (faultRate !== undefined) opts.faults = { rate: faultRate };
  return opts;
}

export function register(program: Command): void {
  program
    .command('sim')
    .description(
      'Run a simulated Mistral workspace on 127.0.0.1 (for demos, tests and benchmarks). Ctrl-C stops it.',
    )
    .option('--seed <n>', 'generator seed (same seed, same workspace)')
    .option('--agents <n>', 'number of agents')
    .option('--conversations <n>', 'total number of conversations')
    .option('--no-beta [status]', 'answer beta endpoints (agents, conversations, libraries) with 403 or 404')
    .option('--rps <n>', 'rate limit in requests per second (429 + Retry-After beyond it)')
    .option('--latency-ms <n>', 'latency added to every response')
    .option(
      '--fault-rate <x>',
      'share of requests (0..1) answered with a fault (5xx, reset, truncated, malformed, slow)',
    )
    .option(
      '--fault-kinds <list>',
      `comma-separated fault kinds to draw from (${FAULT_KINDS.join(', ')}); default all`,
    )
    .option('--port <n>', 'port to listen on (0 = random)', '0')
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .option('--scenario <file>', 'serve this JSON workspace instead of a generated one')
    .option('--api-key <key>', 'the key clients must send (default: random sim-… key)')
    .option(
      '--admin-api-key <key>',
      'the admin key its Admin API (GET /v1/admin/* only) answers to (default: random); try it with MISTRAL_ADMIN_API_KEY',
    )
    .option('--now <iso>', 'clock for generated times (default: now)')
    .option(
      '--hostile',
      'hostile texts (markup, script, bidi and control characters, 12,000-character strings) in names, descriptions, instructions, tools, libraries and files',
    )
    .addHelpText(
      'after',
      "\nIt prints two keys: the ordinary key (MISTRAL_API_KEY) and the admin key (MISTRAL_ADMIN_API_KEY), which\nits Admin API answers to, so `trustlens scan --base-url URL` can be tried with and without an admin key.\nBoth are the simulator's own, never real Mistral keys.",
    )
    .action(async (raw: Record<string, unknown>) => {
      // commander maps `--no-beta [status]` to `beta`: true by default, false or the status string when given.
      const flags: SimFlags = { ...(raw as unknown as SimFlags) };
      if (typeof raw.beta === 'string') {
        flags.betaStatus = raw.beta;
        flags.beta = false;
      }
      const opts = simOptionsFromFlags(flags);
      let sim: SimulatorHandle;
      try {
        sim = await startSimulator(opts);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
          throw new AppError('INVALID_INPUT', `Cannot listen on ${opts.host}:${opts.port} (${code}).`, {
            remediation: 'Pick another --port (or 0 for a random free one) and a local --host.',
          });
        }
        throw e;
      }
      const ws = sim.workspace;
      const out = process.stdout;
      out.write(`Mistral workspace simulator listening on ${sim.url}\n`);
      out.write(`API key: ${sim.apiKey}\n`);
      out.write(`Admin API key: ${sim.adminApiKey} (GET /v1/admin/* only)\n`);
      out.write(
        `Workspace: ${ws.agents.length} agents, ${ws.conversations.length} conversations, ${ws.libraries.length} libraries, ` +
          `${ws.files.length} files, ${ws.models.length} models, ${ws.prompts?.length ?? 0} prompts, ${ws.skills?.length ?? 0} skills, ` +
          `${ws.batchJobs?.length ?? 0} batch jobs${opts.workspace ? ` (scenario ${flags.scenario})` : ` (seed ${opts.seed ?? 1})`}${flags.hostile ? ', hostile texts' : ''}\n`,
      );
      const knobs = [
        opts.beta ? `beta off (${opts.beta.status})` : null,
        opts.rateLimit ? `${opts.rateLimit.rps} req/s` : null,
        opts.latencyMs ? `${opts.latencyMs} ms latency` : null,
        opts.faults ? `fault rate ${opts.faults.rate}` : null,
      ].filter(Boolean);
      if (knobs.length) out.write(`Knobs: ${knobs.join(', ')}\n`);
      out.write(`Counters: ${sim.url}/_sim/stats\n`);
      out.write(
        `Point TrustLens at it:\n  MISTRAL_API_KEY=${sim.apiKey} trustlens scan --base-url ${sim.url}\n` +
          `With the admin key too (API keys, members, audit log, rate limit, usage):\n` +
          `  MISTRAL_API_KEY=${sim.apiKey} MISTRAL_ADMIN_API_KEY=${sim.adminApiKey} trustlens scan --base-url ${sim.url}\n`,
      );
      out.write('Press Ctrl-C to stop.\n');
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await sim.close();
      out.write('Simulator stopped.\n');
    });
}
