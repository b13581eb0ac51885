/**
 * `trustlens demo`: the one-shot terminal scan of the built-in simulated Mistral workspace. Starts it
 * on 127.0.0.1 and scans it exactly as `trustlens scan` scans a real one. No key needed. (`npm start`
 * runs `trustlens serve --demo`, the API and web console with a demo organization, not this command.)
 */
import type { Command } from 'commander';
import type { SimulatorHandle } from '../../simulator/index.ts';
import { numberFlag, reportFormatFlag } from '../flags.ts';
import { EXPORT_FORMATS } from '../../exports/types.ts';
import { runScan } from './scan.ts';
import { info } from '../terminal.ts';

interface DemoFlags {
  seed: string;
  agents: string;
  conversations: string;
  format: string;
  output?: string;
  beta: boolean;
}

export function register(program: Command): void {
  program
    .command('demo')
    .description('Scan a built-in simulated Mistral workspace (no API key needed).')
    .option('--seed <n>', 'workspace seed', '1')
    .option('--agents <n>', 'number of agents', '12')
    .option('--conversations <n>', 'number of conversations', '200')
    .option('--format <format>', `table, ${EXPORT_FORMATS.join(', ')}`, 'table')
    .option('--output <file>', 'write the report to a file')
    .option('--no-beta', 'simulate a workspace without beta API access')
    .action(async (flags: DemoFlags) => {
      const seed = numberFlag('--seed', flags.seed, { min: 0, max: 2 ** 32 - 1, integer: true })!;
      const agents = numberFlag('--agents', flags.agents, { min: 0, max: 10_000, integer: true })!;
      const conversations = numberFlag('--conversations', flags.conversations, {
        min: 0,
        max: 1_000_000,
        integer: true,
      })!;
      const format = reportFormatFlag(flags.format);
      const { startSimulator } = await import('../../simulator/index.ts');
      const sim: SimulatorHandle = await startSimulator({
        seed,
        generator: { agents, conversations, now: new Date().toISOString() },
        beta: { enabled: flags.beta, status: 403 },
      });
      try {
        info(`Simulated Mistral workspace at ${sim.url} (seed ${seed})`);
        await runScan({
          apiKey: sim.apiKey,
          baseUrl: sim.url,
          format,
          output: flags.output,
          simulated: true,
          requestsPerSecond: 200,
          maxConcurrency: 16,
        });
      } finally {
        await sim.close();
      }
    });
}
