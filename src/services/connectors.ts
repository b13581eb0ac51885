/** How services get a Mistral connector: the composition root provides it (loaded on first use). */
import type {
  AdminConnectorOptions,
  ConnectorOptions,
  MistralAdminConnector,
  MistralConnector,
} from '../mistral/types.ts';

export type ConnectorFactory = (opts: Pick<ConnectorOptions, 'apiKey' | 'baseUrl'>) => MistralConnector;

/** The admin connector (issue 11): the admin key, GET /v1/admin/* only, the same connector settings. */
export type AdminConnectorFactory = (
  opts: Pick<AdminConnectorOptions, 'adminApiKey' | 'baseUrl'>,
) => MistralAdminConnector;

export interface ConnectorProvider {
  get(): Promise<ConnectorFactory>;
  /** The admin connector; absent (test doubles): admin keys cannot be validated, nothing is read with one. */
  getAdmin?(): Promise<AdminConnectorFactory>;
  /**
   * The share of the workspace's real rate limit (read with an admin key) that discovery paces itself to
   * (0 < share ≤ 1; TRUSTLENS_RATE_LIMIT_SHARE or scan's --rate-limit-share; default 0.5 in discovery).
   */
  rateLimitShare?: number;
}
