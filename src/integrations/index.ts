export * from './integration-service.ts';
