/**
 * Prompts, skills and batch jobs of a workspace, as the ordinary key lists them (issue 11, "With
 * the ordinary workspace key"): GET /v2/prompts, /v2/skills (+ /versions) and /v1/batch/jobs.
 * Pure wire → record mapping; discovery is in src/sync/discover-extras.ts.
 *
 * What is kept, and why (a security reviewer needs to know what exists, how many versions it has,
 * which version the aliases serve and which agents run batch work — not the text itself):
 * - prompts and skills: id, name, title (prompts only), sharing scope, version count, latest
 *   version, aliases → version, created/updated times. NEVER the definition (prompt content,
 *   skill body, description, assets) nor version notes: they are free text written by the
 *   owner and can carry secrets or customer data.
 * - where a credential sits in that text (`secretFindings`): the text of every version read is
 *   scanned in memory with the instructions-secret patterns (src/rules/secret-scanner.ts) while the
 *   record is built, then dropped; only the version, the wire field, the kind and the line/column
 *   are kept, never the text nor the matched value. Fields scanned: a prompt's
 *   `definition.content`, `title` and `description`; a skill's `definition.description`,
 *   `definition.body` and every asset (`textContent`, or `rawContent` decoded as UTF-8); the
 *   `notes` of every version; the `name`. `secretsScanned` says whether that covered every version
 *   (false when the versions could not be read, a version came without its text, or a field was
 *   longer than MAX_SCANNED_CHARS): "scanned, clean" is `secretsScanned: true` with no finding.
 *   A `name` or `title` that itself looks like a credential is kept as "[REDACTED]".
 *   `mistral_integration_prompt_secret` reads these.
 * - batch jobs: id, status, endpoint, model, agent id and whether that agent still exists, times,
 *   request counts, the number of input files and of errors, and the metadata KEYS (never their
 *   values, never error messages or outputs, which can echo request data).
 *
 * How they reference agents (from Mistral's OpenAPI document 2026-08-13): a BatchJob names the
 * agent it runs in `agent_id` (null when it runs a `model`). Prompt and Skill have no agent field,
 * and Agent has no prompt or skill field, so which agents use a prompt or skill cannot be known:
 * `referencedAgents` is null ("not knowable"), never [] ("none").
 */
import { findSecrets, type SecretKind } from '../rules/secret-scanner.ts';
import type { WireBatchJob, WirePrompt, WireRegistryVersion, WireSkill } from '../shared/mistral-wire-v2.ts';
import { REDACTED } from './redact.ts';

/** Rows of `Snapshot.extraAvailability` for these lists (optional there: older snapshots lack them). */
export type RegistryFeatureKey = 'prompts' | 'skills' | 'batchJobs';
export const REGISTRY_FEATURE_KEYS: readonly RegistryFeatureKey[] = ['prompts', 'skills', 'batchJobs'];

export interface RegistryAlias {
  alias: string;
  version: number;
}

/**
 * Where a credential-shaped string sits in a prompt's or skill's text: never the text, never the
 * matched value.
 */
export interface RegistrySecretFinding {
  /** The version whose text holds it; null for the object's own fields (name, a prompt's title and description). */
  version: number | null;
  /**
   * The wire field: `definition.content` (prompts), `definition.body`, `definition.description`,
   * `definition.assets["<asset name>"]` (skills; `definition.assets[#<n>]` when the name is long or
   * looks like a credential itself), `notes`, `title`, `description`, `name`.
   */
  field: string;
  /** `SecretKind` of src/rules/secret-scanner.ts (aws_access_key_id, jwt, openai_style_key, …). */
  kind: SecretKind;
  /** 1-based, within the field. */
  line: number;
  /** 1-based. */
  column: number;
}

/** A prompt or a skill of the v2 registry (names, versions, counts; never its text). */
export interface RegistryObjectRecord {
  id: string;
  name: string;
  /** Display title (prompts only; null for skills and when absent). */
  title: string | null;
  /** `RegistrySharingScope` (private | workspace | …), null when absent. */
  sharingScope: string | null;
  /** Versions listed; null when the versions could not be read. */
  versionCount: number | null;
  /** `latestVersion` of the object (or the highest listed version). */
  latestVersion: number | null;
  /** Aliases and the version each points to (from the versions; the latest's when they were not read). */
  aliases: RegistryAlias[];
  createdAt: string | null;
  updatedAt: string | null;
  /** Always null: Mistral's API does not link prompts or skills to agents (see the module comment). */
  referencedAgents: string[] | null;
  /**
   * Whether the text of every version was read and scanned for credentials. false = not (wholly)
   * scanned: the versions could not be read (then only the version the listing served is scanned),
   * a version came without its definition, or a field exceeded MAX_SCANNED_CHARS. Absent in
   * snapshots from before the scan (read as false).
   */
  secretsScanned: boolean;
  /**
   * Every credential found in the text scanned, sorted by version, field, line, column; [] when none
   * (a clean scan only when `secretsScanned`). Absent in snapshots from before the scan.
   */
  secretFindings: RegistrySecretFinding[];
}

