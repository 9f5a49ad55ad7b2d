/**
 * FfmpegAdapter as a facade, against fake ffmpeg/ffprobe binaries (node scripts) whose behaviour is
 * picked by the input file's name. Real-binary behaviour: test/integration/video.
 */
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildRawFramesArgs, FfmpegAdapter, parseVersionLine, type RawFrame, type RawFramesRequest } from '../../../src/video/ffmpeg-adapter.js';
import { VideoError } from '../../../src/video/video-error.js';
import { inputSafetyArgs } from '../../../src/video/ffmpeg-args.js';

const FAKE_FFPROBE = String.raw`
const fs = require('node:fs');
const args = process.argv.slice(2);
const input = args.at(-1) ?? '';
const name = input.split('/').at(-1);
fs.appendFileSync(process.env.LDF_FAKE_LOG ?? __filename + '.calls', JSON.stringify(args) + '\n');
if (name === 'slow.mp4') setInterval(() => {}, 1000);
else if (name === 'bad.mp4') {
  process.stderr.write('[mov,mp4,m4a,3gp,3g2,mj2 @ 0x1] moov atom not found\n' + input + ': Invalid data found when processing input\n');
  process.exitCode = 1;
} else if (name === 'silent-fail.mp4') process.exitCode = 4;
else if (name === 'notjson.mp4') process.stdout.write('nope');
else if (args.includes('-read_intervals')) {
  const starts = args[args.indexOf('-read_intervals') + 1].split(',').map((i) => i.split('%')[0]);
  if (name === 'short.mp4') starts.pop();
  process.stdout.write(JSON.stringify({ packets: starts.map((t) => ({ pts_time: t, flags: 'K__' })) }));
} else if (args.includes('compact=p=0:nk=1')) process.stdout.write('4.000000|K__\n0.040000|___\n0.000000|K__\n2.000000|K_\n');
else process.stdout.write(JSON.stringify({ format: { filename: input }, streams: [] }));
`;

const FAKE_FFMPEG = String.raw`
const fs = require('node:fs');
const args = process.argv.slice(2);
const input = args[args.indexOf('-i') + 1] ?? '';
const name = input.split('/').at(-1);
fs.writeFileSync(__filename + '.args', JSON.stringify(args));
fs.writeFileSync(__filename + '.pid', String(process.pid));
const frame = (i) => Buffer.alloc(12, i);
const info = (n, pts) => '[Parsed_showinfo_2 @ 0x1] [info] n:' + n + ' pts:' + pts + ' pts_time:' + pts / 12800 + ' pos: -1 fmt:rgb24\n';
if (name === 'ok.mp4') {
  process.stderr.write('[Parsed_showinfo_2 @ 0x1] [info] config in time_base: 1/12800, frame_rate: 25/1\n' + info(0, 0) + info(1, 512) + info(2, 1024));
  process.stdout.write(Buffer.concat([frame(0), frame(1), frame(2)]));
} else if (name === 'partial.mp4') {
  process.stdout.write(Buffer.concat([frame(7), frame(8).subarray(0, 5)]));
} else if (name === 'nopts.mp4') {
  process.stdout.write(Buffer.concat([frame(3), frame(4)]));
} else if (name === 'fail.mp4') {
  process.stderr.write('[h264 @ 0x1] [error] Invalid NAL unit size (9 > 3).\n[fatal] Conversion failed!\n');
  process.stdout.write(frame(1));
  process.exitCode = 1;
} else if (name === 'crash.mp4') {
  process.kill(process.pid, 'SIGKILL');
} else if (name === 'endless.mp4') {
  let i = 0;
  const next = () => { process.stderr.write(info(i, i * 512)); return frame(i++ % 256); };
  const write = () => { while (process.stdout.write(next())); process.stdout.once('drain', write); };
  write();
}
`;

