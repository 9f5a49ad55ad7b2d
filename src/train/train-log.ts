/**
 * OUT/train-log.jsonl (docs/training.md, "Validation, the kept model, the log"): one JSON line per step and per
 * epoch's validation; a resumed run first drops the lines of work it will redo, then appends.
 */
import { appendFile, readFile, rename, writeFile } from 'node:fs/promises';
import type { TrainState } from './train-checkpoint.js';

export const TRAIN_LOG_FILE = 'train-log.jsonl';

/** Appends one record to the log, stamped with the time. */
export function appendLogRecord(logFile: string, record: Record<string, unknown>): Promise<void> {
  return appendFile(logFile, `${JSON.stringify({ time: new Date().toISOString(), ...record })}\n`);
}

/**
 * Drops the log lines of work a resumed run will redo (steps after the checkpoint, validations of epochs not
 * finished in it), so every step and epoch appears once however often the run was killed.
 */
export async function trimLog(logFile: string, progress: TrainState): Promise<void> {
  const text = await readFile(logFile, 'utf8').catch(() => '');
  const kept = text.split('\n').filter((line) => {
    if (line.trim() === '') return false;
    try {
      const record = JSON.parse(line) as { type?: string; globalStep?: number; epoch?: number };
      if (record.type === 'step') return (record.globalStep ?? 0) <= progress.globalStep;
      if (record.type === 'validation') return (record.epoch ?? 0) < progress.epoch;
      return true;
    } catch {
      return false; // a line cut short by a kill
    }
  });
  const tmp = `${logFile}.tmp-${process.pid}`;
  await writeFile(tmp, kept.map((l) => `${l}\n`).join(''));
  await rename(tmp, logFile);
}