export type PromptRecord = RegistryObjectRecord;
export type SkillRecord = RegistryObjectRecord;

export interface BatchJobRecord {
  id: string;
  /** `BatchJobStatus`: QUEUED, RUNNING, SUCCESS, FAILED, TIMEOUT_EXCEEDED, CANCELLATION_REQUESTED, CANCELLED. */
  status: string;
  endpoint: string;
  model: string | null;
  agentId: string | null;
  /** Whether `agentId` names an agent of this workspace; null when no agent or agents were not listed. */
  agentExists: boolean | null;
  createdAt: string | null;
  startedAt: string | null;
  completedAt: string | null;
  totalRequests: number;
  succeededRequests: number;
  failedRequests: number;
  inputFileCount: number;
  /** Sum of the errors' counts (their messages are not kept). */
  errorCount: number;
  /** Keys of `metadata` (values are not kept), sorted. */
  metadataKeys: string[];
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const int = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function unixIso(v: unknown): string | null {
  const n = int(v);
  if (n === null) return null;
  const d = new Date(n * 1000);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/**
 * Longest text scanned per field (characters). A longer field (a large skill asset) is scanned up to
 * this length and the record is then not `secretsScanned`: its tail was never looked at.
 */
export const MAX_SCANNED_CHARS = 1_000_000;

/** Longest asset name kept in a finding's `field`; a longer one is named by its position. */
const MAX_ASSET_NAME = 80;

/** Collects credential locations (never text) while a record is built; `complete` turns false on a gap. */
class SecretScan {
  readonly found: RegistrySecretFinding[] = [];
  complete = true;

  /** Scans one text field in memory; a non-string (absent, null) is nothing to scan. */
  text(version: number | null, field: string, value: unknown): void {
    if (typeof value !== 'string' || value === '') return;
    let text = value;
    if (text.length > MAX_SCANNED_CHARS) {
      text = text.slice(0, MAX_SCANNED_CHARS);
      this.complete = false;
    }
    for (const s of findSecrets(text))
      this.found.push({ version, field, kind: s.kind, line: s.line, column: s.column });
  }

  /**
   * One version's definition and notes. A prompt's text is `definition.content` (required); a skill's
   * is its description, body and assets (each optional). A definition missing, or a text field that
   * is not a string, means the text was not returned: the scan is incomplete.
   */
  definition(kind: RegistryKind, version: number | null, def: unknown, notes: unknown): void {
    this.text(version, 'notes', notes);
    if (!def || typeof def !== 'object' || Array.isArray(def)) {
      this.complete = false;
      return;
    }
    const d = def as Record<string, unknown>;
    const textField = (key: string, required: boolean) => {
      const v = d[key];
      if (typeof v === 'string') this.text(version, `definition.${key}`, v);
      else if (required || (v !== undefined && v !== null)) this.complete = false;
    };
    if (kind === 'prompt') {
      textField('content', true);
      return;
    }
    textField('description', false);
    textField('body', false);
    const assets = d.assets;
    if (assets === undefined || assets === null) return;
    if (typeof assets !== 'object' || Array.isArray(assets)) {
      this.complete = false;
      return;
    }
    Object.entries(assets as Record<string, unknown>).forEach(([name, asset], i) => {
      const field = `definition.assets[${assetLabel(name, i)}]`;
      const a = asset && typeof asset === 'object' ? (asset as Record<string, unknown>) : {};
      if (typeof a.textContent === 'string') this.text(version, field, a.textContent);
      else if (typeof a.rawContent === 'string') this.text(version, field, decodeBase64(a.rawContent));
      else this.complete = false;
    });
  }
}

/** An asset's name for a finding's field: quoted, or `#<position>` when long or credential-shaped. */
function assetLabel(name: string, index: number): string {
  // eslint-disable-next-line no-control-regex
  if (name.length > MAX_ASSET_NAME || /[\u0000-\u001f"\\]/.test(name) || findSecrets(name).length > 0)
    return `#${index + 1}`;
  return `"${name}"`;
}

/** A skill asset's `rawContent` (bytes, base64) as text: invalid UTF-8 becomes U+FFFD, ASCII stays. */
function decodeBase64(raw: string): string {
  return Buffer.from(raw, 'base64').toString('utf8');
}

/** Which of the two registries a record comes from (what its definition holds). */
export type RegistryKind = 'prompt' | 'skill';

/** A name or title kept only when it does not itself look like a credential (found and reported then). */
function keptText(scan: SecretScan, field: 'name' | 'title', value: string | null): string | null {
  if (value === null) return null;
  const before = scan.found.length;
  scan.text(null, field, value);
  return scan.found.length > before ? REDACTED : value;
}

function byLocation(a: RegistrySecretFinding, b: RegistrySecretFinding): number {
  return (
    (a.version ?? -1) - (b.version ?? -1) ||
    a.field.localeCompare(b.field) ||
    a.line - b.line ||
    a.column - b.column ||
    a.kind.localeCompare(b.kind)
  );
}

/**
 * A prompt or skill from its listing and its versions (null when they could not be read). Works on
 * raw records the SDK rejected too: every field is checked. `kind` says what a definition holds
 * (default: a prompt). The text of every version is scanned for credentials here and dropped.
 */
export function toRegistryRecord(
  wire: WirePrompt | WireSkill,
  versions: readonly WireRegistryVersion<unknown>[] | null,
  kind: RegistryKind = 'prompt',
): RegistryObjectRecord {
  const w = wire as Record<string, unknown>;
  const scan = new SecretScan();
  const name = keptText(scan, 'name', str(w.name));
  const title = keptText(scan, 'title', str(w.title));
  // A prompt's display description belongs to the object, not to a version.
  scan.text(null, 'description', w.description);
  if (versions && versions.length > 0) {
    for (const v of versions) scan.definition(kind, int(v?.version), v?.definition, v?.notes);
  } else {
    // Versions not read (or none listed): only what the listing served, the version it names.
    scan.definition(kind, int(w.version), w.definition, w.notes);
    scan.complete = false;
  }
  const listed = (versions ?? []).map((v) => int(v?.version)).filter((n): n is number => n !== null);
  const latest = int(w.latestVersion) ?? (listed.length ? Math.max(...listed) : int(w.version));
  const aliases: RegistryAlias[] = [];
  if (versions) {
    for (const v of versions) {
      const n = int(v?.version);
      if (n === null || !Array.isArray(v.aliases)) continue;
      for (const a of v.aliases) if (typeof a === 'string') aliases.push({ alias: a, version: n });
    }
  } else if (Array.isArray(w.aliases) && int(w.version) !== null) {
    for (const a of w.aliases)
      if (typeof a === 'string') aliases.push({ alias: a, version: int(w.version)! });
  }
  aliases.sort((a, b) => a.alias.localeCompare(b.alias) || a.version - b.version);
  return {
    id: String(w.id ?? ''),
    name: name ?? String(w.id ?? ''),
    title,
    sharingScope: str(w.sharingScope),
    versionCount: versions ? versions.length : null,
    latestVersion: latest,
    aliases,
    createdAt: str(w.createdAt),
    updatedAt: str(w.updatedAt),
    referencedAgents: null,
    secretsScanned: scan.complete,
    secretFindings: dedupe(scan.found.sort(byLocation)),
  };
}

/** Drops repeated locations (the same field read twice), keeping the order. */
function dedupe(found: RegistrySecretFinding[]): RegistrySecretFinding[] {
  const seen = new Set<string>();
  return found.filter((f) => {
    const key = `${f.version}|${f.field}|${f.kind}|${f.line}|${f.column}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A batch job; `agentIds` = the workspace's agents, or null when they could not be listed. */
export function toBatchJobRecord(wire: WireBatchJob, agentIds: ReadonlySet<string> | null): BatchJobRecord {
  const w = wire as unknown as Record<string, unknown>;
  const agentId = str(w.agent_id);
  const errors = Array.isArray(w.errors) ? (w.errors as unknown[]) : [];
  const metadata =
    w.metadata && typeof w.metadata === 'object' && !Array.isArray(w.metadata) ? w.metadata : {};
  return {
    id: String(w.id ?? ''),
    status: str(w.status) ?? 'UNKNOWN',
    endpoint: str(w.endpoint) ?? '',
    model: str(w.model),
    agentId,
    agentExists: agentId === null || agentIds === null ? null : agentIds.has(agentId),
    createdAt: unixIso(w.created_at),
    startedAt: unixIso(w.started_at),
    completedAt: unixIso(w.completed_at),
    totalRequests: int(w.total_requests) ?? 0,
    succeededRequests: int(w.succeeded_requests) ?? 0,
    failedRequests: int(w.failed_requests) ?? 0,
    inputFileCount: Array.isArray(w.input_files) ? w.input_files.length : 0,
    errorCount: errors.reduce<number>((n, e) => {
      const c = e && typeof e === 'object' ? int((e as Record<string, unknown>).count) : null;
      return n + (c ?? 1);
    }, 0),
    metadataKeys: Object.keys(metadata).sort(),
  };
}