let dir: string;
let adapter: FfmpegAdapter;
let fakeFfprobe: string;
let fakeFfmpeg: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ldf-adapter-'));
  fakeFfprobe = path.join(dir, 'ffprobe');
  fakeFfmpeg = path.join(dir, 'ffmpeg');
  for (const [file, body] of [[fakeFfprobe, FAKE_FFPROBE], [fakeFfmpeg, FAKE_FFMPEG]] as const) {
    await writeFile(file, `#!${process.execPath}\n${body}`);
    await chmod(file, 0o755);
  }
  adapter = new FfmpegAdapter({ ffmpeg: { path: fakeFfmpeg, source: 'option' }, ffprobe: { path: fakeFfprobe, source: 'option' } });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const missing = new FfmpegAdapter({
  ffmpeg: { path: path.join(os.tmpdir(), 'ldf-no-such-dir', 'ffmpeg'), source: 'option' },
  ffprobe: { path: path.join(os.tmpdir(), 'ldf-no-such-dir', 'ffprobe'), source: 'option' },
});

async function rejection(promise: Promise<unknown>): Promise<VideoError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VideoError);
  return error as VideoError;
}

async function ffprobeCalls(run: () => Promise<unknown>): Promise<string[][]> {
  const log = `${fakeFfprobe}.calls`;
  await rm(log, { force: true });
  await run();
  const text = await readFile(log, 'utf8').catch(() => '');
  return text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as string[]);
}

describe('FfmpegAdapter.probeJson', () => {
  it('runs ffprobe with the probe arguments and returns its JSON', async () => {
    let json: unknown;
    const calls = await ffprobeCalls(async () => {
      json = await adapter.probeJson(path.join(dir, 'ok.mp4'));
    });
    const url = `file:${path.join(dir, 'ok.mp4')}`;
    expect(calls).toEqual([['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', ...inputSafetyArgs(), url]]);
    expect(json).toEqual({ format: { filename: url }, streams: [] });
  });

  it('UNREADABLE_MEDIA with ffprobe\'s cleaned last line, or its exit code', async () => {
    const bad = await rejection(adapter.probeJson(path.join(dir, 'bad.mp4')));
    expect(bad).toMatchObject({ code: 'UNREADABLE_MEDIA', reason: 'Invalid data found when processing input' });
    expect(bad.message).toBe(`${path.join(dir, 'bad.mp4')}: not readable as media (Invalid data found when processing input)`);
    expect(await rejection(adapter.probeJson(path.join(dir, 'silent-fail.mp4')))).toMatchObject({ code: 'UNREADABLE_MEDIA', reason: 'ffprobe exited with code 4' });
    expect(await rejection(adapter.probeJson(path.join(dir, 'notjson.mp4')))).toMatchObject({ code: 'UNREADABLE_MEDIA', reason: 'invalid ffprobe JSON' });
  });

  it('TIMEOUT, ABORTED and FFPROBE_NOT_FOUND', async () => {
    expect(await rejection(adapter.probeJson(path.join(dir, 'slow.mp4'), { timeoutMs: 300 }))).toMatchObject({ code: 'TIMEOUT', reason: 'ffprobe timed out' });
    const controller = new AbortController();
    const slow = adapter.probeJson(path.join(dir, 'slow.mp4'), { signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    expect(await rejection(slow)).toMatchObject({ code: 'ABORTED' });
    const notFound = await rejection(missing.probeJson('a.mp4'));
    expect(notFound).toMatchObject({ code: 'FFPROBE_NOT_FOUND', reason: 'ENOENT' });
  });
});

describe('FfmpegAdapter.seekStartTimesSec', () => {
  it('looks 3/23 s before each seek position (clamped at 0), 2000 intervals per ffprobe run', async () => {
    const positions = Array.from({ length: 2001 }, (_, i) => i * 0.5);
    let times: (number | null)[] = [];
    const calls = await ffprobeCalls(async () => {
      times = await adapter.seekStartTimesSec(path.join(dir, 'ok.mp4'), 1, positions);
    });
    expect(calls).toHaveLength(2);
    expect(calls[0]?.slice(0, 4)).toEqual(['-v', 'error', '-select_streams', '1']);
    expect(calls[1]?.[calls[1].indexOf('-read_intervals') + 1]).toBe('999.869566%+#1');
    expect(times).toHaveLength(2001);
    expect(times.slice(0, 3)).toEqual([0, 0.369566, 0.869566]);
    expect(times[2000]).toBe(999.869566);
  });

  it('null for every position when ffprobe fails, times out or lists a different number of packets', async () => {
    expect(await adapter.seekStartTimesSec(path.join(dir, 'short.mp4'), 0, [1, 2])).toEqual([null, null]);
    expect(await adapter.seekStartTimesSec(path.join(dir, 'bad.mp4'), 0, [1])).toEqual([null]);
    expect(await adapter.seekStartTimesSec(path.join(dir, 'notjson.mp4'), 0, [1])).toEqual([null]);
    expect(await adapter.seekStartTimesSec(path.join(dir, 'slow.mp4'), 0, [1], { timeoutMs: 200 })).toEqual([null]);
    expect(await adapter.seekStartTimesSec(path.join(dir, 'ok.mp4'), 0, [])).toEqual([]);
  });

  it('still throws ABORTED and FFPROBE_NOT_FOUND', async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await rejection(adapter.seekStartTimesSec(path.join(dir, 'ok.mp4'), 0, [1], { signal: controller.signal }))).toMatchObject({ code: 'ABORTED' });
    expect(await rejection(missing.seekStartTimesSec('a.mp4', 0, [1]))).toMatchObject({ code: 'FFPROBE_NOT_FOUND' });
  });
});

