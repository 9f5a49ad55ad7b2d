import { writeFileAtomic } from '../util/write-file-atomic.js';

/** A command's output: to `file` (written atomically) when given, else to stdout. */
export async function writeOutput(file: string | undefined, text: string): Promise<void> {
  if (file === undefined) process.stdout.write(text);
  else await writeFileAtomic(file, text);
}
