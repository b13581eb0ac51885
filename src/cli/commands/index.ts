import type { Command } from 'commander';

/** Every CLI verb. Add one line per new commands/<verb>.ts. */
export const commands: Array<(program: Command) => void> = [];
