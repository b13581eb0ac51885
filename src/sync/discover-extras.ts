/**
 * Discovery of the surfaces beyond the product document (issue 11): MCP connectors with their
 * credentials at each scope (and their tools, read with GET /v1/connectors/{id}/tools when the
 * listing gave none), who each library is shared with, and prompts, skills (with their versions) and
 * batch jobs. Beta or plan-bound: without access
 * they are 'unavailable' (said so, never an empty list taken for "none"), and a failure never
 * fails the rest of the sync. An invalid key or an unreachable API still aborts (as everywhere).
 */
import { isAppError, toAppError } from '../errors/index.ts';
import {
  sharedOrgWide,
  toConnectorRecord,
  toLibraryShareRecords,
  type ConnectorInput,
  type ConnectorRecord,
} from '../inventory/connectors.ts';
import type {
  AgentRecord,
  DataQualityWarning,
  ExtraAvailability,
  FeatureAvailability,
  LibraryRecord,
} from '../inventory/types.ts';
import {
  toBatchJobRecord,
  toRegistryRecord,
  type BatchJobRecord,
  type PromptRecord,
  type SkillRecord,
} from '../inventory/prompts-skills.ts';
import type { ListResult, MistralConnector } from '../mistral/types.ts';
import { settleWithConcurrency } from '../shared/concurrency.ts';
import { sensitiveNameMatch } from '../shared/sensitive-names.ts';
import { CREDENTIAL_SCOPES, type WireConnectorCredential } from '../shared/mistral-wire-connectors.ts';

const FATAL_CODES = new Set(['INVALID_API_KEY', 'UNREACHABLE', 'READ_ONLY_VIOLATION']);
const AVAILABLE: FeatureAvailability = { status: 'available' };
/** Document names kept per org-wide library (bounded; sensitive-looking names are kept first). */
const MAX_DOCUMENT_NAMES = 1000;

/** The names to keep: every sensitive-looking one first (in listing order), then the others, cut. */
function keptDocumentNames(names: readonly string[]): string[] {
  const sensitive = names.filter((n) => sensitiveNameMatch(n) !== undefined);
  if (sensitive.length >= MAX_DOCUMENT_NAMES) return sensitive.slice(0, MAX_DOCUMENT_NAMES);
  const rest = names.filter((n) => sensitiveNameMatch(n) === undefined);
  return [...sensitive, ...rest.slice(0, MAX_DOCUMENT_NAMES - sensitive.length)];
}

export interface ExtrasResult {
  connectors: ConnectorRecord[];
  /** Prompts, skills, batch jobs: null when not read (availability says why), never [] for that. */
  prompts: PromptRecord[] | null;
  skills: SkillRecord[] | null;
  batchJobs: BatchJobRecord[] | null;
  availability: ExtraAvailability;
  warnings: DataQualityWarning[];
}

function rethrowFatal(e: unknown): void {
  if (isAppError(e) && FATAL_CODES.has(e.code)) throw e;
}

function availabilityOf(e: unknown): FeatureAvailability {
  const err = toAppError(e);
  // Batch jobs refused to this key or plan (src/mistral/connector.ts) are a known state too.
  const refused = err.code === 'FORBIDDEN' && err.details.feature === 'batchJobs';
  return {
    status: err.code === 'BETA_ACCESS_REQUIRED' || refused ? 'unavailable' : 'error',
    message: err.message,
    remediation: err.remediation,
    code: err.code,
  };
}

/** Available, but part of it could not be read: the first error, with how many were affected. */
function partly(what: string, count: number, e: unknown): FeatureAvailability {
  const err = toAppError(e);
  return {
    status: 'available',
    code: err.code,
    message: `${what} could not be read for ${count} of them (${err.message}); they are shown as unknown.`,
    remediation: err.remediation ?? 'Run the sync again; if it keeps failing, check the key’s access.',
  };
}

