/** Process exit codes (like ESLint's). An error outranks findings. */
export const EXIT = {
  /** Nothing reached --fail-on. */
  OK: 0,
  /** Something reached --fail-on. */
  FLAGGED: 1,
  /** Any error: a file failed, bad usage, a broken model. */
  ERROR: 2,
  /** Nothing to scan. */
  NOTHING: 3,
} as const;

export const EXIT_CODES_HELP = [
  'EXIT CODES',
  '  0  nothing flagged',
  '  1  a verdict reached --fail-on',
  '  2  an error (a file could not be scanned, bad usage, a broken model); outranks 1',
  '  3  nothing to scan',
].join('\n');
