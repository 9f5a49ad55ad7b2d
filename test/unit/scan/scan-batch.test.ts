import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LdfnetModel } from '../../../src/model/ldfnet-model.js';
import type { FileResult } from '../../../src/report/scan-report.js';
import type { InputEntry } from '../../../src/scan/discover-inputs.js';
import { scanBatch, type BatchOutcome } from '../../../src/scan/scan-batch.js';
import type { ScanContext, ScanSettings } from '../../../src/scan/scan-file.js';
import type { FfmpegAdapter } from '../../../src/video/ffmpeg-adapter.js';
import type { VideoFrame } from '../../../src/video/frame-reader.js';
import { WarningRelay, type OpenedMedia } from '../../../src/video/media-opener.js';
import { VideoError } from '../../../src/video/video-error.js';
import { FAKE_SCAN_SETTINGS, fakeMediaInfo } from '../../helpers/fake-scan.js';

let dir: string;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const media = fakeMediaInfo;

/**
 * A fake decoder: frames after random delays (so files finish decoding out of order), the file's
 * number as its pixel value; names starting with "bad" fail to probe. Records how many files are open.
 */
class FakeOpener {
  open = 0;
  maxOpen = 0;
  opened: string[] = [];

  constructor(private readonly seed: number) {}

  openFile(file: string): OpenedMedia {
    this.opened.push(path.basename(file));
    this.open++;
    this.maxOpen = Math.max(this.maxOpen, this.open);
    let closed = false;
    const n = Number(/(\d+)/.exec(path.basename(file))?.[1] ?? 0);
    const delay = ((n * 7919 + this.seed * 104729) % 13) + 1;
    const probed = (async () => {
      await sleep(delay);
      if (path.basename(file).startsWith('bad')) throw new VideoError('UNREADABLE_MEDIA', `${file}: not readable as media (fake)`);
      if (path.basename(file).startsWith('gone')) throw new VideoError('FILE_NOT_FOUND', `${file}: no such file`);
      return { media: media(file), probeMs: delay, sizeBytes: 3 };
    })();
    probed.catch(() => undefined);
    return {
      path: file,
      probed,
      async *frames(): AsyncGenerator<VideoFrame, void, undefined> {
        await probed;
        for (let i = 0; i < 3; i++) {
          await sleep(delay % 3);
          yield { index: i, timestampMs: i * 250, requestedTimestampMs: i * 250, width: 8, height: 8, data: Buffer.alloc(8 * 8 * 3, n) };
        }
      },
      onWarning: (listener) => new WarningRelay().listen(listener),
      close: () => {
        if (!closed) this.open--;
        closed = true;
      },
    };
  }
}

function context(opener: FakeOpener): ScanContext {
  const ctx: ScanContext = {
    model: {
      manifest: { crop: { name: 'face-box-square', scale: 1.3, size: 4 } },
      // The "score" is the crop's pixel value / 100: the file's number shows up in its result.
      predict: async (crops: readonly Uint8Array[]) => Float32Array.from(crops.map((c) => Math.min(1, c[0]! / 100))),
    } as unknown as LdfnetModel,
    detector: { detect: async () => [{ box: { x: 1, y: 1, width: 4, height: 4 }, score: 0.9, landmarks: [] }] },
    crop: (frame) => frame.data.subarray(0, 4 * 4 * 3),
    ffmpeg: {} as FfmpegAdapter,
  };
  ctx.opener = { open: (file) => opener.openFile(file) };
  return ctx;
}

const settings: ScanSettings = FAKE_SCAN_SETTINGS;

const entry = (name: string, needsContentCheck = false): InputEntry => ({
  path: path.join(dir, name),
  root: dir,
  relativePath: name,
  shardKey: name,
  origin: 'walk',
  needsContentCheck,
});

const summary = (outcomes: BatchOutcome[]): string[] =>
  outcomes.map((o) => `${o.index}:${path.basename(o.entry.path)}:${o.kind}:${o.kind === 'skipped' ? o.reason : `${o.result.verdict}:${o.result.scoreFake?.toFixed(2) ?? '-'}`}`);

