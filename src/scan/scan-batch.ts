import type { FileResult } from '../report/scan-report.js';
import type { OpenedMedia } from '../video/media-opener.js';
import type { InputEntry } from './discover-inputs.js';
import { fileSha256 } from './file-sha256.js';
import { sniffFile } from './media-sniff.js';
import { analyzeFile, frameRequestOf, type ScanContext, type ScanEventListener, type ScanSettings } from './scan-file.js';

/** What happened to one input, in input order. */
export type BatchOutcome =
  | { kind: 'scanned'; index: number; entry: InputEntry; result: FileResult }
  /** A result of an earlier run with the same sha256, model and options, reused. */
  | { kind: 'resumed'; index: number; entry: InputEntry; result: FileResult }
  /** Found in a folder, and its content is not media: left out, not an error. */
  | { kind: 'skipped'; index: number; entry: InputEntry; reason: string };

export interface BatchOptions {
  /**
   * Files in flight: one is analysed (detection, inference) in this thread while up to
   * concurrency - 1 following ones are probed and decoded ahead. 1: one file at a time.
   */
  concurrency: number;
  /** Stop after this many files failed (the rest are not scanned). */
  maxErrors?: number | undefined;
  /** Aborting stops the batch between frames; the file being analysed gets no outcome. */
  signal?: AbortSignal | undefined;
  /** A reusable result of an earlier run for a file with this sha256 (--resume), if any. */
  findPrevious?: ((sha256: string, entry: InputEntry) => FileResult | undefined) | undefined;
  /** Called for each outcome as soon as it is final, in input order (a journal appends it here). */
  onOutcome?: ((outcome: BatchOutcome) => void | Promise<void>) | undefined;
  emit?: ScanEventListener | undefined;
}

export interface BatchRun {
  outcomes: BatchOutcome[];
  /** Why the batch stopped before the end, and how many inputs got no outcome. */
  stopped: { reason: 'max-errors' | 'interrupted'; unscanned: number } | null;
}

type Prepared =
  | { kind: 'skipped'; reason: string }
  | { kind: 'resumed'; result: FileResult }
  | { kind: 'open'; opened: OpenedMedia; sha256: Promise<string | null> };

/** Probe errors that mean "this is not media" for a file picked by content, not by extension. */
const NOT_MEDIA_CODES = new Set(['UNREADABLE_MEDIA', 'NO_VIDEO_STREAM']);

/**
 * Scans many files with one model and detector. A pipeline: file i is
 * analysed here while files i+1 .. i+concurrency-1 are checked, hashed,
 * probed and decoded ahead (ctx.opener decides where: a DecodePool decodes in
 * a thread of its own, each open file holding a bounded amount of frames).
 * Outcomes come in input order whatever the concurrency.
 */
export async function scanBatch(entries: readonly InputEntry[], ctx: ScanContext, settings: ScanSettings, options: BatchOptions): Promise<BatchRun> {
  if (ctx.opener === undefined) throw new TypeError('scanBatch needs ctx.opener');
  const opener = ctx.opener;
  const concurrency = Math.max(1, Math.floor(options.concurrency));
  const signal = options.signal;
  // A function, not a narrowed property: the signal can fire during any await.
  const aborted = (): boolean => signal?.aborted === true;
  const request = frameRequestOf(settings);
  const prepared = new Map<number, Promise<Prepared>>();
  const outcomes: BatchOutcome[] = [];
  let stopped: BatchRun['stopped'] = null;
  let errors = 0;

  const prepare = async (entry: InputEntry): Promise<Prepared> => {
    if (entry.needsContentCheck) {
      try {
        const sniffed = await sniffFile(entry.path);
        if (sniffed === 'not-media') return { kind: 'skipped', reason: 'NOT_MEDIA' };
        if (sniffed === 'empty') return { kind: 'skipped', reason: 'EMPTY' };
      } catch {
        // unreadable or gone: probing reports it as an error
      }
    }
    let sha256: Promise<string | null> = fileSha256(entry.path, signal).catch(() => null);
    if (options.findPrevious !== undefined) {
      const digest = await sha256;
      const previous = digest === null ? undefined : options.findPrevious(digest, entry);
      if (previous !== undefined) return { kind: 'resumed', result: { ...previous, path: entry.path } };
      sha256 = Promise.resolve(digest);
    }
    const opened = opener.open(entry.path, request, { signal });
    if (entry.needsContentCheck) {
      try {
        await opened.probed;
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (typeof code === 'string' && NOT_MEDIA_CODES.has(code)) {
          opened.close();
          return { kind: 'skipped', reason: 'NOT_MEDIA' };
        }
      }
    }
    return { kind: 'open', opened, sha256 };
  };

  let nextToPrepare = 0;
  const fill = (current: number): void => {
    while (nextToPrepare < entries.length && nextToPrepare < current + concurrency) {
      const i = nextToPrepare++;
      const p = prepare(entries[i]!);
      p.catch(() => undefined);
      prepared.set(i, p);
    }
  };

  try {
    for (let i = 0; i < entries.length; i++) {
      if (aborted()) {
        stopped = { reason: 'interrupted', unscanned: entries.length - i };
        break;
      }
      fill(i);
      const entry = entries[i]!;
      const ready = await prepared.get(i)!;
      prepared.delete(i);
      let outcome: BatchOutcome;
      if (ready.kind === 'skipped') {
        outcome = { kind: 'skipped', index: i, entry, reason: ready.reason };
      } else if (ready.kind === 'resumed') {
        outcome = { kind: 'resumed', index: i, entry, result: ready.result };
      } else {
        const result = await analyzeFile(ready.opened, ctx, settings, { fileIndex: i, emit: options.emit, sha256: ready.sha256 });
        if (aborted()) {
          stopped = { reason: 'interrupted', unscanned: entries.length - i };
          break;
        }
        if (entry.origin === 'walk' && result.error !== null && result.error.code === 'FILE_NOT_FOUND') {
          result.error = { code: 'FILE_VANISHED', message: 'vanished after its folder was listed' };
        }
        outcome = { kind: 'scanned', index: i, entry, result };
      }
      outcomes.push(outcome);
      await options.onOutcome?.(outcome);
      if (outcome.kind === 'scanned' && outcome.result.status === 'error') {
        errors++;
        if (options.maxErrors !== undefined && errors >= options.maxErrors && i + 1 < entries.length) {
          stopped = { reason: 'max-errors', unscanned: entries.length - i - 1 };
          break;
        }
      }
    }
  } finally {
    // Whatever was prepared ahead and not analysed: stop its decoding.
    for (const p of prepared.values()) {
      void p.then((ready) => (ready.kind === 'open' ? ready.opened.close() : undefined), () => undefined);
    }
  }
  return { outcomes, stopped };
}
