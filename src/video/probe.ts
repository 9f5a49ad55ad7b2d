import { open, stat } from 'node:fs/promises';

import { isAnimatedWebp, probeAnimatedWebp } from './animated-webp.js';
import { FfmpegAdapter } from './ffmpeg-adapter.js';
import type { ResolveBinariesOptions } from './ffmpeg-binaries.js';
import type { MediaInfo } from './media-info.js';
import { parseFfprobeOutput } from './parse-ffprobe-output.js';
import { readExifOrientation, withExifOrientation } from './still-orientation.js';
import { VideoError } from './video-error.js';

export interface ProbeOptions {
  /** Adapter to use; default: one created from `binaries` (or default resolution). */
  adapter?: FfmpegAdapter | undefined;
  /** Binary resolution options, used only when no adapter is given. */
  binaries?: ResolveBinariesOptions | undefined;
  signal?: AbortSignal | undefined;
  /** Kill ffprobe after this long. Default 30 s. */
  timeoutMs?: number | undefined;
}

/**
 * Checks the file, runs ffprobe and returns its MediaInfo. A still image's EXIF orientation is applied
 * (still-orientation.ts); an animated WebP, which ffmpeg cannot decode, is described from sharp's
 * metadata instead (animated-webp.ts: its frames are then decoded by sharp).
 * @throws VideoError 'FILE_NOT_FOUND' | 'PERMISSION_DENIED' | 'NOT_A_FILE' | 'EMPTY_FILE' |
 *   'UNREADABLE_MEDIA' (reason = ffprobe's last stderr line) | 'NO_VIDEO_STREAM' | 'TIMEOUT' |
 *   'ABORTED' | 'FFPROBE_NOT_FOUND'
 */
export async function probeMedia(filePath: string, options: ProbeOptions = {}): Promise<MediaInfo> {
  await assertReadableMediaFile(filePath);
  if (await isAnimatedWebp(filePath)) return probeAnimatedWebp(filePath, (await stat(filePath)).size);
  const adapter = options.adapter ?? (await FfmpegAdapter.create(options.binaries));
  const json = await adapter.probeJson(filePath, { signal: options.signal, timeoutMs: options.timeoutMs });
  const media = parseFfprobeOutput(json, filePath);
  return media.isStillImage ? withExifOrientation(media, await readExifOrientation(filePath)) : media;
}

/**
 * Filesystem checks done before ffprobe so the common failures get precise codes.
 * @throws VideoError 'FILE_NOT_FOUND' | 'PERMISSION_DENIED' | 'NOT_A_FILE' | 'EMPTY_FILE'
 */
export async function assertReadableMediaFile(filePath: string): Promise<void> {
  let size: number;
  try {
    const info = await stat(filePath);
    if (!info.isFile()) {
      throw new VideoError('NOT_A_FILE', `${filePath}: not a regular file`, { filePath, reason: info.isDirectory() ? 'is a directory' : 'not a regular file' });
    }
    size = info.size;
    const handle = await open(filePath, 'r');
    await handle.close();
  } catch (error) {
    if (error instanceof VideoError) throw error;
    throw fileSystemError(error, filePath);
  }
  if (size === 0) throw new VideoError('EMPTY_FILE', `${filePath}: file is empty (0 bytes)`, { filePath, reason: 'file is empty' });
}

function fileSystemError(error: unknown, filePath: string): VideoError {
  const errno = (error as NodeJS.ErrnoException | null)?.code;
  if (errno === 'ENOENT' || errno === 'ENOTDIR') {
    return new VideoError('FILE_NOT_FOUND', `${filePath}: no such file`, { filePath, reason: 'no such file', cause: error });
  }
  if (errno === 'EACCES' || errno === 'EPERM') {
    return new VideoError('PERMISSION_DENIED', `${filePath}: permission denied`, { filePath, reason: 'permission denied', cause: error });
  }
  if (errno === 'EISDIR') {
    return new VideoError('NOT_A_FILE', `${filePath}: is a directory`, { filePath, reason: 'is a directory', cause: error });
  }
  const reason = errno ?? (error instanceof Error ? error.message : String(error));
  return new VideoError('UNREADABLE_MEDIA', `${filePath}: cannot open (${reason})`, { filePath, reason, cause: error });
}
