/**
 * `trustlens scan`: one-shot discovery + findings, no server. Without --data-dir nothing is
 * written anywhere (usage state is kept in memory for the run).
 *
 * An admin key (MISTRAL_ADMIN_API_KEY or --admin-api-key-file) adds the Admin API (GET /v1/admin/* only,
 * validated as an admin key first); without one those features are reported unavailable.
 *
 * Exit codes: 0 success (also when beta endpoints are unavailable); 1 nothing could be read (or an
 * unexpected error); 2 invalid/expired key or API unreachable (message and remediation on stderr);
 * 3 a finding failed at the --fail-on severity or higher; 4 --fail-on found nothing but coverage was
 * incomplete (a feature unavailable or failed), unless --allow-partial; 64 bad usage.
 */
import { randomBytes } from 'node:crypto';
import { accessSync, constants, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { AppError, isAppError } from '../../errors/index.ts';
import { SEVERITIES, type Severity } from '../../findings/types.ts';
import type { ScanReport } from '../../exports/scan-report.ts';
import { resolveAdminApiKey, resolveApiKey } from '../api-key.ts';
import { withApp } from '../open-app.ts';
import { createProgressDisplay } from '../progress.ts';
import { info, paintSeverities, terminal } from '../terminal.ts';
import { safeText } from '../../shared/text.ts';
import { EXIT } from '../exit-codes.ts';
import { failedExtras, incompleteFeatures } from '../../inventory/sync-status.ts';
import { choiceFlag, numberFlag, reportFormatFlag, type ReportFormat } from '../flags.ts';
import { EXPORT_FORMATS, exportContextNow } from '../../exports/types.ts';

export interface ScanFlags {
  baseUrl: string;
  format: string;
  output?: string;
  dataDir?: string;
  apiKeyFile?: string;
  apiKey?: string;
  adminApiKeyFile?: string;
  rps?: string;
  rateLimitShare?: string;
  concurrency?: string;
  failOn?: string;
  allowPartial?: boolean;
}

export interface ScanRun {
  apiKey: string;
  /** The admin key (Admin API reads only); absent: the admin features are reported unavailable. */
  adminApiKey?: string;
  /** Share of the workspace's real rate limit (read with the admin key) to pace to. */
  rateLimitShare?: number;
  baseUrl: string;
  format: ReportFormat;
  output?: string;
  dataDir?: string;
  /** The workspace is the built-in simulator (`trustlens demo`): exports say so. */
  simulated?: boolean;
  requestsPerSecond?: number;
  maxConcurrency?: number;
  /** Exit 3 when a FAIL finding has this severity or a higher one. */
  failOn?: Severity;
  /** With failOn: pass the gate even when part of the workspace could not be assessed. */
  allowPartial?: boolean;
}

/** Exit code of a scan whose findings reach --fail-on. */
export const EXIT_FINDINGS = EXIT.FINDINGS;
/** Exit code of a --fail-on gate that found nothing, on a workspace read only in part. */
export const EXIT_PARTIAL_COVERAGE = EXIT.PARTIAL_COVERAGE;

export async function scanCommand(flags: ScanFlags): Promise<void> {
  // Every flag is checked before anything heavy runs: a bad value never costs a scan. The scanner is
  // loaded here, not at start-up (`trustlens --help` never pays for it).
  const { checkBaseUrl } = await import('../../app/scanner.ts');
  const [{ parseRateLimitShare }] = await Promise.all([import('../../app/rate-limit-share.ts')]);
  const run: Omit<ScanRun, 'apiKey'> = {
    baseUrl: checkBaseUrl(flags.baseUrl),
    format: reportFormatFlag(flags.format),
    output: flags.output,
    dataDir: flags.dataDir,
    requestsPerSecond: numberFlag('--rps', flags.rps, { min: 0.01 }),
    maxConcurrency: numberFlag('--concurrency', flags.concurrency, { min: 1, max: 1000, integer: true }),
    rateLimitShare:
      flags.rateLimitShare === undefined
        ? undefined
        : parseRateLimitShare('--rate-limit-share', flags.rateLimitShare),
    failOn: flags.failOn === undefined ? undefined : choiceFlag('--fail-on', flags.failOn, SEVERITIES),
    allowPartial: flags.allowPartial === true,
  };
  if (run.output !== undefined) checkOutputPath(run.output);
  const apiKey = resolveApiKey(flags);
  const adminApiKey = resolveAdminApiKey(flags);
  await runScan({ ...run, apiKey, ...(adminApiKey !== undefined ? { adminApiKey } : {}) });
}

/**
 * The report is written after the scan: a path that cannot be written is refused before it, so that
 * no scan's results are lost. The folder must exist and be writable; the path must not be a folder.
 */
export function checkOutputPath(path: string): void {
  const target = resolve(path);
  const refuse = (why: string): never => {
    throw new AppError('INVALID_INPUT', `Cannot write the report to ${path}: ${why}.`, {
      remediation: 'Choose a writable file path for --output (its folder must exist); nothing was scanned.',
    });
  };
  let isDir = false;
  try {
    isDir = statSync(target).isDirectory();
  } catch {
    // does not exist yet: fine
  }
  if (isDir) refuse('it is a folder');
  const folder = dirname(target);
  try {
    if (!statSync(folder).isDirectory()) refuse(`${folder} is not a folder`);
  } catch (e) {
    if (e instanceof AppError) throw e;
    refuse(`the folder ${folder} does not exist`);
  }
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    refuse(`the folder ${folder} is not writable`);
  }
}

