/**
 * The connector, loaded on first use: the Mistral SDK takes over a second to import, and most
 * verbs (rules, findings, events, usage, runs, keys, sim) never call Mistral.
 */
import type { ConnectorOptions, MistralConnector } from '../mistral/types.ts';

export async function loadConnectorFactory(): Promise<(opts: ConnectorOptions) => MistralConnector> {
  const { createMistralConnector } = await import('../mistral/index.ts');
  return createMistralConnector;
}
