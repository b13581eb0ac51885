/**
 * Pure logic of the Prompts & skills page: how a prompt's or skill's versions, aliases and credential
 * locations read, and how a batch job's agent and counts read. Never the text of a prompt or skill:
 * the API holds none, only where a credential sits (version, field, line, column, kind).
 */
import type { Schemas } from '../../api/client';

export type RegistryObject = Schemas['RegistryObject'];
export type SecretFinding = RegistryObject['secretFindings'][number];
export type BatchJob = Schemas['BatchJob'];

/** The tabs of the page, in order; the first is the default (not written in the address). */
export const REGISTRY_TABS = [
  { value: 'prompts', label: 'Prompts' },
  { value: 'skills', label: 'Skills' },
  { value: 'batch-jobs', label: 'Batch jobs' },
] as const;
export type RegistryTab = (typeof REGISTRY_TABS)[number]['value'];

export function registryTab(v: string | null): RegistryTab {
  return REGISTRY_TABS.some((t) => t.value === v) ? (v as RegistryTab) : 'prompts';
}

/** "3", or "unknown" when the versions could not be read (never 0). */
export function versionsText(r: RegistryObject): string {
  return r.versionCount === null ? 'unknown' : String(r.versionCount);
}

/** "production → v3, staging → v4"; "none" when there is none. */
export function aliasesText(r: RegistryObject): string {
  if (r.aliases.length === 0) return 'none';
  return r.aliases.map((a) => `${a.alias} → v${a.version}`).join(', ');
}

/** "v2 definition.content line 3, col 7 (openai_style_key)": where, never what. */
export function findingText(f: SecretFinding): string {
  const where = f.version === null ? f.field : `v${f.version} ${f.field}`;
  return `${where} line ${f.line}, col ${f.column} (${f.kind.replace(/_/g, ' ')})`;
}

export interface ScanState {
  label: string;
  color: string;
  /** Why, for the tooltip or the cell's second line. */
  detail: string;
}

/** The credential marker: found (with where), not wholly scanned, or scanned clean. */
export function scanState(r: RegistryObject): ScanState {
  const n = r.secretFindings.length;
  if (n > 0)
    return {
      label: `credential found${n > 1 ? ` (${n})` : ''}`,
      color: 'red',
      detail: r.secretFindings.map(findingText).join('; '),
    };
  if (!r.secretsScanned)
    return {
      label: 'not wholly scanned',
      color: 'gray',
      detail:
        'Some of its text was not read (versions unread, a version without its text, or a field too long): a credential there is unknown.',
    };
  return { label: 'none found', color: 'green', detail: 'Every version was scanned: no credential found.' };
}

export type JobAgent =
  | { kind: 'none' }
  | { kind: 'agent'; id: string; name: string | null }
  | { kind: 'deleted'; id: string }
  | { kind: 'unknown'; id: string };

/** The agent a batch job runs: a link when it exists, "deleted agent" when it does not, else unknown. */
export function jobAgent(j: BatchJob): JobAgent {
  if (j.agentId === null) return { kind: 'none' };
  if (j.agentExists === true) return { kind: 'agent', id: j.agentId, name: j.agentName };
  if (j.agentExists === false) return { kind: 'deleted', id: j.agentId };
  return { kind: 'unknown', id: j.agentId };
}

/** "120 total · 118 succeeded · 2 failed". */
export function jobCountsText(j: BatchJob): string {
  return `${j.totalRequests} total · ${j.succeededRequests} succeeded · ${j.failedRequests} failed`;
}

export function jobStatusColor(status: string): string {
  switch (status.toUpperCase()) {
    case 'SUCCESS':
      return 'green';
    case 'RUNNING':
    case 'QUEUED':
      return 'blue';
    case 'FAILED':
    case 'TIMEOUT_EXCEEDED':
      return 'red';
    default:
      return 'gray';
  }
}