const names = Array.from({ length: 12 }, (_, i) => `clip${String(i + 1).padStart(2, '0')}.mp4`);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ldf-batch-'));
  for (const name of [...names, 'bad13.mp4', 'bad14.mp4', 'notes']) await writeFile(path.join(dir, name), name === 'notes' ? 'just text\n' : `x${name}`);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('scanBatch', () => {
  it('gives the same outcomes in input order whatever the concurrency, with at most that many files open', async () => {
    const entries = [entry('notes', true), ...names.map((n) => entry(n)), entry('bad13.mp4'), entry('bad14.mp4', true)];
    const runs: string[][] = [];
    for (const concurrency of [1, 2, 3, 8]) {
      const opener = new FakeOpener(concurrency);
      const seen: number[] = [];
      const run = await scanBatch(entries, context(opener), settings, { concurrency, onOutcome: (o) => void seen.push(o.index) });
      expect(run.stopped).toBeNull();
      expect(seen).toEqual(entries.map((_, i) => i));
      expect(opener.maxOpen).toBeLessThanOrEqual(concurrency);
      expect(opener.open).toBe(0);
      runs.push(summary(run.outcomes));
    }
    for (const run of runs.slice(1)) expect(run).toEqual(runs[0]);
    expect(runs[0]!.slice(0, 3)).toEqual(['0:notes:skipped:NOT_MEDIA', '1:clip01.mp4:scanned:real:0.01', '2:clip02.mp4:scanned:real:0.02']);
    // bad13.mp4 has a media extension: unreadable is an error. bad14.mp4 was picked by content: not media.
    expect(runs[0]!.slice(-2)).toEqual(['13:bad13.mp4:scanned:error:-', '14:bad14.mp4:skipped:NOT_MEDIA']);
  });

  it('a file that vanished after its folder was listed is reported as such, and the batch goes on', async () => {
    const run = await scanBatch([entry('gone01.mp4'), entry('clip01.mp4'), { ...entry('gone02.mp4'), origin: 'argument' }], context(new FakeOpener(4)), settings, { concurrency: 2 });
    expect(run.outcomes.map((o) => (o.kind === 'scanned' ? [o.result.status, o.result.error?.code ?? null] : o.kind))).toEqual([
      ['error', 'FILE_VANISHED'],
      ['ok', null],
      ['error', 'FILE_NOT_FOUND'], // named on the command line: it was never there
    ]);
  });

  it('--max-errors stops early and says how many were not scanned', async () => {
    const entries = [entry('clip01.mp4'), entry('bad13.mp4'), entry('clip02.mp4'), entry('bad13.mp4'), entry('clip03.mp4'), entry('clip04.mp4')];
    const opener = new FakeOpener(1);
    const run = await scanBatch(entries, context(opener), settings, { concurrency: 3, maxErrors: 2 });
    expect(summary(run.outcomes)).toEqual(['0:clip01.mp4:scanned:real:0.01', '1:bad13.mp4:scanned:error:-', '2:clip02.mp4:scanned:real:0.02', '3:bad13.mp4:scanned:error:-']);
    expect(run.stopped).toEqual({ reason: 'max-errors', unscanned: 2 });
    await sleep(30);
    expect(opener.open).toBe(0); // what was decoding ahead was stopped
  });

  it('an abort stops between frames; the file being analysed gets no outcome', async () => {
    const controller = new AbortController();
    const opener = new FakeOpener(2);
    const run = await scanBatch(names.map((n) => entry(n)), context(opener), { ...settings, signal: controller.signal }, {
      concurrency: 2,
      signal: controller.signal,
      onOutcome: (o) => {
        if (o.index === 4) controller.abort();
      },
    });
    expect(run.outcomes.map((o) => o.index)).toEqual([0, 1, 2, 3, 4]);
    expect(run.stopped).toEqual({ reason: 'interrupted', unscanned: 7 });
  });

  it('resumes: a file whose sha256 matches an earlier result is not decoded again', async () => {
    const opener = new FakeOpener(3);
    const earlier: FileResult[] = [];
    await scanBatch(names.slice(0, 3).map((n) => entry(n)), context(new FakeOpener(0)), settings, { concurrency: 1, onOutcome: (o) => void (o.kind === 'scanned' && earlier.push(o.result)) });
    const bySha = new Map(earlier.map((r) => [r.sha256!, r]));
    const run = await scanBatch(names.slice(0, 5).map((n) => entry(n)), context(opener), settings, { concurrency: 2, findPrevious: (sha) => bySha.get(sha) });
    expect(run.outcomes.map((o) => o.kind)).toEqual(['resumed', 'resumed', 'resumed', 'scanned', 'scanned']);
    expect(opener.opened).toEqual(['clip04.mp4', 'clip05.mp4']);
    expect(run.outcomes[0]!.kind === 'resumed' && run.outcomes[0]!.result).toEqual(earlier[0]);
  });
});

describe('faces too small to judge', () => {
  const withFaces = (opener: FakeOpener, boxes: { width: number; height: number }[]): ScanContext => {
    const ctx = context(opener);
    ctx.detector = { detect: async () => boxes.map((b, i) => ({ box: { x: 1 + i, y: 1, ...b }, score: 0.9, landmarks: [] })) };
    return ctx;
  };
  const outcomeOf = async (ctx: ScanContext, minJudgedFacePx: number): Promise<FileResult> => {
    const run = await scanBatch([entry('clip50.mp4')], ctx, { ...settings, minJudgedFacePx }, { concurrency: 1 });
    const o = run.outcomes[0]!;
    if (o.kind !== 'scanned') throw new Error('not scanned');
    return o.result;
  };

  it('a file whose only faces are below the cut-off is too-small: no score, no track, the faces counted', async () => {
    const result = await outcomeOf(withFaces(new FakeOpener(1), [{ width: 4, height: 4 }]), 10);
    expect(result).toMatchObject({ status: 'ok', verdict: 'too-small', scoreFake: null, worstTrackId: null, facesDetected: 3, facesTooSmall: 3, tracks: [] });
  });

  it('small faces never drive the verdict: the judged face decides, and the small ones are counted', async () => {
    const result = await outcomeOf(withFaces(new FakeOpener(1), [{ width: 4, height: 4 }, { width: 20, height: 20 }]), 10);
    // The fake model scores a crop by its pixel value, the file number: 50 -> 0.5, uncertain (0.3-0.7).
    expect(result.verdict).toBe('uncertain');
    expect(result.scoreFake).toBeCloseTo(0.5, 6);
    expect(result.tracks).toHaveLength(1);
    expect(result.facesDetected).toBe(6);
    expect(result.facesTooSmall).toBe(3);
    expect(result.tracks.flatMap((t) => t.faces.map((f) => f.faceSizePx))).toEqual([20, 20, 20]);
  });

  it('with no cut-off every face is judged and no count is reported', async () => {
    const result = await outcomeOf(withFaces(new FakeOpener(1), [{ width: 4, height: 4 }]), 0);
    expect(result.verdict).not.toBe('too-small');
    expect(result.scoreFake).not.toBeNull();
    expect(result.facesTooSmall).toBeUndefined();
  });
});
