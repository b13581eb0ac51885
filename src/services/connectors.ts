/** How services get a Mistral connector: the composition root provides it (loaded on first use). */
import type { ConnectorOptions, MistralConnector } from '../mistral/types.ts';

export type ConnectorFactory = (opts: Pick<ConnectorOptions, 'apiKey' | 'baseUrl'>) => MistralConnector;

export interface ConnectorProvider {
  get(): Promise<ConnectorFactory>;
}
