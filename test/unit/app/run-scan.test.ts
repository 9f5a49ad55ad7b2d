import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanEngineView } from '../../../src/app/open-scan-engine.js';
import { planScan, runScan, type ScanPlanRequest, type ScanRunOptions } from '../../../src/app/run-scan.js';
import type { LdfnetModel } from '../../../src/model/ldfnet-model.js';
import { journalPathFor } from '../../../src/report/report-journal.js';
import type { ScanOptions } from '../../../src/report/scan-report.js';
import type { BatchOutcome } from '../../../src/scan/scan-batch.js';
import type { CropFunction, FaceFinder, ScanSettings } from '../../../src/scan/scan-file.js';
import type { FfmpegAdapter } from '../../../src/video/ffmpeg-adapter.js';
import type { VideoFrame } from '../../../src/video/frame-reader.js';
import { WarningRelay, type MediaOpener, type OpenedMedia } from '../../../src/video/media-opener.js';
import { VideoError } from '../../../src/video/video-error.js';
import { OPTIONS } from '../../helpers/report-fixtures.js';
import { FAKE_SCAN_SETTINGS, fakeMediaInfo } from '../../helpers/fake-scan.js';

/**
 * runScan() on fakes behind the interfaces scan-file.ts defines: a MediaOpener whose frames carry the
 * file's number as pixel value, a FaceFinder that finds one face per frame, a CropFunction that passes
 * the pixels through, and a model whose fake score is that number / 100. Files named bad* fail to probe.
 */
let dir: string;

const media = fakeMediaInfo;

const opened: string[] = [];
const opener: MediaOpener = {
  open(file: string): OpenedMedia {
    opened.push(path.basename(file));
    const n = Number(/(\d+)/.exec(path.basename(file))?.[1] ?? 0);
    const probed = path.basename(file).startsWith('bad')
      ? Promise.reject(new VideoError('UNREADABLE_MEDIA', `${file}: not readable as media (fake)`))
      : Promise.resolve({ media: media(file), probeMs: 1, sizeBytes: 3 });
    probed.catch(() => undefined);
    return {
      path: file,
      probed,
      async *frames(): AsyncGenerator<VideoFrame, void, undefined> {
        await probed;
        for (let i = 0; i < 3; i++) {
          await new Promise((resolve) => setTimeout(resolve, 5));
          yield { index: i, timestampMs: i * 250, requestedTimestampMs: i * 250, width: 8, height: 8, data: Buffer.alloc(8 * 8 * 3, n) };
        }
      },
      onWarning: (listener) => new WarningRelay().listen(listener),
      close: () => {},
    };
  },
};
const finder: FaceFinder = { detect: async () => [{ box: { x: 1, y: 1, width: 4, height: 4 }, score: 0.9, landmarks: [] }] };
const crop: CropFunction = (frame) => frame.data.subarray(0, 4 * 4 * 3);
const model = {
  trained: true,
  manifest: { crop: { name: 'square-box-scaled', scale: 1.3, size: 4 } },
  predict: async (crops: readonly Uint8Array[]) => Float32Array.from(crops.map((c) => Math.min(1, c[0]! / 100))),
} as unknown as LdfnetModel;

const engine: ScanEngineView = {
  context: { model, detector: finder, crop, ffmpeg: {} as FfmpegAdapter, opener },
  modelInfo: { id: 'fake', version: '1.0.0', dir: null, trained: true, weightsSha256: ['0'.repeat(64)] },
  backendInfo: { name: 'wasm', threads: 1, simd: true },
  detectorInfo: { name: 'ssd', package: '@vladmandic/face-api', version: '0.0.0' },
};

const settings: ScanSettings = FAKE_SCAN_SETTINGS;

// Options as a report records them (schema-valid: the journal and --resume check them).
const options: ScanOptions = { ...OPTIONS, thresholds: { real: 0.3, fake: 0.7 }, failOn: 'fake' };

const runOptions = (signal?: AbortSignal): ScanRunOptions => ({
  settings,
  options,
  concurrency: 2,
  signal,
  toolVersion: '0.0.0-test',
  startedMs: performance.now(),
  outputIsJsonReport: true,
});

