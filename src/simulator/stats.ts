/** Request counters of the simulator (readable at /_sim/stats and from code). */
import type { SimStats } from './types.ts';

export class StatsRecorder {
  private counts = new Map<string, { method: string; route: string; status: number; count: number }>();
  private inFlight = 0;
  totalRequests = 0;
  peakConcurrency = 0;
  rateLimited = 0;
  refusedNonGet = 0;
  faultsInjected = 0;

  begin(): void {
    this.totalRequests++;
    this.inFlight++;
    if (this.inFlight > this.peakConcurrency) this.peakConcurrency = this.inFlight;
  }

  end(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  record(method: string, route: string, status: number): void {
    const key = `${method} ${route} ${status}`;
    const c = this.counts.get(key);
    if (c) c.count++;
    else this.counts.set(key, { method, route, status, count: 1 });
  }

  snapshot(): SimStats {
    const byRoute = [...this.counts.values()]
      .map((c) => ({ ...c }))
      .sort((a, b) =>
        a.route === b.route
          ? a.method.localeCompare(b.method) || a.status - b.status
          : a.route.localeCompare(b.route),
      );
    return {
      totalRequests: this.totalRequests,
      byRoute,
      peakConcurrency: this.peakConcurrency,
      rateLimited: this.rateLimited,
      refusedNonGet: this.refusedNonGet,
      faultsInjected: this.faultsInjected,
    };
  }

  /** Clears every counter; requests in flight stay counted as in flight. */
  reset(): void {
    this.counts.clear();
    this.totalRequests = 0;
    this.peakConcurrency = this.inFlight;
    this.rateLimited = 0;
    this.refusedNonGet = 0;
    this.faultsInjected = 0;
  }
}
