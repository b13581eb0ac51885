/**
 * Mutes (accepted risk). A mute has a reason, who set it, when, and an optional expiry; once the
 * expiry has passed the finding counts as unmuted again ("comes back") without anyone touching it.
 * The mute record itself is kept after expiry (history); muting again replaces it.
 * Pure: `at` / `now` are parameters.
 */
import { AppError } from '../errors/app-error.ts';
import type { FindingMute, FindingState } from './types.ts';

export const MUTE_REASON_MAX_LENGTH = 2000;

export interface MuteRequest {
  /** Why the risk is accepted. Required, non-empty. */
  reason: string;
  /** Who muted it (user id or e-mail). Required, non-empty. */
  by: string;
  /** When (ISO 8601). */
  at: string;
  /** When the mute lapses (ISO 8601, after `at`); null = until unmuted. */
  expiresAt: string | null;
}

/** Returns the finding muted; throws AppError INVALID_INPUT for an empty reason or an expiry not after `at`. */
export function muteFinding(state: FindingState, req: MuteRequest): FindingState {
  const reason = typeof req.reason === 'string' ? req.reason.trim() : '';
  if (!reason) {
    throw new AppError('INVALID_INPUT', 'A mute needs a reason.', {
      remediation: 'Say why this risk is accepted (for example: "test agent, no user data").',
    });
  }
  if (reason.length > MUTE_REASON_MAX_LENGTH) {
    throw new AppError(
      'INVALID_INPUT',
      `The mute reason is longer than ${MUTE_REASON_MAX_LENGTH} characters.`,
      {
        remediation: 'Shorten the reason.',
      },
    );
  }
  const by = typeof req.by === 'string' ? req.by.trim() : '';
  if (!by) {
    throw new AppError('INVALID_INPUT', 'A mute needs to say who set it.', {
      remediation: 'Pass the user who accepts the risk.',
    });
  }
  const atMs = parseTime(req.at, 'mute time');
  if (req.expiresAt !== null) {
    const expMs = parseTime(req.expiresAt, 'mute expiry');
    if (expMs <= atMs) {
      throw new AppError('INVALID_INPUT', 'The mute expiry is in the past.', {
        remediation: 'Choose an expiry date in the future, or none to mute until unmuted.',
        details: { expiresAt: req.expiresAt },
      });
    }
  }
  const mute: FindingMute = { reason, by, at: req.at, expiresAt: req.expiresAt };
  return { ...state, mute };
}

export function unmuteFinding(state: FindingState): FindingState {
  return state.mute === null ? state : { ...state, mute: null };
}

/**
 * True while a mute is set and its expiry (if any) has not passed at `now`: no expiry is for ever, an
 * unreadable expiry cannot hide a finding. The one rule for the findings, the exports and the alerts.
 */
export function muteInForce(mute: { expiresAt: string | null } | null, now: Date | string): boolean {
  if (!mute) return false;
  if (mute.expiresAt === null) return true;
  const nowMs = typeof now === 'string' ? Date.parse(now) : now.getTime();
  const exp = Date.parse(mute.expiresAt);
  if (Number.isNaN(exp) || Number.isNaN(nowMs)) return false;
  return nowMs < exp;
}

/** True while the finding's mute is in force at `now`. */
export function isMuted(state: FindingState, now: Date | string): boolean {
  return muteInForce(state.mute, now);
}

function parseTime(value: string, what: string): number {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new AppError('INVALID_INPUT', `The ${what} is not a valid date.`, {
      remediation: 'Use an ISO 8601 date-time such as 2026-12-31T00:00:00Z.',
    });
  }
  return ms;
}
