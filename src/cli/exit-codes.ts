/**
 * The CLI's exit codes: one table, used by every command (README "Exit codes" lists the same).
 * Add codes; never change the meaning of one.
 */
export const EXIT = {
  /** Done (also a scan without beta access, or a partial one without --fail-on). */
  OK: 0,
  /** Any other error: not found, conflict, storage (data folder, master key), nothing could be read, a failed sync. */
  ERROR: 1,
  /** Mistral refused the key (invalid or expired) or could not be reached (network, TLS). */
  MISTRAL: 2,
  /** A finding failed at the --fail-on severity or higher. */
  FINDINGS: 3,
  /** --fail-on: no finding reached it, but coverage was incomplete (unless --allow-partial). */
  PARTIAL_COVERAGE: 4,
  /** A usage error: bad flag, value or argument. */
  USAGE: 64,
  /** Interrupted (Ctrl-C, SIGTERM): a running sync is marked interrupted. */
  INTERRUPTED: 130,
  /** The output pipe closed before everything was written (`trustlens … | head`), as after SIGPIPE. */
  PIPE_CLOSED: 141,
} as const;

const BY_ERROR_CODE: Record<string, number> = {
  INVALID_API_KEY: EXIT.MISTRAL,
  UNREACHABLE: EXIT.MISTRAL,
  INVALID_INPUT: EXIT.USAGE,
};

/** The exit code of an error code (AppError.code, or a sync run's error code). */
export function exitCodeOf(errorCode: string | undefined): number {
  return (errorCode && BY_ERROR_CODE[errorCode]) || EXIT.ERROR;
}
