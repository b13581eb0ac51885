/**
 * `trustlens demo` (what `npm start` runs): starts the built-in simulated Mistral workspace on
 * 127.0.0.1 and scans it exactly as `trustlens scan` scans a real one. No key needed.
 */
import type { Command } from 'commander';
import { AppError } from '../../errors/index.ts';
import { startSimulator } from '../../simulator/index.ts';
import { runScan } from './scan.ts';

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
    .option('--format <format>', 'table or json', 'table')
    .option('--output <file>', 'write the report to a file')
    .option('--no-beta', 'simulate a workspace without beta API access')
    .action(async (flags: DemoFlags) => {
      const seed = Number(flags.seed);
      const agents = Number(flags.agents);
      const conversations = Number(flags.conversations);
      for (const [name, v, raw, max] of [
        ['--seed', seed, flags.seed, 2 ** 32 - 1],
        ['--agents', agents, flags.agents, 10_000],
        ['--conversations', conversations, flags.conversations, 1_000_000],
      ] as const) {
        if (!Number.isInteger(v) || v < 0 || v > max) {
          throw new AppError(
            'INVALID_INPUT',
            `${name} must be a whole number from 0 to ${max}, got "${raw}".`,
            {
              remediation: `Pass for example ${name} 10.`,
            },
          );
        }
      }
      if (flags.format !== 'table' && flags.format !== 'json') {
        throw new AppError('INVALID_INPUT', `Unknown --format "${flags.format}".`, {
          remediation: 'Use --format table or --format json.',
        });
      }
      const sim = await startSimulator({
        seed,
        generator: { agents, conversations, now: new Date().toISOString() },
        beta: { enabled: flags.beta, status: 403 },
      });
      try {
        process.stderr.write(`Simulated Mistral workspace at ${sim.url} (seed ${seed})\n`);
        await runScan({
          apiKey: sim.apiKey,
          baseUrl: sim.url,
          format: flags.format,
          output: flags.output,
          requestsPerSecond: 200,
          maxConcurrency: 16,
        });
      } finally {
        await sim.close();
      }
    });
}
