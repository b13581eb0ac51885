/**
 * What the connector rules (issue 11) share: whether connectors were read at this sync, and the
 * connectors an agent's current tools use. Pure functions only.
 */
import { connectorOfTool, type ConnectorRecord } from '../inventory/connectors.ts';
import type { AgentRecord, ExtraFeatureKey, Snapshot } from '../inventory/types.ts';
import type { WireTool } from '../shared/mistral-wire.ts';

/** Whether an extra feature (connectors, librarySharing) was read at this sync. */
export function extraAvailable(snapshot: Snapshot, feature: ExtraFeatureKey): boolean {
  return snapshot.extraAvailability?.[feature]?.status === 'available';
}

/** "unavailable" / "error" / "not read" for a detail sentence. */
export function extraWord(snapshot: Snapshot, feature: ExtraFeatureKey): string {
  return snapshot.extraAvailability?.[feature]?.status ?? 'not read';
}

export interface AgentConnectorUse {
  tool: WireTool;
  /** The connector_id as configured on the agent's tool. */
  ref: string;
  /** The connector it names, or undefined when no listed connector has that id or name. */
  connector: ConnectorRecord | undefined;
}

/** Every connector tool of the agent's current configuration, with the connector it resolves to. */
export function connectorUses(
  agent: AgentRecord,
  connectors: readonly ConnectorRecord[],
): AgentConnectorUse[] {
  return agent.tools
    .filter((t) => t.type === 'connector')
    .map((tool) => ({
      tool,
      ref: String((tool as { connector_id?: unknown }).connector_id),
      connector: connectorOfTool(connectors, tool),
    }));
}

/** A connector's name for a sentence: its title or name, quoted. */
export function connectorLabel(c: Pick<ConnectorRecord, 'name' | 'title'>): string {
  return `"${c.title ?? c.name}"`;
}

/** The integration-level resource of a rule (the integration, or the base URL for a one-off scan). */
export function integrationResource(snapshot: Snapshot): { resourceId: string; resourceName: string | null } {
  return {
    resourceId: snapshot.integration?.id ?? snapshot.source.baseUrl,
    resourceName: snapshot.integration?.name ?? null,
  };
}
