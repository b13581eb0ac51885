/**
 * Rule evaluation throughput (issue 13): every rule of the catalog over a generated workspace of 5,000
 * agents (src/simulator's generator: tools, libraries, guardrails, versions, aliases, hostile text),
 * made into inventory records as a sync would (src/inventory), with usage figures and a previous
 * snapshot (the drift rules compare the two), evaluated with evaluateAll as the pipeline does.
 * Reported: agents per second (median of --runs), and the results produced. No target: reported.
 *
 *   node --import tsx bench/rules-bench.ts [--agents 5000] [--runs 5]
 */
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { toAgentRecord } from '../src/inventory/agents.ts';
import { toFileRecord } from '../src/inventory/files.ts';
import { toLibraryRecord } from '../src/inventory/libraries.ts';
import { toModelRecord } from '../src/inventory/models.ts';
import type { DataQualityWarning, Snapshot } from '../src/inventory/types.ts';
import { evaluateAll, RULES } from '../src/rules/catalog.ts';
import { availability, snapshot, usage } from '../src/rules/testing/fixtures.ts';
import { generateWorkspace } from '../src/simulator/generator.ts';

const { values } = parseArgs({
  options: {
    agents: { type: 'string', default: '5000' },
    runs: { type: 'string', default: '5' },
  },
});
const AGENTS = Number(values.agents);
const RUNS = Math.max(1, Number(values.runs));

const ws = generateWorkspace({ seed: 7, agents: AGENTS, conversations: 0 });
const now = new Date(ws.now);
const warnings: DataQualityWarning[] = [];
const libraries = ws.libraries.map((l) => toLibraryRecord(l.library, warnings));
const libraryIndex = new Map(libraries.map((l) => [l.id, l]));
const agents = ws.agents.map((a, i) =>
  toAgentRecord(
    {
      current: a.current,
      versions: a.versions,
      aliases: a.aliases,
      // Activity for most agents, idle or unknown for some (the usage rules see every case).
      usage: i % 10 === 0 ? null : usage({ totalRuns: i % 50, lastActivityAt: i % 7 ? ws.now : null }),
      warnings: [],
    },
    libraryIndex,
    now,
  ),
);
const current: Snapshot = snapshot({
  takenAt: ws.now,
  availability: availability(),
  agents,
  models: ws.models.map((m) => toModelRecord(m, now, warnings)),
  files: ws.files.map((f) => toFileRecord(f, warnings)),
  libraries,
});
// The previous snapshot: the same workspace a day earlier with every tenth agent's previous version.
const previous: Snapshot = {
  ...current,
  takenAt: new Date(now.getTime() - 86_400_000).toISOString(),
  agents: agents.map((a, i) =>
    i % 10 === 0 && a.versionHistory.length > 1
      ? { ...a, ...a.versionHistory[a.versionHistory.length - 2] }
      : a,
  ),
};

const times: number[] = [];
let results = 0;
evaluateAll({ snapshot: current, previous, now }); // warm-up (JIT)
for (let i = 0; i < RUNS; i++) {
  const t0 = performance.now();
  results = evaluateAll({ snapshot: current, previous, now }).length;
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const medianMs = times[times.length >> 1];
const agentsPerSecond = (AGENTS / medianMs) * 1000;
console.log(
  `\nRule evaluation: ${RULES.length} rules over ${AGENTS} agents (${libraries.length} libraries)\n`,
);
console.log(
  `median ${medianMs.toFixed(0)} ms (min ${times[0].toFixed(0)}, max ${times[times.length - 1].toFixed(0)}) of ${RUNS} runs`,
);
console.log(`throughput ${agentsPerSecond.toFixed(0)} agents/s; ${results} results per evaluation`);
console.log(`machine load ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs`);
console.log(
  `BENCH_JSON ${JSON.stringify({ label: `rules over ${AGENTS} agents`, agents: AGENTS, rules: RULES.length, medianMs, agentsPerSecond, results })}`,
);
