/**
 * The shapes a simulator route is made of (shared by routes.ts and admin.ts, so neither imports
 * the other's module graph in a cycle).
 */
import type { FeatureOptions, SimWorkspace } from './types.ts';

export interface Reply {
  status: number;
  body: unknown;
}

export interface RouteContext {
  ws: SimWorkspace;
  params: Record<string, string>;
  query: URLSearchParams;
  maxPageSize: number;
  /** requests_per_second GET /v1/admin/rate-limit serves instead of the workspace's (knob). */
  adminRequestsPerSecond?: number;
}

export interface RouteDef {
  /** e.g. "/v1/agents/{agent_id}/versions" */
  pattern: string;
  beta: boolean;
  /**
   * An Admin API route (GET /v1/admin/*): answered to the admin key only (the ordinary key gets
   * 403, see server.ts), errors as FastAPI `{"detail": …}`.
   */
  admin?: boolean;
  /** A feature the simulator can turn off (SimulatorKnobs.features): 403 while off. */
  feature?: keyof FeatureOptions;
  handle(ctx: RouteContext): Reply;
}

/**
 * Thrown for a bad query (or path) parameter; rendered as 422 with a FastAPI-style `detail`
 * array whose `loc` is [location, param].
 */
export class QueryError extends Error {
  constructor(
    readonly param: string,
    message: string,
    readonly location: 'query' | 'path' = 'query',
  ) {
    super(message);
  }
}
