export { createMistralConnector, CONNECTOR_DEFAULTS } from './connector.ts';
export { resolveBaseUrl } from './base-url.ts';
export * from './types.ts';
