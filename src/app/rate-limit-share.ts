/**
 * The share of the workspace's real rate limit (GET /v1/admin/rate-limit, read with an admin key) that
 * discovery paces itself to, so TrustLens never starves the workspace's production traffic (issue 11).
 * An installation setting (TRUSTLENS_RATE_LIMIT_SHARE, every stored integration) and a scan flag
 * (--rate-limit-share), read by the composition root's configuration and the scan command. Without an admin key it changes nothing: the connector keeps its default rate.
 */
import { AppError } from '../errors/index.ts';
import { DEFAULT_RATE_LIMIT_SHARE } from '../sync/discover-admin.ts';

/** Discovery's default when nothing is set: half the workspace's limit (one definition, in discovery). */
export { DEFAULT_RATE_LIMIT_SHARE };

/** Parses a share: a number with 0 < share ≤ 1 (e.g. 0.5, or 50% written as 0.5). */
export function parseRateLimitShare(name: string, raw: string | number): number {
  const text = String(raw).trim();
  const value = /^(\d+(\.\d*)?|\.\d+)$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(value) || value <= 0 || value > 1) {
    throw new AppError(
      'INVALID_INPUT',
      `${name} must be a number greater than 0 and at most 1 (got "${text.slice(0, 40)}").`,
      {
        details: { field: name },
        remediation: `Give the share of the workspace's real rate limit TrustLens may use, e.g. ${name.startsWith('--') ? `${name} 0.25` : `${name}=0.25`} (default ${DEFAULT_RATE_LIMIT_SHARE}: half).`,
      },
    );
  }
  return value;
}
