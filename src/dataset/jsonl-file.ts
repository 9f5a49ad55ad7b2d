/**
 * JSON Lines files of a dataset folder: append-only while preparing, read back tolerating a torn last line
 * (a run killed in the middle of an append), rewritten atomically when a resume has to drop lines.
 */
import { appendFile, readFile, rename, writeFile } from 'node:fs/promises';
import { DatasetError } from './dataset-error.js';

export interface JsonlContent {
  /** The parsed lines, in file order. */
  records: unknown[];
  /** The last line was incomplete (no newline and not valid JSON) and was left out. */
  tornTail: boolean;
  /** The file does not end cleanly (a torn line, or a last line without its newline): rewrite before appending. */
  needsRewrite: boolean;
}

/**
 * Reads a JSON Lines file. A missing file reads as empty. An unparseable last line without a final newline
 * is a torn write and is left out (tornTail); any other unparseable line is corruption.
 *
 * @throws DatasetError NOT_A_DATASET for a line in the middle that is not JSON (message names file and line).
 */
export async function readJsonl(path: string): Promise<JsonlContent> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], tornTail: false, needsRewrite: false };
    throw error;
  }
  const lines = text.split('\n');
  const endsWithNewline = lines.at(-1) === '';
  if (endsWithNewline) lines.pop();
  const records: unknown[] = [];
  let tornTail = false;
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line));
    } catch (cause) {
      if (i === lines.length - 1 && !endsWithNewline) {
        tornTail = true;
        break;
      }
      throw new DatasetError('NOT_A_DATASET', `${path}: line ${i + 1} is not JSON (the file is damaged)`, { cause, path });
    }
  }
  // A last line that parses but lacks its newline is complete data, but the next append must not glue onto it.
  return { records, tornTail, needsRewrite: !endsWithNewline && text !== '' };
}

/** Appends records as lines (one write). */
export async function appendJsonl(path: string, records: readonly unknown[]): Promise<void> {
  if (records.length === 0) return;
  await appendFile(path, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
}

/** Replaces the file with `records` (written to a temporary file, then renamed over it). */
export async function rewriteJsonl(path: string, records: readonly unknown[]): Promise<void> {
  await writeFileAtomic(path, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
}

/** Writes `data` to `path` through a temporary file in the same folder and a rename. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}
