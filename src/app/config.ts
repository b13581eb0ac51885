/**
 * Configuration, read once from the environment and the command line's flags and validated here,
 * so every entry point (CLI, server, worker) starts from the same facts. Flags win over variables.
 */
import { z } from 'zod';
import { AppError } from '../errors/index.ts';
import { resolveDataDir } from '../store/index.ts';
import { DEFAULT_JOB_SETTINGS } from '../jobs/types.ts';
import { parseRateLimitShare } from './rate-limit-share.ts';

export interface AppConfig {
  /** PGlite data folder (also holds master.key when TRUSTLENS_MASTER_KEY is unset). */
  dataDir: string;
  /** PostgreSQL instead of PGlite. */
  databaseUrl: string | null;
  /**
   * Mistral client limits for syncs. rateLimitShare (TRUSTLENS_RATE_LIMIT_SHARE, scan's
   * --rate-limit-share): the share of the workspace's real rate limit, read with an admin key, that
   * discovery paces itself to (0 < share ≤ 1; unset: discovery's default, half).
   */
  connector: { requestsPerSecond?: number; maxConcurrency?: number; rateLimitShare?: number };
  server: {
    host: string;
    port: number;
    /** Cookies get `Secure` (set when TLS terminates in front of TrustLens). */
    secureCookies: boolean;
    /** The address people open (for the set-up link); default http://host:port. */
    publicUrl: string | null;
    /** Session lifetime without activity, and absolute. */
    sessionIdleMinutes: number;
    sessionMaxHours: number;
    logLevel: string;
    /**
     * Reverse proxies in front of TrustLens whose X-Forwarded-For to believe (the client address for the
     * audit log and rate limits): false (none, the default), or how many hops.
     */
    trustProxyHops: number | false;
    /**
     * The bearer token a Prometheus scraper sends to /metrics from another machine. The figures cover
     * every organization, so no organization's token opens them; unset: /metrics answers loopback only.
     */
    metricsToken: string | null;
  };
  scheduler: { enabled: boolean; tickSeconds: number };
  /**
   * Sync jobs (docs/adr/0008): the queue's settings (pg-boss on PostgreSQL, the in-process runner on
   * PGlite) and how often a running sync proves it is alive: its heartbeat is the run's lease (a run
   * silent for 6× that counts as dead and is taken over or marked interrupted); `expireSeconds` only
   * bounds a whole sync's job.
   */
  jobs: {
    schema: string;
    expireSeconds: number;
    retrySeconds: number;
    retryLimit: number;
    checkSeconds: number;
    concurrency: number;
    heartbeatSeconds: number;
    /**
     * TRUSTLENS_WORKER_NICE (0–19, default 10): the CPU priority (Unix nice) `trustlens worker` gives
     * itself, so that on a host shared with API processes a sync yields the CPU to interactive requests
     * (src/app/cpu-priority.ts). 0 leaves the priority as the process was started with.
     */
    workerNice: number;
  };
  /** Alert delivery: how often due deliveries are sent, and the first retry delay (×4 per attempt). */
  alerts: { tickSeconds: number; retryBaseMs: number; maxAttempts: number; timeoutMs: number };
  /** TRUSTLENS_INIT_*: the headless first start. */
  init: {
    adminEmail: string | null;
    adminPassword: string | null;
    orgName: string | null;
    apiToken: string | null;
  };
}

export interface ConfigFlags {
  dataDir?: string;
  host?: string;
  port?: number;
  rps?: number;
  concurrency?: number;
  /** 0 < share ≤ 1, already checked (scan's --rate-limit-share). */
  rateLimitShare?: number;
  scheduler?: boolean;
  /** Use the embedded database of the data folder even when DATABASE_URL is set (`scan --data-dir`). */
  embedded?: boolean;
}

const intFrom = (name: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `${name} must be a whole number`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `${name} must be between ${min} and ${max}`);

