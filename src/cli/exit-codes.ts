/** Process exit codes (like ESLint's). An error outranks findings. */
export const EXIT = {
  /** Nothing reached --fail-on. */
  OK: 0,
  /** Something reached --fail-on. */
  FLAGGED: 1,
  /** Any error: a file failed, a folder could not be read, bad usage, a broken model, --max-errors reached. */
  ERROR: 2,
  /** Nothing to scan. */
  NOTHING: 3,
  /** Stopped by Ctrl-C (SIGINT), as shells report it (128 + 2). */
  INTERRUPTED: 130,
  /** Stopped by SIGTERM (CI cancellation, pod eviction): 128 + 15. */
  TERMINATED: 143,
} as const;

export const EXIT_CODES_HELP = [
  'EXIT CODES',
  '  0    nothing flagged',
  '  1    a verdict reached --fail-on',
  '  2    an error (a file could not be scanned, an unreadable folder, bad usage, a broken model,',
  '       --max-errors reached); outranks 1',
  '  3    nothing to scan',
  '  130  interrupted (Ctrl-C), 143 terminated (SIGTERM); with --output the journal keeps every',
  '       finished file for --resume',
].join('\n');

/** `ldf report show` and `ldf report merge`: the exit code the report stands for, as its scan's. */
export const REPORT_EXIT_CODES_HELP = [
  'EXIT CODES',
  '  0  nothing flagged',
  '  1  a verdict reached --fail-on',
  '  2  an error, in the report (a file not scanned, an unreadable folder, a',
  '     stopped scan) or here (a report that cannot be read or joined, bad',
  '     usage); outranks 1',
  '  3  the report has nothing scanned',
].join('\n');