describe('FfmpegAdapter.keyframeTimesSec', () => {
  it('the K-flagged packet times, ascending; null when ffprobe fails or times out', async () => {
    expect(await adapter.keyframeTimesSec(path.join(dir, 'ok.mp4'), 0)).toEqual([0, 2, 4]);
    expect(await adapter.keyframeTimesSec(path.join(dir, 'bad.mp4'), 0)).toBeNull();
    expect(await adapter.keyframeTimesSec(path.join(dir, 'slow.mp4'), 0, { timeoutMs: 200 })).toBeNull();
  });

  it('still throws ABORTED and FFPROBE_NOT_FOUND', async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await rejection(adapter.keyframeTimesSec(path.join(dir, 'ok.mp4'), 0, { signal: controller.signal }))).toMatchObject({ code: 'ABORTED' });
    expect(await rejection(missing.keyframeTimesSec('a.mp4', 0))).toMatchObject({ code: 'FFPROBE_NOT_FOUND' });
  });
});

describe('FfmpegAdapter.readRawFrames', () => {
  const request = (name: string, extra: Partial<RawFramesRequest> = {}): RawFramesRequest => ({
    filePath: path.join(dir, name),
    streamIndex: 0,
    pick: { kind: 'all' },
    rotationDeg: 0,
    outputWidth: 2,
    outputHeight: 2,
    ...extra,
  });

  async function readAll(req: RawFramesRequest): Promise<RawFrame[]> {
    const frames: RawFrame[] = [];
    for await (const frame of adapter.readRawFrames(req)) frames.push(frame);
    return frames;
  }

  it('runs ffmpeg with the built arguments and yields frames with showinfo pts on the container timeline', async () => {
    const req = request('ok.mp4', { seekSec: 2, streamTimeBase: { num: 1, den: 12800 } });
    const frames = await readAll(req);
    expect(JSON.parse(await readFile(`${fakeFfmpeg}.args`, 'utf8'))).toEqual(buildRawFramesArgs(req));
    expect(frames.map((f) => [...f.data])).toEqual([Array<number>(12).fill(0), Array<number>(12).fill(1), Array<number>(12).fill(2)]);
    expect(frames.map((f) => f.ptsSec)).toEqual([0, 512 / 12800, 1024 / 12800]);
    expect(frames.map((f) => f.timeSec)).toEqual([25600 / 12800, 26112 / 12800, 26624 / 12800]);
  });

  it('null times when ffmpeg reports no pts (frames still come once stderr closes)', async () => {
    const frames = await readAll(request('nopts.mp4', { seekSec: 1 }));
    expect(frames.map((f) => [f.data[0], f.ptsSec, f.timeSec])).toEqual([[3, null, null], [4, null, null]]);
  });

  it('FRAME_READ_FAILED when the output ends inside a frame', async () => {
    const error = await rejection(readAll(request('partial.mp4')));
    expect(error).toMatchObject({ code: 'FRAME_READ_FAILED', reason: 'ffmpeg output ended inside a frame (5 of 12 bytes)' });
  });

  it('FRAME_READ_FAILED with the most telling error line, or the exit signal', async () => {
    const failed = await rejection(readAll(request('fail.mp4')));
    expect(failed).toMatchObject({ code: 'FRAME_READ_FAILED', reason: 'Invalid NAL unit size (9 > 3).' });
    expect(failed.message).toBe(`${path.join(dir, 'fail.mp4')}: could not decode frames (Invalid NAL unit size (9 > 3).)`);
    expect(await rejection(readAll(request('crash.mp4')))).toMatchObject({ code: 'FRAME_READ_FAILED', reason: 'ffmpeg exited with SIGKILL' });
  });

  it('breaking out early kills ffmpeg', async () => {
    let seen = 0;
    for await (const frame of adapter.readRawFrames(request('endless.mp4'))) {
      expect(frame.data).toHaveLength(12);
      if (++seen === 3) break;
    }
    const pid = Number(await readFile(`${fakeFfmpeg}.pid`, 'utf8'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it('abort mid-stream rejects with ABORTED; an aborted signal or a bad size fails before spawning', async () => {
    const controller = new AbortController();
    let seen = 0;
    const error = await rejection(
      (async () => {
        for await (const frame of adapter.readRawFrames(request('endless.mp4', { signal: controller.signal }))) {
          expect(frame.data).toHaveLength(12);
          if (++seen === 2) controller.abort();
        }
      })(),
    );
    expect(error.code).toBe('ABORTED');
    expect(seen).toBe(2);
    expect(await rejection(readAll({ ...request('ok.mp4'), filePath: path.join(dir, 'never.mp4'), signal: controller.signal }))).toMatchObject({ code: 'ABORTED' });
    expect(await rejection(readAll(request('ok.mp4', { outputWidth: 0 })))).toMatchObject({ code: 'BAD_SAMPLING' });
  });

  it('FFMPEG_NOT_FOUND for a missing binary', async () => {
    const frames: RawFrame[] = [];
    const error = await rejection(
      (async () => {
        for await (const frame of missing.readRawFrames(request('ok.mp4'))) frames.push(frame);
      })(),
    );
    expect(error).toMatchObject({ code: 'FFMPEG_NOT_FOUND', reason: 'ENOENT' });
    expect(frames).toHaveLength(0);
  });
});

describe('parseVersionLine', () => {
  it('reads the version word of ffmpeg and ffprobe -version', () => {
    expect(parseVersionLine('ffmpeg version N-47683-g0e8eb07980-static https://johnvansickle.com/ffmpeg/  Copyright (c) 2000-2018\nbuilt with gcc')).toBe('N-47683-g0e8eb07980-static');
    expect(parseVersionLine('ffprobe version 6.1.1-3+b1 Copyright (c) 2007-2023 the FFmpeg developers\n')).toBe('6.1.1-3+b1');
    expect(parseVersionLine('')).toBeNull();
    expect(parseVersionLine('not a version banner')).toBeNull();
  });
});
