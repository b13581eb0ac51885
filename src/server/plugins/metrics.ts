/**
 * Prometheus metrics (prom-client), served at /metrics. One registry per process:
 *  - HTTP requests by method, route (the route pattern, never the raw URL) and status, with durations;
 *  - `metrics.*`: counters and histograms that the sync code increments (syncs by outcome and
 *    duration, Mistral requests by status, 429s);
 *  - findings by severity: a gauge filled on each scrape from the callback given to buildServer.
 *
 * Access: see src/server/README.md (loopback without credentials, anything else with an admin).
 */
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'trustlens_' });

const httpRequests = new Counter({
  name: 'trustlens_http_requests_total',
  help: 'HTTP requests handled, by method, route pattern and status code',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [registry],
});

const httpDuration = new Histogram({
  name: 'trustlens_http_request_duration_seconds',
  help: 'HTTP request duration, by method, route pattern and status code',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

/** Incremented by the sync code and the scheduler (the lead's side). */
export const metrics = {
  /** outcome: succeeded | partial | failed | interrupted; trigger: manual | scheduled | scan */
  syncsTotal: new Counter({
    name: 'trustlens_syncs_total',
    help: 'Syncs finished, by outcome and trigger',
    labelNames: ['outcome', 'trigger'] as const,
    registers: [registry],
  }),
  syncDuration: new Histogram({
    name: 'trustlens_sync_duration_seconds',
    help: 'Sync duration, by outcome',
    labelNames: ['outcome'] as const,
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600],
    registers: [registry],
  }),
  /** status: the HTTP status Mistral returned, or "error" for network failures */
  mistralRequestsTotal: new Counter({
    name: 'trustlens_mistral_requests_total',
    help: 'Requests sent to the Mistral API, by response status',
    labelNames: ['status'] as const,
    registers: [registry],
  }),
  mistralRateLimitedTotal: new Counter({
    name: 'trustlens_mistral_rate_limited_total',
    help: 'Responses 429 (rate limited) from the Mistral API',
    registers: [registry],
  }),
};

export type FindingsBySeverity = () => Promise<Partial<Record<string, number>>>;

let findingsSource: FindingsBySeverity | null = null;

new Gauge({
  name: 'trustlens_open_findings',
  help: 'Open, unmuted findings by severity (all organizations)',
  labelNames: ['severity'] as const,
  registers: [registry],
  async collect() {
    this.reset();
    if (!findingsSource) return;
    try {
      const counts = await findingsSource();
      for (const [severity, n] of Object.entries(counts))
        if (typeof n === 'number') this.set({ severity }, n);
    } catch {
      // a failed count leaves the gauge empty for this scrape rather than failing the scrape
    }
  },
});

/** Records every response; the route label is the route's pattern (bounded cardinality). */
export function installHttpMetrics(
  server: FastifyInstance,
  options: { findingsBySeverity?: FindingsBySeverity },
) {
  if (options.findingsBySeverity) findingsSource = options.findingsBySeverity;
  server.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? (request.is404 ? 'not_found' : 'unknown');
    const labels = { method: request.method, route, status: String(reply.statusCode) };
    httpRequests.inc(labels);
    httpDuration.observe(labels, reply.elapsedTime / 1000);
  });
}
