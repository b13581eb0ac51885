import type { Command } from 'commander';
import { register as registerAlerts } from './alerts.ts';
import { register as registerCompletion } from './completion.ts';
import { register as registerDemo } from './demo.ts';
import { register as registerExport } from './export.ts';
import { register as registerFindings } from './findings.ts';
import { register as registerIntegration } from './integration.ts';
import { register as registerKeys } from './keys.ts';
import { register as registerPosture } from './posture.ts';
import { register as registerRules } from './rules.ts';
import { register as registerScan } from './scan.ts';
import { register as registerServe } from './serve.ts';
import { register as registerSim } from './sim.ts';
import { register as registerUsage } from './usage.ts';
import { register as registerWorker } from './worker.ts';

/** Every CLI verb. Add one line per new commands/<verb>.ts. */
export const commands: Array<(program: Command) => void> = [
  registerScan,
  registerDemo,
  registerSim,
  registerRules,
  registerKeys,
  registerIntegration,
  registerFindings,
  registerUsage,
  registerPosture,
  registerServe,
  registerWorker,
  registerExport,
  registerAlerts,
  registerCompletion,
];
