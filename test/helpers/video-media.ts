/**
 * Test helper: generates tiny media files with the bundled ffmpeg (@ffmpeg-installer/ffmpeg).
 * Used by test/integration/video. Not part of the product code (src/video/ffmpeg-adapter.ts, built on
 * ffmpeg-args.ts, ffmpeg-runner.ts and ffmpeg-log-parser.ts, is the only product code that invokes ffmpeg).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const require = createRequire(import.meta.url);

export const bundledFfmpegPath = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
export const bundledFfprobePath = (require('@ffprobe-installer/ffprobe') as { path: string }).path;

/** Runs the bundled ffmpeg quietly (overwrite on), returning stdout as a Buffer. */
export async function runFfmpeg(args: readonly string[]): Promise<Buffer> {
  const { stdout } = await execFileAsync(bundledFfmpegPath, ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', ...args], {
    encoding: 'buffer',
    maxBuffer: 256 * 1024 * 1024,
  });
  return stdout;
}

export async function makeTempDir(prefix = 'ldf-video-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Luma of frame N is 16 + 4N, so the frame number can be read back from the pixels (see frameNumberOf). */
export function counterClipArgs(output: string, options: { seconds?: number; fps?: number; keyint?: number } = {}): string[] {
  const { seconds = 2, fps = 25, keyint = 10 } = options;
  return [
    '-f', 'lavfi',
    '-i', `nullsrc=s=32x24:r=${fps}:d=${seconds},format=yuv444p,geq=lum='16+N*4':cb=128:cr=128`,
    '-c:v', 'libx264', '-qp', '4', '-pix_fmt', 'yuv444p',
    '-x264-params', `keyint=${keyint}:min-keyint=${keyint}:scenecut=0:bframes=2:b-adapt=0`,
    output,
  ];
}

/** Frame number encoded by counterClipArgs, from an RGB24 frame (limited-range luma -> RGB). */
export function frameNumberOf(rgb: Buffer): number {
  const center = Math.floor(rgb.length / 6) * 3;
  return Math.round((rgb[center] ?? 0) / ((4 * 255) / 219));
}

/** Mean of each RGB channel. */
export function meanRgb(rgb: Buffer): [number, number, number] {
  const sums = [0, 0, 0];
  for (let i = 0; i < rgb.length; i += 3) {
    sums[0]! += rgb[i]!;
    sums[1]! += rgb[i + 1]!;
    sums[2]! += rgb[i + 2]!;
  }
  const pixels = rgb.length / 3;
  return [sums[0]! / pixels, sums[1]! / pixels, sums[2]! / pixels];
}

/** Mean absolute difference between two equally sized buffers. */
export function meanAbsDiff(a: Buffer, b: Buffer): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}
