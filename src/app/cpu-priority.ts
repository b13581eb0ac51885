/**
 * A sync worker's CPU priority. API processes and sync workers often share a host (compose on one
 * machine, a small VM): a sync is background work that can take a few percent longer, an API request is
 * someone waiting. `trustlens worker` therefore lowers its own priority (Unix nice, default 10:
 * TRUSTLENS_WORKER_NICE), so the kernel gives the API the CPU first whenever both want it; with a core to
 * spare the sync runs exactly as fast. On Linux the call applies to the calling thread (a worker thread
 * running syncs may call it too). Lowering one's own priority needs no privilege; a process already
 * started nicer than asked is left alone (raising it back would need one).
 */
import { getPriority, setPriority } from 'node:os';

/** The nice value now in effect for this thread after asking for `nice` (0: leave it), or null if refused. */
export function lowerCpuPriority(nice: number): number | null {
  try {
    const now = getPriority();
    if (nice <= 0 || now >= nice) return now;
    setPriority(nice);
    return getPriority();
  } catch {
    return null; // a platform without priorities: run as started
  }
}