const EnvSchema = z.object({
  TRUSTLENS_DATA_DIR: z.string().optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must start with postgres:// or postgresql://')
    .optional(),
  TRUSTLENS_MASTER_KEY: z.string().optional(),
  HOST: z.string().min(1).optional(),
  PORT: intFrom('PORT', 0, 65535).optional(),
  TRUSTLENS_SECURE_COOKIES: z.enum(['true', 'false', '1', '0']).optional(),
  TRUSTLENS_PUBLIC_URL: z
    .url('TRUSTLENS_PUBLIC_URL must be a URL such as https://trustlens.example.com')
    .optional(),
  TRUSTLENS_SESSION_IDLE_MINUTES: intFrom('TRUSTLENS_SESSION_IDLE_MINUTES', 5, 60 * 24 * 30).optional(),
  TRUSTLENS_SESSION_MAX_HOURS: intFrom('TRUSTLENS_SESSION_MAX_HOURS', 1, 24 * 90).optional(),
  TRUSTLENS_METRICS_TOKEN: z
    .string()
    .trim()
    .min(32, 'TRUSTLENS_METRICS_TOKEN must be at least 32 characters (openssl rand -base64 32)')
    .optional(),
  TRUSTLENS_TRUST_PROXY: intFrom('TRUSTLENS_TRUST_PROXY', 0, 10).optional(),
  TRUSTLENS_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  TRUSTLENS_SCHEDULER_TICK_SECONDS: intFrom('TRUSTLENS_SCHEDULER_TICK_SECONDS', 1, 3600).optional(),
  TRUSTLENS_ALERTS_TICK_SECONDS: intFrom('TRUSTLENS_ALERTS_TICK_SECONDS', 1, 3600).optional(),
  TRUSTLENS_ALERTS_RETRY_BASE_MS: intFrom('TRUSTLENS_ALERTS_RETRY_BASE_MS', 10, 3_600_000).optional(),
  TRUSTLENS_ALERTS_MAX_ATTEMPTS: intFrom('TRUSTLENS_ALERTS_MAX_ATTEMPTS', 1, 20).optional(),
  TRUSTLENS_ALERTS_TIMEOUT_MS: intFrom('TRUSTLENS_ALERTS_TIMEOUT_MS', 100, 120_000).optional(),
  TRUSTLENS_JOBS_SCHEMA: z
    .string()
    .trim()
    .regex(
      /^[a-z_][a-z0-9_]{0,49}$/,
      'TRUSTLENS_JOBS_SCHEMA must be a PostgreSQL schema name: lower-case letters, digits and _ (at most 50)',
    )
    .optional(),
  TRUSTLENS_JOB_EXPIRE_SECONDS: intFrom('TRUSTLENS_JOB_EXPIRE_SECONDS', 60, 23 * 3600).optional(),
  // Deprecated (docs/adr/0008): the lease of a sync is its heartbeat now. Still validated, no effect.
  TRUSTLENS_JOB_LEASE_SECONDS: intFrom('TRUSTLENS_JOB_LEASE_SECONDS', 2, 6 * 3600).optional(),
  TRUSTLENS_JOB_RETRY_SECONDS: intFrom('TRUSTLENS_JOB_RETRY_SECONDS', 0, 3600).optional(),
  TRUSTLENS_JOB_CHECK_SECONDS: intFrom('TRUSTLENS_JOB_CHECK_SECONDS', 1, 3600).optional(),
  TRUSTLENS_WORKER_CONCURRENCY: intFrom('TRUSTLENS_WORKER_CONCURRENCY', 1, 64).optional(),
  TRUSTLENS_WORKER_NICE: intFrom('TRUSTLENS_WORKER_NICE', 0, 19).optional(),
  TRUSTLENS_SYNC_HEARTBEAT_SECONDS: intFrom('TRUSTLENS_SYNC_HEARTBEAT_SECONDS', 1, 600).optional(),
  TRUSTLENS_RATE_LIMIT_SHARE: z.string().optional(),
  TRUSTLENS_INIT_ADMIN_EMAIL: z.string().optional(),
  TRUSTLENS_INIT_ADMIN_PASSWORD: z.string().optional(),
  TRUSTLENS_INIT_ORG_NAME: z.string().optional(),
  TRUSTLENS_INIT_API_TOKEN: z.string().optional(),
});

/** Empty variables count as unset. */
function present(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1].trim() !== ''),
  );
}

