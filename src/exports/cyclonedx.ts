/**
 * CycloneDX 1.6 export (issue 12): the workspace as an AI bill of materials. Built with the CycloneDX
 * library's model and serialized by its JSON serializer (spec 1.6); docs/exports-bom-html-csv.md says
 * what maps to what.
 *
 * - metadata: timestamp (export time), tools (TrustLens), the workspace as metadata.component, the
 *   scan's status, availability and finding counts as properties, `trustlens:simulated` when simulated;
 * - agents: `application` components; never their instructions, only a sha256 and a length;
 * - models: `machine-learning-model` components with a modelCard (added after serialization: the
 *   library's model has no modelCard); a model an agent uses that the model list lacks is still
 *   listed, marked `trustlens:listed=false`, so every dependency resolves;
 * - libraries and files: `data` components (a library an agent references but that is not listed is
 *   kept the same way);
 * - built-in tools, MCP connectors and function tools: services (endpoints an agent calls);
 * - dependencies: workspace → agents; agent → model, libraries, tools, connectors, functions, handoff
 *   agents.
 * Findings are NOT CycloneDX vulnerabilities (a misconfiguration is not a flaw of a component version
 * with an advisory): each becomes a `trustlens:finding` property of the component it is about.
 */
import { createHash } from 'node:crypto';
import { Enums, Models, Serialize, Spec } from '@cyclonedx/cyclonedx-library';
import type { AgentRecord, LibraryRecord, ModelRecord } from '../inventory/types.ts';
import type { ScanFinding, ScanReport } from './scan-report.ts';
import { muteInForce } from '../findings/mute.ts';
import { publicBaseUrl } from './text-safety.ts';
import type { ExportContext, Renderer } from './types.ts';

/** Namespace of the name-based (v5) serial numbers: same report and context, same serialNumber. */
const SERIAL_NAMESPACE = '7a1d3c52-8f0e-4b6a-9c1d-2e5f6a7b8c9d';

const BUILT_IN_TOOLS: Record<string, string> = {
  web_search: 'Mistral built-in web search.',
  web_search_premium: 'Mistral built-in premium web search (news agencies and search engines).',
  code_interpreter: 'Mistral built-in code execution sandbox.',
  image_generation: 'Mistral built-in image generation.',
  document_library: 'Mistral built-in search over document libraries (the libraries are data components).',
};

type Props = Array<[string, string]>;

function properties(props: Props): Models.PropertyRepository {
  return new Models.PropertyRepository(props.map(([n, v]) => new Models.Property(n, v)));
}

/** RFC 4122 version 5 UUID of `name` in `namespace`. */
function uuidV5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const b = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  b[6] = (b[6] & 0x0f) | 0x50;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function cycloneDxSerialNumber(report: ScanReport, context: ExportContext): string {
  const digest = createHash('sha256')
    .update(JSON.stringify(report))
    .update('\u0000')
    .update(
      JSON.stringify([
        context.tool.name,
        context.tool.version,
        context.exportedAt.toISOString(),
        context.integration?.id ?? null,
        context.simulated === true,
      ]),
    )
    .digest('hex');
  return `urn:uuid:${uuidV5(SERIAL_NAMESPACE, digest)}`;
}

