export * from './types.ts';
export * from './guardrails.ts';
export * from './agents.ts';
export * from './models.ts';
export * from './files.ts';
export * from './libraries.ts';
export * from './redact.ts';
export * from './sync-status.ts';