/** Runs one scan with a resolved key (also used by `trustlens demo`). */
export async function runScan(run: ScanRun): Promise<void> {
  try {
    await scanOnce(run);
  } catch (e) {
    // A scan has no integration to update: say where its key comes from.
    // (An admin key's refusal already says what to do about the admin key.)
    if (isAppError(e) && e.code === 'INVALID_API_KEY' && e.details.field !== 'adminApiKey') {
      throw new AppError('INVALID_API_KEY', e.message, {
        remediation:
          'Generate a new key in the Mistral Console (admin.mistral.ai → Organization → API Keys) and pass it with MISTRAL_API_KEY or --api-key-file; check that --base-url is the region of that key (global, eu, us).',
        details: e.details,
      });
    }
    throw e;
  }
}

async function scanOnce(run: ScanRun): Promise<void> {
  const [{ loadConfig }, { createScanner }, { startHeapGovernor }] = await Promise.all([
    import('../../app/config.ts'),
    import('../../app/scanner.ts'),
    import('../../app/heap-governor.ts'),
  ]);
  // A one-shot scan bounds V8's garbage between full collections (peak memory at 100,000
  // conversations; src/app/heap-governor.ts).
  const governor = startHeapGovernor();
  try {
    await scanWith(run, loadConfig, createScanner);
  } finally {
    governor.stop();
  }
}

async function scanWith(
  run: ScanRun,
  loadConfig: typeof import('../../app/config.ts').loadConfig,
  createScanner: typeof import('../../app/scanner.ts').createScanner,
): Promise<void> {
  const config = loadConfig({
    dataDir: run.dataDir,
    rps: run.requestsPerSecond,
    concurrency: run.maxConcurrency,
    rateLimitShare: run.rateLimitShare,
    scheduler: false,
    embedded: true,
  });
  // Progress on stderr while the workspace is read (src/cli/progress.ts): nothing with --quiet.
  const progress = createProgressDisplay({ label: run.simulated ? 'demo' : 'scan' });
  if (run.dataDir) {
    const report = await withApp(
      { dataDir: run.dataDir, embedded: true, create: true, rateLimitShare: run.rateLimitShare },
      async ({ services }, actor) => {
        const stored = await services.scans
          .scanIntoStore(actor, {
            apiKey: run.apiKey,
            ...(run.adminApiKey !== undefined ? { adminApiKey: run.adminApiKey } : {}),
            baseUrl: run.baseUrl,
            dataDir: config.dataDir,
            onProgress: progress.listener,
          })
          .finally(() => progress.finish());
        const integration = await services.integrations.get(actor, stored.storage.integrationId);
        // Say what was kept, and that the key was kept encrypted, never in plaintext.
        info(
          `Stored in ${config.dataDir} as integration "${safeText(integration.name)}" (${integration.id}); the API key (…${integration.keyHint.slice(-4)})${integration.adminKey ? ` and the admin API key (…${integration.adminKey.hint.slice(-4)}) are` : ' is'} stored encrypted with the master key (${process.env.TRUSTLENS_MASTER_KEY ? 'TRUSTLENS_MASTER_KEY' : `${config.dataDir}/master.key`}). \`trustlens sync "${safeText(integration.name)}" --data-dir ${config.dataDir}\` reads it again.\n`,
        );
        return stored;
      },
    );
    return emit(report, run);
  }
  const report = await createScanner(config)
    .scan({
      apiKey: run.apiKey,
      ...(run.adminApiKey !== undefined ? { adminApiKey: run.adminApiKey } : {}),
      baseUrl: run.baseUrl,
      onProgress: progress.listener,
    })
    .finally(() => progress.finish());
  await emit(report, run);
}

