/**
 * What the CLI may do on its output streams: colour, progress, how much it says (docs/cli.md).
 *
 * Colour, per stream (stdout and stderr decide apart: `trustlens scan > report.txt` keeps a coloured
 * error on the terminal and a plain report in the file):
 *  - never with `--no-color`, with NO_COLOR set to any non-empty value (https://no-color.org), or with
 *    FORCE_COLOR=0 / false;
 *  - otherwise always with FORCE_COLOR set (1, 2, 3, true or empty): for CI logs that render colour;
 *  - otherwise never with TERM=dumb or when the stream is not a terminal; else colour.
 *
 * Progress redraws in place only on a terminal without TERM=dumb, --no-color or NO_COLOR (those ask for
 * output without escape codes); otherwise it is one plain line per change.
 *
 * `--quiet`: no progress and no informational lines on stderr; errors and the result only.
 * `--verbose`: more detail (per-feature counts, request figures, retries and rate-limit waits).
 *
 * Colour codes are added around text this program chose (labels, severities); workspace text goes
 * through safeText first, which strips every control character, so no escape can come from the data.
 */
export type StreamName = 'stdout' | 'stderr';

export interface TerminalSettings {
  color: Record<StreamName, boolean>;
  /** The stream is a terminal (progress redraws in place on stderr only then). */
  tty: Record<StreamName, boolean>;
  quiet: boolean;
  verbose: boolean;
  /**
   * Progress redrawn in place (cursor movement) on stderr: a terminal that is not TERM=dumb, and no
   * --no-color / NO_COLOR (which ask for output without escape codes: plain lines then).
   */
  liveProgress: boolean;
}

interface StreamLike {
  isTTY?: boolean;
}

/** Whether to colour a stream, from the flag, the environment and whether the stream is a terminal. */
export function colorWanted(
  stream: StreamLike,
  env: Record<string, string | undefined>,
  flag: boolean | undefined,
): boolean {
  if (flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '0' || force.toLowerCase() === 'false') return false;
    return true;
  }
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

export function detectSettings(
  flags: { color?: boolean; quiet?: boolean; verbose?: boolean } = {},
  env: Record<string, string | undefined> = process.env,
  streams: Record<StreamName, StreamLike> = { stdout: process.stdout, stderr: process.stderr },
): TerminalSettings {
  return {
    color: {
      stdout: colorWanted(streams.stdout, env, flags.color),
      stderr: colorWanted(streams.stderr, env, flags.color),
    },
    tty: { stdout: streams.stdout.isTTY === true, stderr: streams.stderr.isTTY === true },
    liveProgress:
      streams.stderr.isTTY === true &&
      env.TERM !== 'dumb' &&
      flags.color !== false &&
      (env.NO_COLOR === undefined || env.NO_COLOR === ''),
    quiet: flags.quiet === true,
    // --quiet wins over --verbose: a script asked for silence.
    verbose: flags.verbose === true && flags.quiet !== true,
  };
}

let current: TerminalSettings = detectSettings({});

/** The settings of this run (main.ts sets them from the global flags before a command runs). */
export function terminal(): TerminalSettings {
  return current;
}

export function configureTerminal(flags: { color?: boolean; quiet?: boolean; verbose?: boolean }): void {
  current = detectSettings(flags);
}

const CODES = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
} as const;

export type Style = keyof typeof CODES;

/** `text` in a style when the stream is coloured; as it is otherwise. */
export function paint(stream: StreamName, style: Style | Style[], text: string): string {
  if (!current.color[stream] || text === '') return text;
  const styles = Array.isArray(style) ? style : [style];
  return styles.reduce((t, s) => `\u001b[${CODES[s][0]}m${t}\u001b[${CODES[s][1]}m`, text);
}

const SEVERITY_STYLE: Record<string, Style[]> = {
  critical: ['red', 'bold'],
  high: ['red'],
  medium: ['yellow'],
  low: ['cyan'],
  info: ['dim'],
};

/** A severity word in its colour (critical bold red, high red, medium yellow, low cyan, info dim). */
export function paintSeverity(stream: StreamName, severity: string, text = severity): string {
  const style = SEVERITY_STYLE[severity.toLowerCase()];
  return style ? paint(stream, style, text) : text;
}

/**
 * Colours the severity words of an already rendered table (so column widths are computed on plain
 * text). Only whole words in the exact forms the tables print (`critical`, `CRITICAL`); the text
 * passed in is already sanitised, so the codes added here are the only escapes in it.
 */
export function paintSeverities(stream: StreamName, text: string): string {
  if (!current.color[stream]) return text;
  return text.replace(/(?<![\w-])(critical|high|medium|low|CRITICAL|HIGH|MEDIUM|LOW)(?![\w-])/g, (w) =>
    paintSeverity(stream, w),
  );
}

/** Escape sequences (CSI and OSC): what a test looks for, and what plain output never contains. */
// eslint-disable-next-line no-control-regex
export const ESCAPE_PATTERN = /\u001b\[[0-9;?]*[A-Za-z]|\u001b\][^\u0007]*\u0007/;

/** An informational line on stderr, unless --quiet. */
export function info(text: string): void {
  if (!current.quiet) process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** A --verbose line on stderr. */
export function detail(text: string): void {
  if (current.verbose) process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}
