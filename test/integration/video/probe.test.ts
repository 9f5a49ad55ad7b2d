import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FfmpegAdapter } from '../../../src/video/ffmpeg-adapter.js';
import { probeMedia } from '../../../src/video/probe.js';
import { VideoError } from '../../../src/video/video-error.js';
import { makeTempDir, runFfmpeg } from '../../helpers/video-media.js';

let dir: string;
let cleanup: () => Promise<void>;
let adapter: FfmpegAdapter;
const file = (name: string): string => path.join(dir, name);

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('ldf-probe-'));
  adapter = await FfmpegAdapter.create();
  const testsrc = ['-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=25'];
  await Promise.all([
    runFfmpeg([...testsrc, '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=8000', '-t', '1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', file('with-audio.mp4')]),
    runFfmpeg([...testsrc, '-t', '1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', file('plain.mp4')]),
    runFfmpeg(['-f', 'lavfi', '-i', 'testsrc=size=321x241:rate=25', '-t', '0.4', '-c:v', 'libx264', '-pix_fmt', 'yuv444p', file('odd.mp4')]),
    runFfmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=8000', '-t', '0.5', '-c:a', 'aac', file('audio-only.m4a')]),
    runFfmpeg([...testsrc, '-frames:v', '1', file('still.png')]),
    runFfmpeg([...testsrc, '-frames:v', '1', file('still.jpg')]),
  ]);
  // Stream copy writes the display matrix (this ffmpeg's rotate=270 tag = 90 degrees clockwise).
  await runFfmpeg(['-i', file('plain.mp4'), '-c', 'copy', '-metadata:s:v:0', 'rotate=270', file('rotated.mp4')]);
  await writeFile(file('empty.mp4'), Buffer.alloc(0));
  await writeFile(file('text.mp4'), 'this is not a video\n'.repeat(20));
  const plain = await readFile(file('plain.mp4'));
  await writeFile(file('truncated.mp4'), plain.subarray(0, Math.floor(plain.length / 2))); // moov atom is at the end
  await mkdir(file('a-directory.mp4'));
});

afterAll(async () => {
  await cleanup();
});

async function probeError(filePath: string): Promise<VideoError> {
  const error = await probeMedia(filePath, { adapter }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VideoError);
  return error as VideoError;
}

describe('probeMedia (real ffprobe)', () => {
  it('probes an mp4 with audio', async () => {
    const info = await probeMedia(file('with-audio.mp4'), { adapter });
    expect(info.hasAudio).toBe(true);
    expect(info.isStillImage).toBe(false);
    expect(info.video.codec).toBe('h264');
    expect([info.video.width, info.video.height]).toEqual([64, 48]);
    expect(info.durationMs).toBeGreaterThanOrEqual(1000);
    expect(info.durationMs).toBeLessThan(1200);
    expect(info.video.frameRate).toBe(25);
    expect(info.filePath).toBe(file('with-audio.mp4'));
  });

  it('resolves binaries itself when no adapter is given', async () => {
    const info = await probeMedia(file('plain.mp4'));
    expect(info.hasAudio).toBe(false);
  });

  it('reports rotation and the displayed size', async () => {
    const info = await probeMedia(file('rotated.mp4'), { adapter });
    expect(info.video.rotationDeg).toBe(90);
    expect([info.video.displayWidth, info.video.displayHeight]).toEqual([48, 64]);
  });

  it('reports odd sizes exactly', async () => {
    const info = await probeMedia(file('odd.mp4'), { adapter });
    expect([info.video.width, info.video.height]).toEqual([321, 241]);
  });

  it('recognises still images', async () => {
    for (const name of ['still.png', 'still.jpg']) {
      const info = await probeMedia(file(name), { adapter });
      expect(info.isStillImage).toBe(true);
      expect(info.durationMs).toBeNull();
    }
  });

  it('handles paths with spaces, unicode and a leading dash', async () => {
    const odd = path.join(dir, 'sub dir ü', '-clip 日本 ünïcödé.mp4');
    await mkdir(path.dirname(odd), { recursive: true });
    await copyFile(file('plain.mp4'), odd);
    expect((await probeMedia(odd, { adapter })).video.codec).toBe('h264');

    const cwd = process.cwd();
    process.chdir(path.dirname(odd));
    try {
      const relative = '-clip 日本 ünïcödé.mp4';
      expect(relative.startsWith('-')).toBe(true);
      expect((await probeMedia(relative, { adapter })).video.codec).toBe('h264');
    } finally {
      process.chdir(cwd);
    }
  });

  it('FILE_NOT_FOUND for a missing file', async () => {
    const error = await probeError(file('nope.mp4'));
    expect(error.code).toBe('FILE_NOT_FOUND');
    expect(error.message).toContain('nope.mp4');
    expect(error.filePath).toBe(file('nope.mp4'));
  });

  it('NOT_A_FILE for a directory', async () => {
    expect((await probeError(file('a-directory.mp4'))).code).toBe('NOT_A_FILE');
  });

  it('EMPTY_FILE for a zero-byte file', async () => {
    expect((await probeError(file('empty.mp4'))).code).toBe('EMPTY_FILE');
  });

  it('UNREADABLE_MEDIA with ffprobe\'s reason for a text file named .mp4', async () => {
    const error = await probeError(file('text.mp4'));
    expect(error.code).toBe('UNREADABLE_MEDIA');
    expect(error.reason).toMatch(/Invalid data found when processing input/);
    expect(error.reason).not.toContain('file:');
    expect(error.message).toContain('text.mp4');
  });

  it('UNREADABLE_MEDIA for a truncated mp4', async () => {
    const error = await probeError(file('truncated.mp4'));
    expect(error.code).toBe('UNREADABLE_MEDIA');
    expect(error.reason).toBeTruthy();
    expect(error.reason).not.toContain('\n');
  });

  it('NO_VIDEO_STREAM for audio only', async () => {
    expect((await probeError(file('audio-only.m4a'))).code).toBe('NO_VIDEO_STREAM');
  });

  it.skipIf(process.platform === 'win32' || process.getuid?.() === 0)('PERMISSION_DENIED for an unreadable file', async () => {
    const { chmod } = await import('node:fs/promises');
    await copyFile(file('plain.mp4'), file('secret.mp4'));
    await chmod(file('secret.mp4'), 0o000);
    expect((await probeError(file('secret.mp4'))).code).toBe('PERMISSION_DENIED');
  });

  it('ABORTED when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await probeMedia(file('plain.mp4'), { adapter, signal: controller.signal }).catch((e: unknown) => e);
    expect((error as VideoError).code).toBe('ABORTED');
  });

  it('FFPROBE_NOT_FOUND for a bad explicit ffprobe path', async () => {
    const error = await probeMedia(file('plain.mp4'), { binaries: { ffprobePath: file('no-ffprobe') } }).catch((e: unknown) => e);
    expect((error as VideoError).code).toBe('FFPROBE_NOT_FOUND');
  });
});
