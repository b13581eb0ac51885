/**
 * A heap governor for the one-shot commands (`trustlens scan`): V8 lets the old generation grow to a
 * multiple (up to ~4×) of what survived the last full collection before it collects again. A scan
 * parses ~100,000 history answers into counters — little survives, much is garbage — so between full
 * collections the heap climbs from ~90 MB live to ~280 MB, and that sawtooth, not live data, set the
 * peak resident memory of `scan --data-dir` at 100,000 conversations (issue 13, ADR 0010). The
 * governor asks for a full collection once the heap has grown `headroomMb` past what the last one left,
 * which bounds the sawtooth at live + headroom for a few full collections more (each ~50–150 ms on a
 * 100 MB heap, in a batch command where no one waits on the event loop). Not used by `serve` or
 * `worker`: a long-running server keeps V8's own pacing, whose pauses are shorter.
 *
 * `gc` is not exposed without a Node flag; `--expose-gc` set at run time, then read from a new context,
 * is how a process gets it without being started differently (the documented v8.setFlagsFromString).
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface HeapGovernor {
  /** Full collections the governor asked for so far. */
  readonly collections: number;
  stop(): void;
}

export function startHeapGovernor(options: { headroomMb?: number; intervalMs?: number } = {}): HeapGovernor {
  const headroom = (options.headroomMb ?? 64) * 1024 * 1024;
  let gc: (() => void) | undefined;
  try {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  } catch {
    gc = undefined; // a runtime without it: V8's own pacing, as before
  }
  let collections = 0;
  let floor = getHeapStatistics().used_heap_size;
  const timer =
    typeof gc === 'function'
      ? setInterval(() => {
          if (getHeapStatistics().used_heap_size <= floor + headroom) return;
          gc!();
          collections++;
          floor = getHeapStatistics().used_heap_size;
        }, options.intervalMs ?? 250)
      : undefined;
  timer?.unref();
  return {
    get collections() {
      return collections;
    },
    stop: () => clearInterval(timer),
  };
}
