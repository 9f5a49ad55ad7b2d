import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecodePool, type PoolFile } from '../../../src/video/decode-pool.js';
import { FfmpegAdapter } from '../../../src/video/ffmpeg-adapter.js';
import type { VideoFrame } from '../../../src/video/frame-reader.js';
import { inProcessOpener, type FrameRequest, type OpenedMedia } from '../../../src/video/media-opener.js';
import { ROOT } from '../../helpers/run-cli.js';
import { bundledFfmpegPath, makeTempDir } from '../../helpers/video-media.js';

const fixture = (name: string): string => path.join(ROOT, 'fixtures', name);
const request: FrameRequest = { sampling: { mode: 'count', frames: 8 }, maxSidePx: 1920 };
let adapter: FfmpegAdapter;
let pool: DecodePool;
let temp: { dir: string; cleanup: () => Promise<void> };
let big: string;

const busy = (ms: number): void => {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // the scanning thread running inference: no event-loop turns
  }
};

async function drain(opened: OpenedMedia): Promise<VideoFrame[]> {
  const frames: VideoFrame[] = [];
  try {
    for await (const f of opened.frames()) frames.push(f);
  } finally {
    opened.close();
  }
  return frames;
}

beforeAll(async () => {
  adapter = await FfmpegAdapter.create();
  pool = new DecodePool(adapter.binaries, { maxBufferedBytesPerFile: 3 * 640 * 480 * 3 });
  temp = await makeTempDir('ldf-pool-');
  big = path.join(temp.dir, 'vga.mp4');
  execFileSync(bundledFfmpegPath, ['-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=640x480:rate=25', '-t', '4', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', big]);
});
afterAll(async () => {
  await pool.close();
  await temp.cleanup();
});

describe('DecodePool', () => {
  it('gives the same media and frames as decoding in this thread', async () => {
    for (const name of ['one-face.mp4', 'rotated.mp4', 'still.jpg']) {
      const here = inProcessOpener(adapter).open(fixture(name), request);
      const there = pool.open(fixture(name), request);
      expect((await there.probed).media).toEqual((await here.probed).media);
      const [a, b] = [await drain(here), await drain(there)];
      expect(b.map((f) => [f.index, f.timestampMs, f.requestedTimestampMs, f.width, f.height])).toEqual(a.map((f) => [f.index, f.timestampMs, f.requestedTimestampMs, f.width, f.height]));
      b.forEach((f, i) => expect(Buffer.compare(f.data, a[i]!.data), `${name} frame ${i}`).toBe(0));
    }
  });

  it('decodes ahead while this thread is busy, holding no more than its budget', async () => {
    const opened = pool.open(big, request) as PoolFile;
    busy(1500);
    await new Promise((resolve) => setTimeout(resolve, 50)); // one turn: the frames sent meanwhile arrive
    const frameBytes = 640 * 480 * 3;
    expect(opened.bufferedBytes).toBeGreaterThanOrEqual(frameBytes); // decoded while we were busy
    expect(opened.bufferedBytes).toBeLessThanOrEqual(3 * frameBytes); // and no more than allowed
    const frames = await drain(opened);
    expect(frames).toHaveLength(8);
  });

  it('reports errors with their codes; several files at once; close() stops a file', async () => {
    const files = [fixture('corrupt.mp4'), path.join(temp.dir, 'missing.mp4'), fixture('README.md'), big, fixture('one-face.mp4')];
    const opened = files.map((f) => pool.open(f, request));
    const warningsOfCorrupt: string[] = [];
    opened[0]!.onWarning((w) => warningsOfCorrupt.push(w.code));
    const outcomes = await Promise.all(
      opened.map(async (o) => {
        try {
          return (await drain(o)).length;
        } catch (error) {
          return (error as { code: string }).code;
        }
      }),
    );
    // corrupt.mp4 (its first 40 %) has no decodable frame: the reader says so in warnings, the scan calls it damaged.
    expect(outcomes).toEqual([0, 'FILE_NOT_FOUND', 'UNREADABLE_MEDIA', 8, 8]);
    expect(warningsOfCorrupt).toContain('TRUNCATED');
    expect(warningsOfCorrupt.filter((c) => c === 'MISSING_SAMPLE')).toHaveLength(8);

    const stopped = pool.open(big, request);
    await stopped.probed;
    stopped.close();
    expect(await drain(stopped)).toEqual([]);
    expect(pool.openFiles).toBe(0);
  });
});
