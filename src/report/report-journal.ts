import { open, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { describeSchemaErrors, schemaValidator } from '../util/json-schema.js';
import { ReportError } from './report-error.js';
import type { FileResult, ReportInputs, ScanOptions, ScanReport } from './scan-report.js';

export const SCAN_JOURNAL_VERSION = 1;

/** The first line of a journal: what the results below were made with. */
export interface JournalHeader {
  kind: 'ldf.scan-journal';
  schemaVersion: typeof SCAN_JOURNAL_VERSION;
  createdAt: string;
  tool: ScanReport['tool'];
  model: ScanReport['model'];
  backend: ScanReport['backend'];
  options: ScanOptions;
  inputs: ReportInputs;
}

/** Every later line: one finished file. */
export interface JournalEntry {
  type: 'file';
  result: FileResult;
}

export interface JournalContents {
  header: JournalHeader;
  results: FileResult[];
  /** Lines that could not be used (a line cut by a kill, or damage), not counting the header. */
  damagedLines: number;
}

/** The journal that goes with an output file: `<output>.journal.jsonl`, beside it. */
export function journalPathFor(outputPath: string): string {
  return `${outputPath}.journal.jsonl`;
}

/**
 * Reads a journal (schemas/scan-journal.schema.json, one JSON value per
 * line). A last line cut short by a kill, or any damaged line, is counted
 * and left out: every complete line is kept.
 * @throws ReportError REPORT_UNREADABLE | JOURNAL_INVALID (no usable header)
 */
export async function readJournal(filePath: string): Promise<JournalContents> {
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (error) {
    throw new ReportError('REPORT_UNREADABLE', `${filePath}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'EIO'})`, { cause: error });
  }
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const validate = schemaValidator('scan-journal.schema.json');
  const parse = (line: string): unknown => {
    try {
      return JSON.parse(line);
    } catch {
      return undefined;
    }
  };
  const first = lines[0] === undefined ? undefined : parse(lines[0]);
  if (first === undefined || !validate(first) || (first as { kind?: unknown }).kind !== 'ldf.scan-journal') {
    const why = first === undefined ? 'no header line' : describeSchemaErrors(validate);
    throw new ReportError('JOURNAL_INVALID', `${filePath}: not an ldf scan journal (${why})`);
  }
  const results: FileResult[] = [];
  let damagedLines = 0;
  for (const line of lines.slice(1)) {
    const value = parse(line);
    if (value !== undefined && validate(value) && (value as { type?: unknown }).type === 'file') results.push((value as JournalEntry).result);
    else damagedLines++;
  }
  return { header: first as JournalHeader, results, damagedLines };
}

/**
 * An append-only JSON-lines record of finished files, so that a batch that
 * is killed keeps every finished result. Each line is written whole and
 * flushed to disk before the next file's result is accepted.
 */
export class ReportJournal {
  private constructor(
    readonly path: string,
    private handle: FileHandle | null,
  ) {}

  /**
   * Starts a journal with `header` and the `carried` results of an earlier
   * run (--resume), written to a temporary file and renamed into place:
   * an earlier journal stays whole until the new one holds all it carries.
   */
  static async create(filePath: string, header: JournalHeader, carried: readonly FileResult[] = []): Promise<ReportJournal> {
    const temporary = path.join(path.dirname(filePath), `.${path.basename(filePath)}.${process.pid}.tmp`);
    const lines = [JSON.stringify(header), ...carried.map((result) => JSON.stringify({ type: 'file', result } satisfies JournalEntry))];
    await rm(temporary, { force: true });
    const handle = await open(temporary, 'a');
    try {
      await handle.writeFile(`${lines.join('\n')}\n`, 'utf8');
      await handle.sync();
      await rename(temporary, filePath);
    } catch (error) {
      await handle.close();
      await rm(temporary, { force: true });
      throw error;
    }
    return new ReportJournal(filePath, handle);
  }

  /** Appends one finished file and flushes it to disk. */
  async append(result: FileResult): Promise<void> {
    if (this.handle === null) throw new Error('journal is closed');
    await this.handle.appendFile(`${JSON.stringify({ type: 'file', result } satisfies JournalEntry)}\n`, 'utf8');
    await this.handle.datasync();
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    await handle?.close();
  }

  /** Closes and deletes the journal (once the final report holds everything). */
  async remove(): Promise<void> {
    await this.close();
    await rm(this.path, { force: true });
  }
}