async function emit(
  report: ScanReport,
  flags: Pick<ScanRun, 'format' | 'output' | 'failOn' | 'allowPartial' | 'simulated'>,
): Promise<void> {
  // JSON on stdout goes out piece by piece, the same bytes as the json export: the whole text of a
  // large workspace's report would be held at the scan's memory peak (src/cli/commands/scan-json.ts).
  const streamed = flags.format === 'json' && !flags.output;
  if (streamed) {
    const { writePrettyJson } = await import('./scan-json.ts');
    writePrettyJson(report, (piece) => process.stdout.write(piece));
  }
  const text = streamed
    ? ''
    : flags.format === 'table'
      ? (await import('../../exports/scan-table.ts')).renderScanTable(report)
      : await (
          await import('../../exports/render.ts')
        ).renderExport(flags.format, report, exportContextNow({ simulated: flags.simulated }));
  if (flags.output) {
    writePrivateFile(flags.output, text);
    info(`Wrote ${flags.format} report to ${flags.output}`);
  } else if (!streamed) {
    // Severity words in colour on a terminal (the table only: exports are data).
    process.stdout.write(
      flags.format === 'table' && terminal().color.stdout ? paintSeverities('stdout', text) : text,
    );
  }
  if (report.status === 'failed') {
    // The report is still written (it says what failed), but a pipeline must not read it as a pass.
    const first = report.errors[0];
    throw new AppError(
      'UNEXPECTED_RESPONSE',
      `Nothing could be read from the workspace${first ? `: ${first.message}` : '.'}`,
      {
        remediation: first?.remediation || 'Check the base URL and try again.',
      },
    );
  }
  if (flags.failOn) {
    const limit = SEVERITIES.indexOf(flags.failOn);
    const hits = report.findings.filter(
      (f) => f.status === 'FAIL' && SEVERITIES.indexOf(f.severity) <= limit,
    );
    if (hits.length > 0) {
      process.stderr.write(
        `${hits.length} failing finding(s) at severity ${flags.failOn} or higher (--fail-on).\n`,
      );
      process.exitCode = EXIT_FINDINGS;
      return;
    }
    const missing = incompleteFeatures(report.availabilityDetails);
    // What lies beyond the matrix (connectors, library sharing, admin, registries) counts when its read
    // failed (their rules are then UNKNOWN); an admin key not configured is a known state, not a gap.
    const extras = failedExtras(report.extraAvailability);
    if ((missing.length > 0 || extras.length > 0) && !flags.allowPartial) {
      // A CI gate must not pass on missing data: "no finding" means nothing only where we could look.
      const gaps = [
        ...missing.map(
          (k) => `${k} ${report.availability[k] === 'available' ? 'partial' : report.availability[k]}`,
        ),
        ...extras.map((k) => `${k} failed`),
      ];
      process.stderr.write(
        `No failing finding at severity ${flags.failOn} or higher, but coverage is incomplete: ${gaps.join(
          ', ',
        )} (see "errors" in the report). Exit ${EXIT_PARTIAL_COVERAGE}: fix the access or pass --allow-partial to accept partial coverage.\n`,
      );
      process.exitCode = EXIT_PARTIAL_COVERAGE;
    }
  }
}

/**
 * Writes a report readable by its owner only (it holds agent instructions): a new 0600 file in the
 * same folder, renamed over the target, so an existing file's looser mode or a symlink is replaced.
 */
export function writePrivateFile(path: string, text: string): void {
  const tmp = join(
    dirname(resolve(path)),
    `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    writeFileSync(tmp, text, { mode: 0o600, flag: 'wx' });
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new AppError('INVALID_INPUT', `Cannot write ${path}: ${(e as Error).message}`, {
      remediation: 'Choose a writable path for --output.',
    });
  }
}

export function register(program: Command): void {
  program
    .command('scan')
    .description('Discover a Mistral workspace once and print its inventory and findings (no server needed).')
    .option(
      '--base-url <url>',
      'Mistral API: global, eu, us, or a URL',
      process.env.MISTRAL_BASE_URL ?? 'global',
    )
    .option('--format <format>', `table, ${EXPORT_FORMATS.join(', ')}`, 'table')
    .option('--output <file>', 'write the report to a file (readable by you only) instead of stdout')
    .option('--data-dir <dir>', 'also store the inventory, findings and history in this folder (PGlite)')
    .option('--api-key-file <file>', 'read the API key from a file (default: $MISTRAL_API_KEY)')
    .option('--api-key <key>', 'the API key (discouraged: it leaks into shell history)')
    .option(
      '--admin-api-key-file <file>',
      'read an admin API key (Admin role; Admin API reads only) from a file (default: $MISTRAL_ADMIN_API_KEY)',
    )
    .option('--rps <n>', 'client-side request rate limit (requests per second)')
    .option(
      '--rate-limit-share <share>',
      "with an admin key: pace to this share (0 < share <= 1) of the workspace's real rate limit (default: $TRUSTLENS_RATE_LIMIT_SHARE, else 0.5)",
    )
    .option('--concurrency <n>', 'maximum requests in flight')
    .option(
      '--fail-on <severity>',
      `exit ${EXIT_FINDINGS} when a finding fails at this severity or higher (${SEVERITIES.join(', ')}); exit ${EXIT_PARTIAL_COVERAGE} when none does but part of the workspace could not be read`,
    )
    .option('--allow-partial', `with --fail-on: do not exit ${EXIT_PARTIAL_COVERAGE} on incomplete coverage`)
    .addHelpText(
      'after',
      '\nThe key comes from MISTRAL_API_KEY or --api-key-file and is never printed. An optional admin key\n(MISTRAL_ADMIN_API_KEY or --admin-api-key-file) adds API keys, members, the audit log, the rate limit and\nusage and cost; without one these are reported unavailable.\nExit codes: 0 success (also without beta access), 1 nothing could be read, 2 invalid key or API unreachable,\n3 a finding failed at the --fail-on severity or higher, 4 --fail-on with incomplete coverage (no beta access,\na feature failed) unless --allow-partial, 64 bad usage.',
    )
    .action(async (flags: ScanFlags) => scanCommand(flags));
}
