/** Addresses of the agent pages (ids are opaque: always encoded). */
export function agentPath(integrationId: string, agentId: string): string {
  return `/integrations/${encodeURIComponent(integrationId)}/agents/${encodeURIComponent(agentId)}`;
}

/** The Findings page narrowed to one agent (its filters: integrationId, resourceType, resourceId). */
export function agentFindingsPath(integrationId: string, agentId: string): string {
  return `/findings?${new URLSearchParams({ integrationId, resourceType: 'agent', resourceId: agentId }).toString()}`;
}
