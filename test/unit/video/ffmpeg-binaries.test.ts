import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { resolveFfmpegBinaries } from '../../../src/video/ffmpeg-binaries.js';
import { VideoError } from '../../../src/video/video-error.js';

const require = createRequire(import.meta.url);
const bundledFfmpeg = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
const bundledFfprobe = (require('@ffprobe-installer/ffprobe') as { path: string }).path;

let dir: string;
let binDir: string;
let emptyDir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ldf-binaries-'));
  binDir = path.join(dir, 'bin');
  emptyDir = path.join(dir, 'empty');
  await mkdir(binDir);
  await mkdir(emptyDir);
  await symlink(bundledFfmpeg, path.join(binDir, 'ffmpeg'));
  await symlink(bundledFfprobe, path.join(binDir, 'ffprobe'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function expectCode(promise: Promise<unknown>, code: string): Promise<VideoError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VideoError);
  expect((error as VideoError).code).toBe(code);
  return error as VideoError;
}

describe('resolveFfmpegBinaries', () => {
  it('prefers explicit paths over everything else', async () => {
    const result = await resolveFfmpegBinaries({
      ffmpegPath: bundledFfmpeg,
      ffprobePath: bundledFfprobe,
      env: { FFMPEG_PATH: '/nope/ffmpeg', FFPROBE_PATH: '/nope/ffprobe', PATH: binDir },
    });
    expect(result.ffmpeg).toEqual({ path: bundledFfmpeg, source: 'option' });
    expect(result.ffprobe).toEqual({ path: bundledFfprobe, source: 'option' });
  });

  it('fails on an explicit path that does not exist instead of falling back', async () => {
    const error = await expectCode(resolveFfmpegBinaries({ ffmpegPath: path.join(dir, 'missing-ffmpeg'), env: { PATH: binDir } }), 'FFMPEG_NOT_FOUND');
    expect(error.message).toContain('missing-ffmpeg');
    await expectCode(resolveFfmpegBinaries({ ffprobePath: path.join(dir, 'missing-ffprobe'), env: { PATH: binDir } }), 'FFPROBE_NOT_FOUND');
  });

  it('fails on an explicit path that is a directory or not executable', async () => {
    await expectCode(resolveFfmpegBinaries({ ffmpegPath: dir, env: { PATH: binDir } }), 'FFMPEG_NOT_FOUND');
    if (process.platform !== 'win32' && process.getuid?.() !== 0) {
      const plain = path.join(dir, 'not-executable');
      await writeFile(plain, '#!/bin/sh\n');
      await chmod(plain, 0o644);
      await expectCode(resolveFfmpegBinaries({ ffmpegPath: plain, env: { PATH: binDir } }), 'FFMPEG_NOT_FOUND');
    }
  });

  it('uses FFMPEG_PATH / FFPROBE_PATH next, and treats a missing one as an error', async () => {
    const result = await resolveFfmpegBinaries({ env: { FFMPEG_PATH: bundledFfmpeg, FFPROBE_PATH: bundledFfprobe, PATH: binDir } });
    expect(result.ffmpeg.source).toBe('env');
    expect(result.ffprobe.source).toBe('env');
    const error = await expectCode(resolveFfmpegBinaries({ env: { FFMPEG_PATH: '/nope/ffmpeg', PATH: binDir } }), 'FFMPEG_NOT_FOUND');
    expect(error.message).toContain('FFMPEG_PATH');
  });

  it('finds binaries on the system PATH (a symlink in a temp dir)', async () => {
    const result = await resolveFfmpegBinaries({ env: { PATH: [emptyDir, binDir].join(path.delimiter) } });
    expect(result.ffmpeg).toEqual({ path: path.join(binDir, 'ffmpeg'), source: 'path' });
    expect(result.ffprobe).toEqual({ path: path.join(binDir, 'ffprobe'), source: 'path' });
  });

  it('resolves each binary independently', async () => {
    const result = await resolveFfmpegBinaries({ ffprobePath: bundledFfprobe, env: { PATH: binDir } });
    expect(result.ffmpeg.source).toBe('path');
    expect(result.ffprobe.source).toBe('option');
  });

  it('falls back to the bundled installer binaries', async () => {
    const result = await resolveFfmpegBinaries({ env: { PATH: emptyDir } });
    expect(result.ffmpeg).toEqual({ path: bundledFfmpeg, source: 'bundled' });
    expect(result.ffprobe).toEqual({ path: bundledFfprobe, source: 'bundled' });
  });

  it('reports FFMPEG_NOT_FOUND when nothing is available', async () => {
    const error = await expectCode(resolveFfmpegBinaries({ env: { PATH: emptyDir }, skipBundled: true }), 'FFMPEG_NOT_FOUND');
    expect(error.message).toMatch(/--ffmpeg-path/);
    await expectCode(resolveFfmpegBinaries({ ffmpegPath: bundledFfmpeg, env: {}, skipBundled: true }), 'FFPROBE_NOT_FOUND');
  });

  it('can skip the PATH step', async () => {
    const result = await resolveFfmpegBinaries({ env: { PATH: binDir }, skipSystemPath: true });
    expect(result.ffmpeg.source).toBe('bundled');
  });
});