/** Hands out bom-ref values, unique in the document and stable for the same report. */
class RefPool {
  readonly #used = new Set<string>();
  take(wanted: string): string {
    let value = wanted;
    for (let n = 2; this.#used.has(value); n++) value = `${wanted}#${n}`;
    this.#used.add(value);
    return value;
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** `<severity> <FAIL|UNKNOWN> <rule id>`, with ` muted` when a stored finding's mute is in force. */
function findingValue(f: ScanFinding, context: ExportContext): string {
  const muted = muteInForce(context.lifecycle?.(f)?.mute ?? null, context.exportedAt);
  return `${f.severity} ${f.status} ${f.ruleId}${muted ? ' muted' : ''}`;
}

function findingProps(findings: readonly ScanFinding[] | undefined, context: ExportContext): Props {
  return (findings ?? []).map((f) => ['trustlens:finding', findingValue(f, context)]);
}

function agentProps(agent: AgentRecord): Props {
  const props: Props = [['trustlens:agent:id', agent.id]];
  props.push(['trustlens:agent:guardrails', agent.guardrails ? 'present' : 'absent']);
  if (agent.guardrails) {
    props.push(['trustlens:agent:guardrails:policies', String(agent.guardrails.policy_count)]);
    const categories = new Set<string>();
    for (const p of agent.guardrailPolicies)
      for (const [name, c] of Object.entries(p.categories)) if (c.evaluated) categories.add(name);
    props.push(['trustlens:agent:guardrails:categories', [...categories].sort().join(',')]);
    props.push([
      'trustlens:agent:guardrails:blocking',
      String(agent.guardrailPolicies.some((p) => p.blocks)),
    ]);
  }
  const toolTypes = [...new Set(agent.tools.map((t) => String(t.type)))].sort();
  props.push(['trustlens:agent:tools', toolTypes.join(',')]);
  if (agent.handoffs) props.push(['trustlens:agent:handoffs', agent.handoffs.join(',')]);
  for (const a of agent.aliases) props.push(['trustlens:agent:alias', `${a.alias}=${a.version}`]);
  props.push(['trustlens:agent:versions', agent.versions.join(',')]);
  props.push(['trustlens:agent:deploymentChat', String(agent.deploymentChat)]);
  props.push(['trustlens:agent:status', agent.status]);
  props.push(['trustlens:agent:model', agent.model]);
  if (agent.instructions !== null) {
    props.push(['trustlens:agent:instructions:sha256', sha256(agent.instructions)]);
    props.push(['trustlens:agent:instructions:length', String(agent.instructions.length)]);
  }
  props.push(['trustlens:agent:createdAt', agent.createdAt]);
  props.push(['trustlens:agent:updatedAt', agent.updatedAt]);
  if (agent.usage) {
    props.push(['trustlens:agent:usage:conversations', String(agent.usage.totalConversations)]);
    if (agent.usage.lastActivityAt)
      props.push(['trustlens:agent:usage:lastActivityAt', agent.usage.lastActivityAt]);
  }
  return props;
}

function modelProps(model: ModelRecord): Props {
  const props: Props = [
    ['trustlens:model:type', model.type],
    ['trustlens:model:family', model.family],
    ['trustlens:model:lifecycle', model.lifecycle],
    ['trustlens:model:capabilities', model.capabilities.join(',')],
  ];
  if (model.contextWindow !== null)
    props.push(['trustlens:model:contextWindow', String(model.contextWindow)]);
  if (model.deprecationDate) props.push(['trustlens:model:deprecationDate', model.deprecationDate]);
  if (model.replacementModel) props.push(['trustlens:model:replacementModel', model.replacementModel]);
  for (const a of model.aliases) props.push(['trustlens:model:alias', a]);
  if (model.fineTuned?.root) props.push(['trustlens:model:fineTuned:root', model.fineTuned.root]);
  if (model.fineTuned?.job) props.push(['trustlens:model:fineTuned:job', model.fineTuned.job]);
  return props;
}

function libraryProps(lib: LibraryRecord): Props {
  const props: Props = [
    ['trustlens:library:id', lib.id],
    ['trustlens:library:documents', String(lib.documentCount)],
    ['trustlens:library:totalSizeBytes', String(lib.totalSizeBytes)],
    ['trustlens:library:updatedAt', lib.updatedAt],
  ];
  if (lib.ownerType) props.push(['trustlens:library:ownerType', lib.ownerType]);
  if (lib.sharing.orgSharingRole)
    props.push(['trustlens:library:orgSharingRole', lib.sharing.orgSharingRole]);
  return props;
}

/** The modelCard of a model (CycloneDX 1.6 `modelCard`), from what the Mistral API says of it. */
function modelCard(model: ModelRecord | undefined): Record<string, unknown> | undefined {
  if (!model) return undefined;
  const caps = new Set(model.capabilities);
  const inputs = [{ format: 'text' }];
  if (caps.has('vision')) inputs.push({ format: 'image' });
  if (caps.has('audio')) inputs.push({ format: 'audio' });
  const task = caps.has('completion_chat')
    ? 'chat completion'
    : caps.has('ocr')
      ? 'optical character recognition'
      : caps.has('classification')
        ? 'classification'
        : undefined;
  const limitations: string[] = [];
  if (model.contextWindow !== null) limitations.push(`Context window: ${model.contextWindow} tokens.`);
  if (model.lifecycle !== 'stable')
    limitations.push(
      `Lifecycle: ${model.lifecycle}${model.deprecationDate ? `, deprecated on ${model.deprecationDate}` : ''}${
        model.replacementModel ? `; replacement: ${model.replacementModel}` : ''
      }.`,
    );
  const cardProps = [{ name: 'trustlens:model:capabilities', value: model.capabilities.join(',') }];
  if (model.contextWindow !== null)
    cardProps.push({ name: 'trustlens:model:contextWindow', value: String(model.contextWindow) });
  return {
    modelParameters: {
      ...(task ? { task } : {}),
      inputs,
      outputs: [{ format: 'text' }],
    },
    ...(limitations.length ? { considerations: { technicalLimitations: limitations } } : {}),
    properties: cardProps,
  };
}

export const renderCycloneDx: Renderer = (report, context) => {
  const refs = new RefPool();
  const bomRefToModel = new Map<string, ModelRecord>();
  const findingsOf = new Map<string, ScanFinding[]>();
  for (const f of report.findings) {
    const key = `${f.resourceType}\u0000${f.resourceId}`;
    const list = findingsOf.get(key) ?? [];
    list.push(f);
    findingsOf.set(key, list);
  }
  const findings = (type: string, id: string) => findingProps(findingsOf.get(`${type}\u0000${id}`), context);

  // --- metadata ---------------------------------------------------------------------------------
  const baseUrl = publicBaseUrl(report.source.baseUrl);
  const simulated = context.simulated === true;
  const workspaceProps: Props = [
    ['trustlens:workspace:provider', report.source.provider],
    ['trustlens:workspace:baseUrl', baseUrl],
    ['trustlens:scan:readAt', report.generatedAt],
    ['trustlens:scan:status', report.status],
  ];
  if (context.integration) workspaceProps.push(['trustlens:integration:id', context.integration.id]);
  for (const [feature, status] of Object.entries(report.availability))
    workspaceProps.push([`trustlens:availability:${feature}`, status]);
  for (const e of report.errors) workspaceProps.push(['trustlens:scan:error', `${e.feature}: ${e.code}`]);
  workspaceProps.push(...findings('integration', context.integration?.id ?? ''));
  for (const f of report.findings)
    if (f.resourceType === 'integration' && f.resourceId !== (context.integration?.id ?? ''))
      workspaceProps.push(['trustlens:finding', findingValue(f, context)]);
  if (simulated) workspaceProps.push(['trustlens:simulated', 'true']);
  const workspace = new Models.Component(
    Enums.ComponentType.Platform,
    context.integration?.name ?? `Mistral workspace ${baseUrl}`,
    {
      bomRef: refs.take('trustlens:workspace'),
      description: simulated
        ? "SIMULATED: TrustLens's built-in simulated Mistral workspace, not a real one."
        : `Mistral AI workspace read by TrustLens at ${report.generatedAt}.`,
      supplier: new Models.OrganizationalEntity({ name: 'Mistral AI' }),
      properties: properties(workspaceProps),
    },
  );

  const toolComponent = new Models.Component(Enums.ComponentType.Application, context.tool.name, {
    version: context.tool.version,
    bomRef: refs.take('trustlens:tool'),
  });
  if (context.tool.informationUri)
    toolComponent.externalReferences.add(
      new Models.ExternalReference(context.tool.informationUri, Enums.ExternalReferenceType.Website),
    );

  const metaProps: Props = [];
  if (simulated) metaProps.push(['trustlens:simulated', 'true']);
  metaProps.push(['trustlens:scan:status', report.status]);
  for (const [s, n] of Object.entries(report.summary.findingsBySeverity))
    metaProps.push([`trustlens:findings:${s}`, String(n)]);
  metaProps.push(['trustlens:checks:pass', String(report.summary.checks.pass)]);
  metaProps.push(['trustlens:checks:fail', String(report.summary.checks.fail)]);
  metaProps.push(['trustlens:checks:unknown', String(report.summary.checks.unknown)]);
  const bom = new Models.Bom({
    serialNumber: cycloneDxSerialNumber(report, context),
    metadata: new Models.Metadata({
      timestamp: context.exportedAt,
      tools: new Models.Tools({ components: new Models.ComponentRepository([toolComponent]) }),
      component: workspace,
      properties: properties(metaProps),
    }),
  });

  // --- models -----------------------------------------------------------------------------------
  const modelByName = new Map<string, Models.Component>();
  for (const m of report.models) {
    const c = new Models.Component(Enums.ComponentType.MachineLearningModel, m.id, {
      bomRef: refs.take(`model:${m.id}`),
      ...(m.description ? { description: m.description } : {}),
      ...(m.ownedBy ? { publisher: m.ownedBy } : {}),
      properties: properties([...modelProps(m), ...findings('model', m.id)]),
    });
    bomRefToModel.set(c.bomRef.value!, m);
    bom.components.add(c);
    for (const name of [m.id, ...m.aliases]) if (!modelByName.has(name)) modelByName.set(name, c);
  }
  const modelFor = (name: string): Models.Component => {
    let c = modelByName.get(name);
    if (!c) {
      c = new Models.Component(Enums.ComponentType.MachineLearningModel, name, {
        bomRef: refs.take(`model:${name}`),
        description:
          'Used by an agent but not in the workspace model list (not listed, or no longer offered).',
        properties: properties([['trustlens:listed', 'false']]),
      });
      bom.components.add(c);
      modelByName.set(name, c);
    }
    return c;
  };

  // --- libraries and files ----------------------------------------------------------------------
  const libraryById = new Map<string, Models.Component>();
  for (const lib of report.libraries) {
    const c = new Models.Component(Enums.ComponentType.Data, lib.name, {
      bomRef: refs.take(`library:${lib.id}`),
      ...(lib.description ? { description: lib.description } : {}),
      properties: properties([...libraryProps(lib), ...findings('library', lib.id)]),
    });
    bom.components.add(c);
    if (!libraryById.has(lib.id)) libraryById.set(lib.id, c);
  }
  const libraryFor = (id: string, name: string | null): Models.Component => {
    let c = libraryById.get(id);
    if (!c) {
      c = new Models.Component(Enums.ComponentType.Data, name ?? id, {
        bomRef: refs.take(`library:${id}`),
        description: 'Referenced by an agent but not in the workspace library list.',
        properties: properties([
          ['trustlens:library:id', id],
          ['trustlens:listed', 'false'],
        ]),
      });
      bom.components.add(c);
      libraryById.set(id, c);
    }
    return c;
  };
  for (const file of report.files) {
    const props: Props = [
      ['trustlens:file:id', file.id],
      ['trustlens:file:purpose', file.purpose],
      ['trustlens:file:sizeBytes', String(file.sizeBytes)],
    ];
    if (file.mimetype) props.push(['trustlens:file:mimetype', file.mimetype]);
    if (file.source) props.push(['trustlens:file:source', file.source]);
    if (file.visibility) props.push(['trustlens:file:visibility', file.visibility]);
    if (file.sampleType) props.push(['trustlens:file:sampleType', file.sampleType]);
    if (file.numLines !== null) props.push(['trustlens:file:lines', String(file.numLines)]);
    if (file.createdAt) props.push(['trustlens:file:createdAt', file.createdAt]);
    if (file.expiresAt) props.push(['trustlens:file:expiresAt', file.expiresAt]);
    props.push(...findings('file', file.id));
    bom.components.add(
      new Models.Component(Enums.ComponentType.Data, file.filename, {
        bomRef: refs.take(`file:${file.id}`),
        properties: properties(props),
      }),
    );
  }

  // --- agents -----------------------------------------------------------------------------------
  const agentById = new Map<string, Models.Component>();
  for (const agent of report.agents) {
    const c = new Models.Component(Enums.ComponentType.Application, agent.name, {
      bomRef: refs.take(`agent:${agent.id}`),
      version: String(agent.version),
      ...(agent.description ? { description: agent.description } : {}),
      properties: properties([...agentProps(agent), ...findings('agent', agent.id)]),
    });
    bom.components.add(c);
    workspace.dependencies.add(c.bomRef);
    if (!agentById.has(agent.id)) agentById.set(agent.id, c);
  }

  // --- tools, connectors, functions (services) and the dependency graph ---------------------------
  const builtIn = new Map<string, Models.Service>();
  const connectors = new Map<string, { service: Models.Service; auth: Set<string> }>();
  for (const agent of report.agents) {
    const c = agentById.get(agent.id)!;
    c.dependencies.add(modelFor(agent.model).bomRef);
    for (const kb of agent.knowledgeBases) c.dependencies.add(libraryFor(kb.id, kb.name).bomRef);
    for (const tool of agent.tools) {
      if (tool.type === 'document_library' && Array.isArray(tool.library_ids))
        for (const id of tool.library_ids) c.dependencies.add(libraryFor(String(id), null).bomRef);
      if (tool.type === 'connector') {
        const id = String(tool.connector_id);
        let entry = connectors.get(id);
        if (!entry) {
          entry = {
            service: new Models.Service(id, {
              bomRef: refs.take(`connector:${id}`),
              group: 'connector',
              description: 'MCP connector called by agents of the workspace.',
            }),
            auth: new Set(),
          };
          connectors.set(id, entry);
          bom.services.add(entry.service);
        }
        // The authorization type only; its value is never read into an export.
        const auth = tool.authorization as { type?: unknown } | null | undefined;
        entry.auth.add(auth && typeof auth.type === 'string' ? auth.type : 'none');
        c.dependencies.add(entry.service.bomRef);
      } else if (tool.type === 'function') {
        const fn = tool.function as { name?: unknown; description?: unknown; strict?: unknown };
        const name = String(fn?.name ?? '');
        const s = new Models.Service(name || '(unnamed function)', {
          bomRef: refs.take(`agent:${agent.id}:function:${name}`),
          group: 'function',
          ...(typeof fn?.description === 'string' && fn.description ? { description: fn.description } : {}),
          properties: properties([
            ['trustlens:function:agent', agent.id],
            ['trustlens:function:strict', String(fn?.strict === true)],
          ]),
        });
        bom.services.add(s);
        c.dependencies.add(s.bomRef);
      } else {
        const type = String(tool.type);
        let s = builtIn.get(type);
        if (!s) {
          s = new Models.Service(type, {
            bomRef: refs.take(`tool:${type}`),
            group: 'mistral-built-in-tool',
            provider: new Models.OrganizationalEntity({ name: 'Mistral AI' }),
            description: BUILT_IN_TOOLS[type] ?? 'Tool type TrustLens does not know.',
          });
          builtIn.set(type, s);
          bom.services.add(s);
        }
        c.dependencies.add(s.bomRef);
      }
    }
    for (const h of agent.handoffs ?? []) {
      const target = agentById.get(h);
      if (target && target !== c) c.dependencies.add(target.bomRef);
    }
  }
  for (const { service, auth } of connectors.values())
    service.properties.add(
      new Models.Property('trustlens:connector:authorization', [...auth].sort().join(',')),
    );

  // --- serialize --------------------------------------------------------------------------------
  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));
  const text = serializer.serialize(bom, { sortLists: true });
  const doc = JSON.parse(text) as { components?: Array<Record<string, unknown>> };
  for (const comp of doc.components ?? []) {
    if (comp.type !== 'machine-learning-model') continue;
    const card = modelCard(bomRefToModel.get(String(comp['bom-ref'])));
    if (card) comp.modelCard = card;
  }
  return JSON.stringify(doc, null, 2) + '\n';
};
