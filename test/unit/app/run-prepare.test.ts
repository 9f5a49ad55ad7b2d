import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPrepare, type PrepareRequest } from '../../../src/app/run-prepare.js';
import { formatPrepareSummary, prepareEventLines } from '../../../src/cli/prepare-output.js';
import type { PrepareEvent } from '../../../src/dataset/prepare-dataset.js';
import { ROOT } from '../../helpers/run-cli.js';

/**
 * runPrepare on two photos: fixtures/still.jpg (one face) and a text file named .jpg, below real/. It loads
 * the backend, ffmpeg and the face detector itself, as `ldf dataset prepare` does.
 */
let dir: string;
let inputs: string;
let notes: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ldf-run-prepare-'));
  inputs = path.join(dir, 'in');
  await mkdir(path.join(inputs, 'real'), { recursive: true });
  await copyFile(path.join(ROOT, 'fixtures', 'still.jpg'), path.join(inputs, 'real', 'still.jpg'));
  notes = path.join(inputs, 'real', 'notes.jpg');
  await writeFile(notes, 'not an image\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const request = (outDir: string, extra: Partial<PrepareRequest> = {}): PrepareRequest => ({ inputs: [inputs], outDir, toolVersion: '0.1.0', ...extra });

/** What `ldf dataset prepare` writes on stderr (before the ldf: prefix) for these events. */
const lines = (events: readonly PrepareEvent[], out: string): string[] => events.flatMap((e) => prepareEventLines(e, out));

describe('runPrepare', () => {
  it('prepares a dataset, reports the bad file, records the backend; a rerun finds everything done', async () => {
    const out = path.join(dir, 'out');
    const events: PrepareEvent[] = [];
    const run = await runPrepare(request(out), { onEvent: (e) => events.push(e) });
    expect(run.summary).toMatchObject({
      sourcesFound: 2,
      sourcesProcessed: 2,
      sourcesWithFaces: 1,
      sourcesFailed: 1,
      sourcesSkipped: 0,
      items: 1,
      inputProblems: 0,
      aborted: false,
    });
    expect(events.filter((e) => e.type === 'source-done')).toHaveLength(2);
    expect(lines(events, out)).toEqual([expect.stringMatching(new RegExp(`^${notes.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .* \\[UNREADABLE_IMAGE\\]$`))]);
    expect(formatPrepareSummary(run.summary)).toMatch(
      /: 2 files processed \(1 with faces, 0 without, 1 failed\), 0 already done; 1 faces added in [0-9.]+ s, [0-9.]+ images\/s\ndataset: 1 faces from 2 files \(real 1, fake 0; train 1, val 0; identities: train 1, val 0; 1 files failed, see errors.jsonl\)\n$/,
    );
    const manifest = JSON.parse(await readFile(path.join(out, 'dataset.json'), 'utf8')) as { runs: { backend: string | null }[] };
    expect(manifest.runs.map((r) => r.backend)).toEqual([run.backend.name]);

    const again: PrepareEvent[] = [];
    const rerun = await runPrepare(request(out), { onEvent: (e) => again.push(e) });
    expect(rerun.summary).toMatchObject({ sourcesFound: 2, sourcesProcessed: 0, sourcesSkipped: 2, items: 0, aborted: false });
    expect(lines(again, out)).toEqual([`${out}: 2 of 2 files already done, 0 to go`]);
  }, 60_000);

  it('stops before the next file once the signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const run = await runPrepare(request(path.join(dir, 'stopped'), { signal: controller.signal }));
    expect(run.summary).toMatchObject({ aborted: true, sourcesFound: 2, sourcesProcessed: 0, items: 0 });
  }, 60_000);

  it('refuses bad options before loading anything (ffmpeg is not even looked for), and creates no dataset folder', async () => {
    const out = path.join(dir, 'bad');
    const noFfmpeg = { ffmpegPath: path.join(dir, 'no-such-ffmpeg') };
    await expect(runPrepare(request(out, noFfmpeg))).rejects.toMatchObject({ code: 'FFMPEG_NOT_FOUND' }); // the control
    await expect(runPrepare(request(out, { ...noFfmpeg, mosaicGrid: 9 }))).rejects.toMatchObject({ code: 'INVALID_OPTIONS', message: expect.stringMatching(/mosaic grid/) });
    await expect(runPrepare(request(out, { ...noFfmpeg, valShare: 1 }))).rejects.toMatchObject({ code: 'INVALID_OPTIONS', message: expect.stringMatching(/--val-share/) });
    await expect(stat(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