export function loadConfig(
  flags: ConfigFlags = {},
  env: Record<string, string | undefined> = process.env,
): AppConfig {
  const parsed = EnvSchema.safeParse(present(flags.embedded ? { ...env, DATABASE_URL: undefined } : env));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue.path[0] ?? 'environment');
    throw new AppError('INVALID_INPUT', `Invalid environment variable ${name}: ${issue.message}.`, {
      details: { field: name },
      remediation: `Fix or unset ${name} (every variable is listed in the README), then start again.`,
    });
  }
  const e = parsed.data;
  if (e.DATABASE_URL && !e.TRUSTLENS_MASTER_KEY?.trim()) {
    // A key file in whatever folder the command runs from would make stored keys unreadable elsewhere.
    throw new AppError('INVALID_INPUT', 'DATABASE_URL is set but TRUSTLENS_MASTER_KEY is not.', {
      remediation:
        'With a PostgreSQL server, give every TrustLens process the same master key: export TRUSTLENS_MASTER_KEY=$(openssl rand -base64 32), kept in your secret store.',
    });
  }
  const host = flags.host ?? e.HOST ?? '127.0.0.1';
  const port = flags.port ?? e.PORT ?? 8080;
  return {
    dataDir: resolveDataDir(flags.dataDir ?? e.TRUSTLENS_DATA_DIR),
    databaseUrl: e.DATABASE_URL ?? null,
    connector: {
      requestsPerSecond: flags.rps,
      maxConcurrency: flags.concurrency,
      rateLimitShare:
        flags.rateLimitShare ??
        (e.TRUSTLENS_RATE_LIMIT_SHARE === undefined
          ? undefined
          : parseRateLimitShare('TRUSTLENS_RATE_LIMIT_SHARE', e.TRUSTLENS_RATE_LIMIT_SHARE)),
    },
    server: {
      host,
      port,
      secureCookies: e.TRUSTLENS_SECURE_COOKIES === 'true' || e.TRUSTLENS_SECURE_COOKIES === '1',
      publicUrl: e.TRUSTLENS_PUBLIC_URL?.replace(/\/+$/, '') ?? null,
      sessionIdleMinutes: e.TRUSTLENS_SESSION_IDLE_MINUTES ?? 12 * 60,
      sessionMaxHours: e.TRUSTLENS_SESSION_MAX_HOURS ?? 7 * 24,
      logLevel: e.TRUSTLENS_LOG_LEVEL ?? 'info',
      trustProxyHops: e.TRUSTLENS_TRUST_PROXY ? e.TRUSTLENS_TRUST_PROXY : false,
      metricsToken: e.TRUSTLENS_METRICS_TOKEN ?? null,
    },
    scheduler: { enabled: flags.scheduler ?? true, tickSeconds: e.TRUSTLENS_SCHEDULER_TICK_SECONDS ?? 30 },
    jobs: {
      schema: e.TRUSTLENS_JOBS_SCHEMA ?? DEFAULT_JOB_SETTINGS.schema,
      expireSeconds: e.TRUSTLENS_JOB_EXPIRE_SECONDS ?? DEFAULT_JOB_SETTINGS.expireSeconds,
      retrySeconds: e.TRUSTLENS_JOB_RETRY_SECONDS ?? DEFAULT_JOB_SETTINGS.retrySeconds,
      retryLimit: DEFAULT_JOB_SETTINGS.retryLimit,
      checkSeconds: e.TRUSTLENS_JOB_CHECK_SECONDS ?? DEFAULT_JOB_SETTINGS.checkSeconds,
      concurrency: e.TRUSTLENS_WORKER_CONCURRENCY ?? DEFAULT_JOB_SETTINGS.concurrency,
      heartbeatSeconds: e.TRUSTLENS_SYNC_HEARTBEAT_SECONDS ?? 10,
      workerNice: e.TRUSTLENS_WORKER_NICE ?? 10,
    },
    alerts: {
      tickSeconds: e.TRUSTLENS_ALERTS_TICK_SECONDS ?? 15,
      retryBaseMs: e.TRUSTLENS_ALERTS_RETRY_BASE_MS ?? 30_000,
      maxAttempts: e.TRUSTLENS_ALERTS_MAX_ATTEMPTS ?? 6,
      timeoutMs: e.TRUSTLENS_ALERTS_TIMEOUT_MS ?? 10_000,
    },
    init: {
      adminEmail: e.TRUSTLENS_INIT_ADMIN_EMAIL?.trim() ?? null,
      adminPassword: e.TRUSTLENS_INIT_ADMIN_PASSWORD ?? null,
      orgName: e.TRUSTLENS_INIT_ORG_NAME?.trim() ?? null,
      apiToken: e.TRUSTLENS_INIT_API_TOKEN?.trim() ?? null,
    },
  };
}
