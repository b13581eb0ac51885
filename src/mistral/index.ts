export { createMistralConnector, CONNECTOR_DEFAULTS } from './connector.ts';
export { resolveBaseUrl } from './base-url.ts';
export { createMistralAdminConnector, hiddenKeyOf } from './admin-connector.ts';
export * from './types.ts';
