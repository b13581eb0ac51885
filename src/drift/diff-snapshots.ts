/**
 * Change tracking: the events between the previous snapshot of an integration and the current one.
 * Pure: `at` (the current sync's time) is a parameter; the same inputs always give the same events,
 * in the same order.
 *
 * Decisions (see also docs in the code of each helper):
 * - First sync (`previous` null): no events. The first inventory is a baseline, not a change; emitting
 *   resource_created for everything would bury the first real change under hundreds of events.
 * - resource_created / resource_deleted are emitted for a resource type only when its listing was
 *   complete ('available') in BOTH snapshots: a beta outage must not look like every agent being
 *   deleted (nor the recovery like every agent being created).
 * - agent_changed lists field-level changes (see agent-diff.ts). Instructions are summarised as
 *   { length, sha256 (12 hex) }, never copied: they can hold secrets and the event log is kept long.
 *   Connector credentials inside tools are redacted (a token rotation is not an event).
 * - guardrails_removed: the agent had guardrail policies and now has none. guardrails_weakened: it
 *   still has some, but `compareGuardrailStrength` (src/rules/guardrail-strength.ts, the one ordering)
 *   ranks the new configuration below the old one. Both come in addition to agent_changed.
 * - alias_moved: an alias present in both snapshots points to another version (new and removed
 *   aliases are not events).
 * - model_newly_deprecated: a model present in both snapshots moved forward in its lifecycle
 *   (stable → deprecated, stable → legacy, deprecated → legacy).
 * - Order: by resource type (agent, model, file, library), then resource id, then event type in the
 *   order of CHANGE_EVENT_TYPES, then alias name.
 */
import type {
  AgentRecord,
  FileRecord,
  LibraryRecord,
  ModelLifecycle,
  ModelRecord,
  ResourceType,
  Snapshot,
} from '../inventory/types.ts';
import { RESOURCE_TYPES } from '../inventory/types.ts';
import type { ChangeEvent, ChangeEventType, FindingResourceType } from '../findings/types.ts';
import { LISTING_FEATURE } from '../findings/resource-coverage.ts';
import { compareGuardrailStrength, guardrailStrength, hasGuardrails } from '../rules/guardrail-strength.ts';
import { describeAgentChanges, diffAgentConfig } from './agent-diff.ts';
import { SECURITY_EVENT_TYPES } from './audit-events.ts';
import { displayName } from './canonical.ts';

export const CHANGE_EVENT_TYPES: readonly ChangeEventType[] = [
  'resource_created',
  'resource_deleted',
  'agent_changed',
  'guardrails_removed',
  'guardrails_weakened',
  'alias_moved',
  'model_newly_deprecated',
  // From the admin audit log (src/drift/audit-events.ts).
  ...SECURITY_EVENT_TYPES,
];

const LIFECYCLE_RANK: Record<ModelLifecycle, number> = { stable: 0, deprecated: 1, legacy: 2 };

const RESOURCE_LABEL: Record<ResourceType, string> = {
  agent: 'Agent',
  model: 'Model',
  file: 'File',
  library: 'Library',
};

interface Keyed {
  event: ChangeEvent;
  /** Secondary key within one (resource, type): the alias name. */
  sub: string;
}

