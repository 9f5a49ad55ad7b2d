/**
 * Animated WebP, which ffmpeg cannot decode: its webp decoder reads single images only (up to at least 7.0;
 * ffprobe reports a 0x0 stream for an animation), so without this an animated WebP is UNREADABLE_MEDIA.
 * Such a file is recognised by its header (a VP8X chunk with the animation flag), described from sharp's
 * metadata (frame count, per-frame delays), and its frames are decoded by libvips through sharp, one at a
 * time and composited as a player shows them, so memory stays at about one frame.
 */
import { open } from 'node:fs/promises';
import sharp, { type Metadata } from 'sharp';
import type { MediaInfo } from './media-info.js';
import { VideoError } from './video-error.js';

/** Browsers show frames whose delay is this or less (often 0, "as fast as possible") for 100 ms. */
const MIN_DELAY_MS = 10;
const DEFAULT_DELAY_MS = 100;

/** True when the file starts as an animated WebP: RIFF....WEBP, then a VP8X chunk whose flags have the animation bit. */
export async function isAnimatedWebp(filePath: string): Promise<boolean> {
  const handle = await open(filePath, 'r');
  try {
    const head = Buffer.alloc(21);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return (
      bytesRead === head.length &&
      head.toString('latin1', 0, 4) === 'RIFF' &&
      head.toString('latin1', 8, 16) === 'WEBPVP8X' &&
      (head[20]! & 0x02) !== 0
    );
  } finally {
    await handle.close();
  }
}

/** The frames' start times (ms, first 0) and the total duration for per-frame delays as sharp reports them. */
export function frameTimeline(delaysMs: readonly number[], frameCount: number): { frameStartsMs: number[]; durationMs: number } {
  const frameStartsMs: number[] = [];
  let t = 0;
  for (let i = 0; i < frameCount; i++) {
    frameStartsMs.push(t);
    const delay = delaysMs[i];
    t += delay === undefined || !Number.isFinite(delay) || delay <= MIN_DELAY_MS ? DEFAULT_DELAY_MS : delay;
  }
  return { frameStartsMs, durationMs: t };
}

/** The index of the frame on screen at `timeMs` (the last frame that starts at or before it; 0 before the first). */
export function frameIndexAt(frameStartsMs: readonly number[], timeMs: number): number {
  let lo = 0;
  let hi = frameStartsMs.length - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (frameStartsMs[mid]! <= timeMs + 0.0005) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * MediaInfo of an animated WebP (see isAnimatedWebp), from sharp's metadata: never ffprobe.
 * @throws VideoError UNREADABLE_MEDIA when libvips cannot read it.
 */
export async function probeAnimatedWebp(filePath: string, sizeBytes: number | null): Promise<MediaInfo> {
  let meta: Metadata;
  try {
    meta = await sharp(filePath, { pages: -1 }).metadata();
  } catch (cause) {
    throw unreadable(filePath, cause);
  }
  const frameCount = meta.pages ?? 1;
  const width = meta.width;
  const height = meta.pageHeight ?? meta.height;
  if (width === undefined || height === undefined || width <= 0 || height <= 0) {
    throw new VideoError('UNREADABLE_MEDIA', `${filePath}: animated WebP has no frame size`, { filePath, reason: 'animated WebP has no frame size' });
  }
  const delays = Array.isArray(meta.delay) ? meta.delay : [];
  const { frameStartsMs, durationMs } = frameTimeline(delays, frameCount);
  const steps = frameStartsMs.map((start, i) => (frameStartsMs[i + 1] ?? durationMs) - start);
  const frameRate = (frameCount * 1000) / durationMs;
  return {
    filePath,
    formatName: 'webp',
    formatLongName: 'animated WebP (frames decoded by libvips through sharp)',
    durationMs,
    startTimeMs: 0,
    sizeBytes,
    bitRate: null,
    video: {
      index: 0,
      codec: 'webp',
      profile: null,
      width,
      height,
      displayWidth: width,
      displayHeight: height,
      rotationDeg: 0,
      sampleAspectRatio: null,
      pixelFormat: meta.hasAlpha === true ? 'rgba' : 'rgb24',
      bitDepth: 8,
      isHdr: false,
      colorTransfer: null,
      colorPrimaries: null,
      colorSpace: null,
      colorRange: null,
      avgFrameRate: { num: frameCount * 1000, den: durationMs },
      realFrameRate: null,
      frameRate,
      frameCount,
      isVariableFrameRate: steps.some((s) => s !== steps[0]),
      durationMs,
      startTimeMs: 0,
      timeBase: { num: 1, den: 1000 },
    },
    videoStreamCount: 1,
    hasAudio: false,
    isStillImage: false,
    formatTags: {},
    animatedImage: { frameStartsMs },
  };
}

/**
 * Frame `index` of an animated WebP as displayed (composited onto the canvas), RGB24 at width x height
 * (alpha flattened onto black).
 * @throws VideoError FRAME_READ_FAILED when libvips cannot decode it.
 */
export async function decodeAnimatedWebpFrame(filePath: string, index: number, width: number, height: number): Promise<Buffer> {
  try {
    const { data, info } = await sharp(filePath, { page: index, pages: 1, failOn: 'error' })
      .resize(width, height, { fit: 'fill' })
      .flatten({ background: { r: 0, g: 0, b: 0 } })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 || data.length !== width * height * 3) throw new Error(`decoded to ${info.width}x${info.height}x${info.channels}`);
    return data;
  } catch (cause) {
    const reason = (cause instanceof Error ? cause.message : String(cause)).split('\n')[0]!.trim();
    throw new VideoError('FRAME_READ_FAILED', `${filePath}: cannot decode frame ${index} of the animated WebP (${reason})`, { filePath, reason, cause });
  }
}

function unreadable(filePath: string, cause: unknown): VideoError {
  const reason = (cause instanceof Error ? cause.message : String(cause)).split('\n')[0]!.trim();
  return new VideoError('UNREADABLE_MEDIA', `${filePath}: cannot read the animated WebP (${reason})`, { filePath, reason, cause });
}
