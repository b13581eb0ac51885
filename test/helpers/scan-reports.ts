/**
 * Scan reports for the export tests: the hand-written scenario (scenarios/small.json) and a large
 * generated workspace, each read through the real connector and pipeline from the simulator on
 * 127.0.0.1, exactly as `trustlens scan` reads a workspace.
 */
import { join } from 'node:path';
import { buildScanReport, type ScanReport } from '../../src/exports/scan-report.ts';
import type { ExportContext } from '../../src/exports/types.ts';
import { createMistralConnector } from '../../src/mistral/index.ts';
import { getRule } from '../../src/rules/catalog.ts';
import { loadScenario, startSimulator, type StartOptions } from '../../src/simulator/index.ts';
import { runPipeline } from '../../src/sync/pipeline.ts';
import { createMemoryUsageStateStore } from '../../src/usage/memory-state-store.ts';

const ROOT = join(import.meta.dirname, '..', '..');

async function reportFrom(options: StartOptions): Promise<ScanReport> {
  const sim = await startSimulator({ host: '127.0.0.1', ...options });
  try {
    const connector = createMistralConnector({
      apiKey: sim.apiKey,
      baseUrl: sim.url,
      requestsPerSecond: 100_000,
      maxConcurrency: 16,
    });
    const now = new Date(sim.workspace.now);
    const result = await runPipeline({ connector, now, usageState: createMemoryUsageStateStore() });
    return buildScanReport(result.snapshot, result.results, (id) => getRule(id)?.meta, now);
  } finally {
    await sim.close();
  }
}

/** The hand-written scenario: every rule's PASS, FAIL and UNKNOWN cases on a few agents. */
export function scenarioReport(): Promise<ScanReport> {
  return reportFrom({ workspace: loadScenario(join(ROOT, 'scenarios/small.json')) });
}

/** A large generated workspace (default 2,000 agents) with few conversations, for size and speed. */
export function generatedReport(agents = 2000, seed = 7): Promise<ScanReport> {
  return reportFrom({
    seed,
    generator: { agents, conversationsPerAgent: 1, modelOnlyConversations: 0, entriesPerConversation: 2 },
  });
}

/** The context of an export of a one-shot scan. */
export function exportContext(overrides: Partial<ExportContext> = {}): ExportContext {
  return {
    tool: { name: 'TrustLens', version: '0.1.0' },
    exportedAt: new Date('2026-11-30T12:00:00Z'),
    ...overrides,
  };
}
