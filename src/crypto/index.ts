export * from './master-key.ts';
export * from './envelope.ts';
export * from './key-display.ts';