const request = (over: Partial<ScanPlanRequest> = {}): ScanPlanRequest => ({
  paths: [dir],
  include: [],
  exclude: [],
  extensions: null,
  shard: null,
  resume: false,
  ...over,
});

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ldf-run-scan-'));
  // Distinct contents: the sha256 of each file is what --resume matches.
  for (const [name, body] of [['clip10.mp4', 'a'], ['clip80.mp4', 'b'], ['clip50.mp4', 'c'], ['bad1.mp4', 'd']] as const) {
    await writeFile(path.join(dir, name), body);
  }
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('planScan', () => {
  it('refuses --resume without --output, and a journal left by an interrupted run', async () => {
    await expect(planScan(request({ resume: true }))).rejects.toMatchObject({ code: 'USAGE' });
    const output = path.join(dir, '..', `${path.basename(dir)}-left.json`);
    await writeFile(journalPathFor(output), '');
    try {
      await expect(planScan(request({ output }))).rejects.toMatchObject({ code: 'JOURNAL_EXISTS' });
    } finally {
      await rm(journalPathFor(output), { force: true });
    }
  });

  it('finds the inputs in a stable order and keeps the shard\'s share only', async () => {
    const all = await planScan(request());
    expect(all.entries.map((e) => path.basename(e.path))).toEqual(['bad1.mp4', 'clip10.mp4', 'clip50.mp4', 'clip80.mp4']);
    const shares = await Promise.all([1, 2].map((index) => planScan(request({ shard: { index, count: 2 } }))));
    expect(shares.flatMap((s) => s.entries.map((e) => e.path)).sort()).toEqual(all.entries.map((e) => e.path).sort());
    expect(shares.every((s) => s.found)).toBe(true);
  });
});

describe('runScan', () => {
  it('scans every file through the engine, in input order: verdicts from the scores, the bad file as an error', async () => {
    const outcomes: BatchOutcome[] = [];
    const plan = await planScan(request());
    const run = await runScan(engine, plan, runOptions(), { onOutcome: (o) => outcomes.push(o) });
    const byName = Object.fromEntries(run.report.files.map((f) => [path.basename(f.path), f]));
    expect(outcomes.map((o) => path.basename(o.entry.path))).toEqual(['bad1.mp4', 'clip10.mp4', 'clip50.mp4', 'clip80.mp4']);
    expect(byName['clip10.mp4']).toMatchObject({ verdict: 'real', scoreFake: expect.closeTo(0.1, 5) });
    expect(byName['clip50.mp4']).toMatchObject({ verdict: 'uncertain' });
    expect(byName['clip80.mp4']).toMatchObject({ verdict: 'fake', scoreFake: expect.closeTo(0.8, 5) });
    expect(byName['bad1.mp4']).toMatchObject({ status: 'error', verdict: 'error', scoreFake: null, error: { code: 'UNREADABLE_MEDIA' } });
    expect(run.report.options.detector).toEqual(engine.detectorInfo);
    expect(run).toMatchObject({ stopped: null, nothingToScan: false, otherErrors: 0, journalPath: null });
    await expect(run.save('x')).rejects.toThrow(TypeError); // no --output
  });

  it('with --output: a journal while running; --resume reuses its results; save() writes the report and removes it', async () => {
    const output = path.join(dir, '..', `${path.basename(dir)}-report.json`);
    const first = await runScan(engine, await planScan(request({ output })), runOptions());
    expect(first.journalPath).toBe(journalPathFor(output));
    expect((await readFile(journalPathFor(output), 'utf8')).trim().split('\n')).toHaveLength(1 + 4); // header + 4 files
    await first.keepJournal();

    opened.length = 0;
    const notices: string[] = [];
    const again = await runScan(engine, await planScan(request({ output, resume: true })), runOptions(), { notice: (l) => notices.push(l) });
    // The failed file is tried again; the three results are reused, their files not even opened.
    expect(again.report.summary).toMatchObject({ resumed: 3 });
    expect(opened).toEqual(['bad1.mp4']);
    expect(notices).toContain('resuming: 3 finished result(s) reusable (0 from the report, 3 from the journal)');
    await again.save('{"saved":true}');
    expect(await readFile(output, 'utf8')).toBe('{"saved":true}');
    await expect(stat(journalPathFor(output))).rejects.toMatchObject({ code: 'ENOENT' });
    await rm(output, { force: true });
  });

  it('an aborted signal stops the batch: the report says interrupted, keepJournal() keeps the journal for --resume', async () => {
    const output = path.join(dir, '..', `${path.basename(dir)}-stopped.json`);
    const controller = new AbortController();
    const run = await runScan(engine, await planScan(request({ output })), runOptions(controller.signal), {
      onOutcome: () => controller.abort(),
    });
    expect(run.stopped).toMatchObject({ reason: 'interrupted' });
    expect(run.stopped!.unscanned).toBeGreaterThan(0);
    expect(run.otherErrors).toBe(1);
    await run.keepJournal();
    expect((await stat(journalPathFor(output))).isFile()).toBe(true);
    await rm(journalPathFor(output), { force: true });
  });

  it('nothing to scan: an empty folder is nothing, an empty share of a found batch is not', async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'ldf-run-scan-empty-'));
    try {
      const none = await runScan(engine, await planScan(request({ paths: [empty] })), runOptions());
      expect(none.nothingToScan).toBe(true);
      const one = path.join(dir, 'clip10.mp4');
      const shares = await Promise.all([1, 2].map(async (index) => runScan(engine, await planScan(request({ paths: [one], shard: { index, count: 2 } })), runOptions())));
      expect(shares.map((s) => s.results.length).sort()).toEqual([0, 1]);
      expect(shares.every((s) => !s.nothingToScan)).toBe(true);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