export async function discoverExtras(opts: {
  connector: MistralConnector;
  agents: readonly AgentRecord[];
  /** false when the agents could not be listed (then a batch job's agentExists is null). */
  agentsListed?: boolean;
  /** Libraries as listed (mutated: shares, orgSharedDocumentNames), or null when they could not be listed. */
  libraries: LibraryRecord[] | null;
  concurrency?: number;
}): Promise<ExtrasResult> {
  const { connector } = opts;
  const concurrency = opts.concurrency ?? 8;
  const warnings: DataQualityWarning[] = [];
  const availability = {} as ExtraAvailability;

  // Connectors, then each connector's credentials at the three scopes, and its tools when the listing
  // gave no tool list (tools null or absent): GET /v1/connectors/{id}/tools.
  let connectors: ConnectorRecord[] = [];
  try {
    const listed = await connector.listConnectors();
    warnings.push(...listed.warnings);
    let failed = 0;
    let firstError: unknown = null;
    let toolsFailed = 0;
    let toolsError: unknown = null;
    const inputs = await settleWithConcurrency(listed.items, concurrency, async (c) => {
      const credentials = {} as ConnectorInput['credentials'];
      let credentialsFailed = false;
      for (const scope of CREDENTIAL_SCOPES) {
        try {
          const r = await connector.listConnectorCredentials(String(c.id), scope);
          warnings.push(...r.warnings.map((w) => ({ ...w, resourceId: String(c.id) })));
          credentials[scope] = r.items as WireConnectorCredential[];
        } catch (e) {
          rethrowFatal(e);
          credentials[scope] = null;
          credentialsFailed = true;
          firstError ??= e;
        }
      }
      // Counted per connector (the message says "for N of them"), not per scope.
      if (credentialsFailed) failed++;
      // A list the listing gave (even []) is the connector's; only a missing one is read. When that
      // read fails, the tools stay null (unknown) and the feature is partial.
      let tools: ConnectorInput['tools'] = null;
      if (!Array.isArray(c.tools)) {
        try {
          const r = await connector.listConnectorTools(String(c.id));
          warnings.push(...r.warnings.map((w) => ({ ...w, resourceId: String(c.id) })));
          tools = r.items;
        } catch (e) {
          rethrowFatal(e);
          toolsFailed++;
          toolsError ??= e;
        }
      }
      return { connector: c, credentials, tools };
    });
    connectors = inputs.map((r, i) => {
      if (r.status === 'rejected') {
        rethrowFatal(r.reason);
        failed++;
        firstError ??= r.reason;
        const none = { organization: null, workspace: null, user: null };
        return toConnectorRecord({ connector: listed.items[i], credentials: none }, opts.agents, warnings);
      }
      return toConnectorRecord(r.value, opts.agents, warnings);
    });
    connectors.sort((a, b) => a.id.localeCompare(b.id));
    const parts = [
      ...(firstError ? [partly('Connector credentials', failed, firstError)] : []),
      ...(toolsError ? [partly('Connector tools', toolsFailed, toolsError)] : []),
    ];
    availability.connectors =
      parts.length === 0 ? AVAILABLE : { ...parts[0], message: parts.map((p) => p.message).join(' ') };
  } catch (e) {
    rethrowFatal(e);
    availability.connectors = availabilityOf(e);
  }

  // Library sharing, and the document names of libraries shared with the whole organization.
  if (opts.libraries === null) {
    availability.librarySharing = {
      status: 'unavailable',
      message: 'Library sharing was not read because the libraries could not be listed.',
      remediation: 'See the libraries feature: once libraries can be listed, their sharing is read too.',
      code: 'LIBRARIES_UNAVAILABLE',
    };
  } else {
    const libs = opts.libraries;
    const results = await settleWithConcurrency(libs, concurrency, async (lib) => {
      const r = await connector.listLibrarySharing(lib.id);
      warnings.push(...r.warnings);
      const shares = toLibraryShareRecords(r.items);
      let documentNames: string[] | null = null;
      let documentCount: number | null = null;
      let documentsError: unknown = null;
      if (sharedOrgWide(shares)) {
        try {
          const docs = await connector.listLibraryDocuments(lib.id);
          const names = docs.items.map((d) => String(d.name));
          documentNames = keptDocumentNames(names);
          documentCount = names.length;
        } catch (e) {
          rethrowFatal(e);
          // The sharing was read; the documents were not: the library's rule says UNKNOWN, and the
          // feature is partial (a deleted library is not an error of the feature).
          if (!(isAppError(e) && e.code === 'NOT_FOUND')) documentsError = e;
        }
      }
      return { shares, documentNames, documentCount, documentsError };
    });
    let failed = 0;
    let firstError: unknown = null;
    let beta: unknown = null;
    let docsFailed = 0;
    let docsError: unknown = null;
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') {
        libs[i].shares = r.value.shares;
        libs[i].orgSharedDocumentNames = r.value.documentNames;
        libs[i].orgSharedDocumentCount = r.value.documentCount;
        if (r.value.documentsError !== null) {
          docsFailed++;
          docsError ??= r.value.documentsError;
        }
        return;
      }
      rethrowFatal(r.reason);
      libs[i].shares = null;
      libs[i].orgSharedDocumentNames = null;
      libs[i].orgSharedDocumentCount = null;
      // A library deleted between the listing and this call is not an error of the feature.
      if (isAppError(r.reason) && r.reason.code === 'NOT_FOUND') return;
      if (isAppError(r.reason) && r.reason.code === 'BETA_ACCESS_REQUIRED') beta ??= r.reason;
      failed++;
      firstError ??= r.reason;
    });
    if (beta && failed === libs.length) availability.librarySharing = availabilityOf(beta);
    else if (firstError && failed === libs.length) availability.librarySharing = availabilityOf(firstError);
    else if (firstError) availability.librarySharing = partly('Library sharing', failed, firstError);
    else if (docsError)
      availability.librarySharing = partly(
        'The documents of libraries shared with the whole organization',
        docsFailed,
        docsError,
      );
    else availability.librarySharing = AVAILABLE;
  }
  // Prompts, skills (each with its versions) and batch jobs (issue 11, with the ordinary key).
  const registry = async <T extends { id?: string }>(
    list: (() => Promise<ListResult<T>>) | undefined,
    versionsOf: ((id: string) => Promise<ListResult<{ version?: number; aliases?: string[] }>>) | undefined,
    what: 'Prompt' | 'Skill',
  ): Promise<{ records: PromptRecord[] | null; availability: FeatureAvailability }> => {
    if (!list) return { records: null, availability: NOT_SUPPORTED };
    // What a definition holds, for the credential scan of every version's text (never kept).
    const kind = what === 'Prompt' ? 'prompt' : 'skill';
    try {
      const listed = await list();
      warnings.push(...listed.warnings);
      let failed = 0;
      let firstError: unknown = null;
      const results = await settleWithConcurrency(listed.items, concurrency, async (item) => {
        if (!versionsOf) return null;
        const r = await versionsOf(String(item.id));
        warnings.push(...r.warnings);
        return r.items;
      });
      const records = results.map((r, i) => {
        if (r.status === 'fulfilled') return toRegistryRecord(listed.items[i], r.value, kind);
        rethrowFatal(r.reason);
        // Deleted between the listing and this call: not an error of the feature.
        if (!(isAppError(r.reason) && r.reason.code === 'NOT_FOUND')) {
          failed++;
          firstError ??= r.reason;
        }
        return toRegistryRecord(listed.items[i], null, kind);
      });
      records.sort((a, b) => a.id.localeCompare(b.id));
      return {
        records,
        availability: firstError ? partly(`${what} versions`, failed, firstError) : AVAILABLE,
      };
    } catch (e) {
      rethrowFatal(e);
      return { records: null, availability: availabilityOf(e) };
    }
  };
  const prompts = await registry(
    connector.listPrompts?.bind(connector),
    connector.listPromptVersions?.bind(connector),
    'Prompt',
  );
  availability.prompts = prompts.availability;
  const skills = await registry(
    connector.listSkills?.bind(connector),
    connector.listSkillVersions?.bind(connector),
    'Skill',
  );
  availability.skills = skills.availability;
  let batchJobs: BatchJobRecord[] | null = null;
  if (!connector.listBatchJobs) availability.batchJobs = NOT_SUPPORTED;
  else {
    try {
      const listed = await connector.listBatchJobs();
      warnings.push(...listed.warnings);
      const agentIds = opts.agentsListed === false ? null : new Set(opts.agents.map((a) => a.id));
      batchJobs = listed.items
        .map((j) => toBatchJobRecord(j, agentIds))
        .sort((a, b) => a.id.localeCompare(b.id));
      availability.batchJobs = AVAILABLE;
    } catch (e) {
      rethrowFatal(e);
      availability.batchJobs = availabilityOf(e);
    }
  }
  return { connectors, prompts: prompts.records, skills: skills.records, batchJobs, availability, warnings };
}

/** A connector without the method (a test fake, an older build): not read, said so. */
const NOT_SUPPORTED: FeatureAvailability = {
  status: 'unavailable',
  code: 'NOT_SUPPORTED',
  message: 'This connector does not read it.',
  remediation: 'Upgrade TrustLens.',
};
