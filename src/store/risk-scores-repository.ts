/** Risk scores kept per sync, so a trend can be drawn. */
import type { RiskScore, Severity } from '../findings/types.ts';
import type { Database } from './database.ts';
import { chunks, iso } from './sql-values.ts';

export interface RiskScorePoint {
  at: string;
  syncRunId: string | null;
  score: number;
  openBySeverity: Record<Severity, number>;
}

export interface RiskScoresRepository {
  save(
    integrationId: string,
    syncRunId: string | null,
    at: string,
    scores: readonly RiskScore[],
  ): Promise<void>;
  /** Oldest first. `limit` keeps the most recent points (default 365). */
  history(
    integrationId: string,
    scope: RiskScore['scope'],
    resourceId: string,
    limit?: number,
  ): Promise<RiskScorePoint[]>;
  /** The scores saved at the most recent time, for every scope and resource. */
  latest(integrationId: string): Promise<(RiskScore & { at: string })[]>;
}

export function createRiskScoresRepository(db: Database): RiskScoresRepository {
  return {
    async save(integrationId, syncRunId, at, scores) {
      if (scores.length === 0) return;
      await db.transaction(async (tx) => {
        for (const batch of chunks(scores, 2000)) {
          await tx.query(
            `INSERT INTO risk_scores (integration_id, sync_run_id, at, scope, resource_id, score, open_by_severity)
             SELECT $1, $2, $3, x.scope, x.resource_id, x.score, x.open_by_severity
             FROM jsonb_to_recordset($4::jsonb)
               AS x(scope text, resource_id text, score double precision, open_by_severity jsonb)`,
            [
              integrationId,
              syncRunId,
              at,
              JSON.stringify(
                batch.map((s) => ({
                  scope: s.scope,
                  resource_id: s.resourceId,
                  score: s.score,
                  open_by_severity: s.openBySeverity,
                })),
              ),
            ],
          );
        }
      });
    },

    async history(integrationId, scope, resourceId, limit = 365) {
      const { rows } = await db.query<{
        at: Date;
        sync_run_id: string | null;
        score: number;
        open_by_severity: Record<Severity, number>;
      }>(
        `SELECT at, sync_run_id, score::float8 AS score, open_by_severity FROM (
           SELECT id, at, sync_run_id, score, open_by_severity FROM risk_scores
           WHERE integration_id = $1 AND scope = $2 AND resource_id = $3
           ORDER BY at DESC, id DESC LIMIT $4) recent
         ORDER BY at, id`,
        [integrationId, scope, resourceId, Math.max(1, Math.floor(limit))],
      );
      return rows.map((r) => ({
        at: iso(r.at),
        syncRunId: r.sync_run_id,
        score: r.score,
        openBySeverity: r.open_by_severity,
      }));
    },

    async latest(integrationId) {
      const { rows } = await db.query<{
        at: Date;
        scope: RiskScore['scope'];
        resource_id: string;
        score: number;
        open_by_severity: Record<Severity, number>;
      }>(
        `SELECT at, scope, resource_id, score::float8 AS score, open_by_severity FROM risk_scores
         WHERE integration_id = $1 AND at = (SELECT max(at) FROM risk_scores WHERE integration_id = $1)
         ORDER BY scope DESC, resource_id`,
        [integrationId],
      );
      return rows.map((r) => ({
        at: iso(r.at),
        scope: r.scope,
        resourceId: r.resource_id,
        score: r.score,
        openBySeverity: r.open_by_severity,
      }));
    },
  };
}