export function diffSnapshots(previous: Snapshot | null, current: Snapshot, at: string): ChangeEvent[] {
  if (previous === null) return [];
  const out: Keyed[] = [];
  const push = (event: ChangeEvent, sub = '') => out.push({ event, sub });

  const listedInBoth = (type: ResourceType) =>
    previous.availability[LISTING_FEATURE[type]]?.status === 'available' &&
    current.availability[LISTING_FEATURE[type]]?.status === 'available';

  // Created / deleted, per resource type.
  const collections: { [T in ResourceType]: (s: Snapshot) => Array<{ id: string; name: string | null }> } = {
    agent: (s) => s.agents.map((a: AgentRecord) => ({ id: a.id, name: a.name })),
    model: (s) => s.models.map((m: ModelRecord) => ({ id: m.id, name: m.name })),
    file: (s) => s.files.map((f: FileRecord) => ({ id: f.id, name: f.filename })),
    library: (s) => s.libraries.map((l: LibraryRecord) => ({ id: l.id, name: l.name })),
  };
  for (const type of RESOURCE_TYPES) {
    if (!listedInBoth(type)) continue;
    const before = byId(collections[type](previous));
    const after = byId(collections[type](current));
    for (const [id, r] of after) {
      if (!before.has(id)) {
        push(
          event(
            'resource_created',
            type,
            id,
            r.name,
            at,
            `${RESOURCE_LABEL[type]} ${quote(r.name, id)} was created`,
          ),
        );
      }
    }
    for (const [id, r] of before) {
      if (!after.has(id)) {
        push(
          event(
            'resource_deleted',
            type,
            id,
            r.name,
            at,
            `${RESOURCE_LABEL[type]} ${quote(r.name, id)} was deleted`,
          ),
        );
      }
    }
  }

  // Agents present in both snapshots.
  const prevAgents = byId(previous.agents);
  for (const cur of current.agents) {
    const prev = prevAgents.get(cur.id);
    if (!prev) continue;
    const name = quote(cur.name, cur.id);

    const changes = diffAgentConfig(prev, cur);
    if (changes.length > 0) {
      push({
        ...event(
          'agent_changed',
          'agent',
          cur.id,
          cur.name,
          at,
          `Agent ${name} changed: ${describeAgentChanges(prev, cur, changes)}`,
        ),
        changes,
      });
    }

    if (hasGuardrails(prev) && !hasGuardrails(cur)) {
      push({
        ...event(
          'guardrails_removed',
          'agent',
          cur.id,
          cur.name,
          at,
          `Agent ${name} no longer has guardrails`,
        ),
        changes: [{ field: 'guardrails', before: prev.guardrails, after: cur.guardrails }],
      });
    } else if (hasGuardrails(prev) && compareGuardrailStrength(cur, prev) < 0) {
      const b = guardrailStrength(prev);
      const a = guardrailStrength(cur);
      const view = (s: typeof a) => ({
        level: s.level,
        label: s.label,
        checkedCategories: s.checkedCategories,
      });
      push({
        ...event(
          'guardrails_weakened',
          'agent',
          cur.id,
          cur.name,
          at,
          a.level === b.level
            ? `Agent ${name} guardrails check fewer categories (${b.checkedCategories.length} → ${a.checkedCategories.length})`
            : `Agent ${name} guardrails weakened: ${b.label} → ${a.label}`,
        ),
        changes: [{ field: 'guardrailStrength', before: view(b), after: view(a) }],
      });
    }

    const prevAliases = new Map(prev.aliases.map((x) => [x.alias, x.version]));
    for (const alias of [...cur.aliases].sort((x, y) => cmp(x.alias, y.alias))) {
      const was = prevAliases.get(alias.alias);
      if (was === undefined || was === alias.version) continue;
      push(
        {
          ...event(
            'alias_moved',
            'agent',
            cur.id,
            cur.name,
            at,
            `Alias ${quote(alias.alias, '?')} of agent ${name} moved from version ${was} to version ${alias.version}`,
          ),
          changes: [{ field: `aliases.${alias.alias}`, before: was, after: alias.version }],
        },
        alias.alias,
      );
    }
  }

  // Models present in both snapshots.
  const prevModels = byId(previous.models);
  for (const cur of current.models) {
    const prev = prevModels.get(cur.id);
    if (!prev || LIFECYCLE_RANK[cur.lifecycle] <= LIFECYCLE_RANK[prev.lifecycle]) continue;
    const extra = [
      cur.deprecationDate ? `deprecation date ${cur.deprecationDate}` : null,
      cur.replacementModel ? `replacement ${displayName(cur.replacementModel, '?')}` : null,
    ].filter((x): x is string => x !== null);
    const changes = [
      { field: 'lifecycle', before: prev.lifecycle as unknown, after: cur.lifecycle as unknown },
    ];
    if (prev.deprecationDate !== cur.deprecationDate) {
      changes.push({ field: 'deprecationDate', before: prev.deprecationDate, after: cur.deprecationDate });
    }
    if (prev.replacementModel !== cur.replacementModel) {
      changes.push({ field: 'replacementModel', before: prev.replacementModel, after: cur.replacementModel });
    }
    push({
      ...event(
        'model_newly_deprecated',
        'model',
        cur.id,
        cur.name,
        at,
        `Model ${quote(cur.name ?? cur.id, cur.id)} is now ${cur.lifecycle} (was ${prev.lifecycle})${extra.length ? `; ${extra.join(', ')}` : ''}`,
      ),
      changes,
    });
  }

  const typeRank = (t: FindingResourceType) => RESOURCE_TYPES.indexOf(t as ResourceType);
  const eventRank = (t: ChangeEventType) => CHANGE_EVENT_TYPES.indexOf(t);
  out.sort(
    (x, y) =>
      typeRank(x.event.resourceType) - typeRank(y.event.resourceType) ||
      cmp(x.event.resourceId, y.event.resourceId) ||
      eventRank(x.event.type) - eventRank(y.event.type) ||
      cmp(x.sub, y.sub),
  );
  return out.map((k) => k.event);
}

function event(
  type: ChangeEventType,
  resourceType: ResourceType,
  resourceId: string,
  resourceName: string | null,
  at: string,
  summary: string,
): ChangeEvent {
  return { type, resourceType, resourceId, resourceName, at, summary };
}

function byId<T extends { id: string }>(list: readonly T[]): Map<string, T> {
  const m = new Map<string, T>();
  for (const x of list) if (!m.has(x.id)) m.set(x.id, x);
  return m;
}

function quote(name: string | null, fallbackId: string): string {
  return `"${displayName(name, fallbackId)}"`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
