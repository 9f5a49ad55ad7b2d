import { printable } from '../report/printable.js';

/**
 * ldf's messages on stderr: one line each, prefixed `ldf: `, nothing at all when quiet. Results go to
 * stdout; this is for errors of single files, warnings and summaries. `stream` is for tests.
 */
export interface StderrWriter {
  /** Writes `ldf: LINE` and a newline (unless quiet). */
  (line: string): void;
  readonly quiet: boolean;
}

export function stderrWriter(quiet: boolean, stream: { write(text: string): unknown } = process.stderr): StderrWriter {
  const say = ((line: string): void => {
    // Control characters (from file names) are shown, not obeyed: one message stays one line.
    if (!quiet) stream.write(`ldf: ${printable(line)}\n`);
  }) as StderrWriter;
  Object.defineProperty(say, 'quiet', { value: quiet });
  return say;
}
