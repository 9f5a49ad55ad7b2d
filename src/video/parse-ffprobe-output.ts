import type { MediaInfo, RotationDeg, VideoStreamInfo } from './media-info.js';
import { parseRational, rationalToNumber, type Rational } from './rational.js';
import { VideoError } from './video-error.js';

/** ffprobe demuxers that read a single image (format_name values). */
const STILL_IMAGE_FORMATS = new Set([
  'image2',
  'png_pipe',
  'jpeg_pipe',
  'webp_pipe',
  'bmp_pipe',
  'tiff_pipe',
  'jpegls_pipe',
  'jpegxl_pipe',
  'j2k_pipe',
  'dpx_pipe',
  'exr_pipe',
  'pam_pipe',
  'pbm_pipe',
  'pgm_pipe',
  'ppm_pipe',
  'qoi_pipe',
  'sgi_pipe',
  'psd_pipe',
  'svg_pipe',
  'pictor_pipe',
  'xbm_pipe',
  'xpm_pipe',
  'gem_pipe',
  'pgx_pipe',
  'photocd_pipe',
  'pcx_pipe',
  'hdr_pipe',
]);

/** Image codecs that, without a duration, mean "one picture". */
const STILL_IMAGE_CODECS = new Set(['mjpeg', 'png', 'webp', 'bmp', 'tiff', 'jpeg2000', 'jpegls', 'jpegxl', 'qoi', 'gif']);

const HDR_TRANSFERS = new Set(['smpte2084', 'arib-std-b67']);

/**
 * Turns the JSON printed by `ffprobe -print_format json -show_format -show_streams` into a
 * MediaInfo. Pure: no I/O.
 *
 * @param json the parsed JSON (or its text)
 * @param filePath recorded in MediaInfo and in errors
 * @throws VideoError 'UNREADABLE_MEDIA' when the output has no usable streams/format,
 *   'NO_VIDEO_STREAM' when there is no video stream other than cover art.
 */
export function parseFfprobeOutput(json: unknown, filePath: string): MediaInfo {
  let root: unknown = json;
  if (typeof root === 'string') {
    try {
      root = JSON.parse(root);
    } catch (error) {
      throw new VideoError('UNREADABLE_MEDIA', `${filePath}: ffprobe printed invalid JSON`, { filePath, reason: 'invalid ffprobe JSON', cause: error });
    }
  }
  if (!isRecord(root)) {
    throw new VideoError('UNREADABLE_MEDIA', `${filePath}: ffprobe printed no data`, { filePath, reason: 'no ffprobe data' });
  }
  const format = isRecord(root.format) ? root.format : {};
  const streams = Array.isArray(root.streams) ? root.streams.filter(isRecord) : [];
  if (streams.length === 0) {
    throw new VideoError('UNREADABLE_MEDIA', `${filePath}: no media streams found`, { filePath, reason: 'no media streams found' });
  }

  const videoStreams = streams.filter((s) => s.codec_type === 'video' && !isAttachedPicture(s));
  const hasAudio = streams.some((s) => s.codec_type === 'audio');
  const firstVideo = videoStreams[0];
  if (firstVideo === undefined) {
    const reason = hasAudio ? 'audio only, no video stream' : 'no video stream';
    throw new VideoError('NO_VIDEO_STREAM', `${filePath}: ${reason}`, { filePath, reason });
  }

  const video = parseVideoStream(firstVideo, filePath);
  const formatName = stringOrNull(format.format_name) ?? 'unknown';
  const formatDurationMs = secondsToMs(format.duration);
  const durationMs = formatDurationMs ?? video.durationMs;
  const isStillImage =
    STILL_IMAGE_FORMATS.has(formatName) ||
    (STILL_IMAGE_CODECS.has(video.codec) && (durationMs === null || durationMs === 0) && (video.frameCount === null || video.frameCount <= 1));

  return {
    filePath,
    formatName,
    formatLongName: stringOrNull(format.format_long_name),
    durationMs: isStillImage ? null : durationMs,
    startTimeMs: secondsToMs(format.start_time) ?? 0,
    sizeBytes: integerOrNull(format.size),
    bitRate: integerOrNull(format.bit_rate),
    video,
    videoStreamCount: videoStreams.length,
    hasAudio,
    isStillImage,
    formatTags: stringTags(format.tags),
  };
}

function parseVideoStream(stream: Record<string, unknown>, filePath: string): VideoStreamInfo {
  const width = integerOrNull(stream.width);
  const height = integerOrNull(stream.height);
  if (width === null || height === null || width <= 0 || height <= 0) {
    throw new VideoError('UNREADABLE_MEDIA', `${filePath}: video stream has no frame size`, { filePath, reason: 'video stream has no frame size' });
  }
  const rotationDeg = readRotation(stream);
  const swap = rotationDeg === 90 || rotationDeg === 270;
  const avgFrameRate = positiveRational(stream.avg_frame_rate);
  const realFrameRate = positiveRational(stream.r_frame_rate);
  const pixelFormat = stringOrNull(stream.pix_fmt);
  const colorTransfer = stringOrNull(stream.color_transfer);
  const tags = stringTags(stream.tags);
  const sar = positiveRational(stream.sample_aspect_ratio);

  return {
    index: integerOrNull(stream.index) ?? 0,
    codec: stringOrNull(stream.codec_name) ?? 'unknown',
    profile: stringOrNull(stream.profile),
    width,
    height,
    displayWidth: swap ? height : width,
    displayHeight: swap ? width : height,
    rotationDeg,
    sampleAspectRatio: sar,
    pixelFormat,
    bitDepth: integerOrNull(stream.bits_per_raw_sample) ?? bitDepthFromPixelFormat(pixelFormat),
    isHdr: colorTransfer !== null && HDR_TRANSFERS.has(colorTransfer),
    colorTransfer,
    colorPrimaries: stringOrNull(stream.color_primaries),
    colorSpace: stringOrNull(stream.color_space),
    colorRange: stringOrNull(stream.color_range),
    avgFrameRate,
    realFrameRate,
    frameRate: avgFrameRate !== null ? rationalToNumber(avgFrameRate) : realFrameRate !== null ? rationalToNumber(realFrameRate) : null,
    frameCount: integerOrNull(stream.nb_frames),
    isVariableFrameRate: isVariable(avgFrameRate, realFrameRate),
    durationMs: secondsToMs(stream.duration) ?? matroskaDurationMs(tags.DURATION ?? tags.duration),
    startTimeMs: secondsToMs(stream.start_time),
    timeBase: positiveRational(stream.time_base),
  };
}

function isAttachedPicture(stream: Record<string, unknown>): boolean {
  const disposition = stream.disposition;
  return isRecord(disposition) && Number(disposition.attached_pic) === 1;
}

/** Clockwise display rotation, normalised to a multiple of 90. */
function readRotation(stream: Record<string, unknown>): RotationDeg {
  let clockwise: number | null = null;
  if (Array.isArray(stream.side_data_list)) {
    for (const entry of stream.side_data_list) {
      if (isRecord(entry) && entry.side_data_type === 'Display Matrix') {
        const ccw = numberOrNull(entry.rotation);
        if (ccw !== null) clockwise = -ccw;
        break;
      }
    }
  }
  if (clockwise === null) {
    const tags = stringTags(stream.tags);
    const tag = numberOrNull(tags.rotate);
    if (tag !== null) clockwise = tag;
  }
  if (clockwise === null) return 0;
  const quarterTurns = ((Math.round(clockwise / 90) % 4) + 4) % 4;
  return (quarterTurns * 90) as RotationDeg;
}

/** 10 for yuv420p10le, 12 for gbrp12le, 16 for rgb48le/gray16be, 8 for other known formats. */
function bitDepthFromPixelFormat(pixelFormat: string | null): number | null {
  if (pixelFormat === null) return null;
  const explicit = /p(\d{1,2})(?:le|be)$/.exec(pixelFormat) ?? /^(?:gray|ya)(\d{1,2})(?:le|be)?$/.exec(pixelFormat);
  if (explicit?.[1] !== undefined) return Number(explicit[1]);
  if (/^(?:rgb|bgr)(?:a)?64|^(?:rgb|bgr)48/.test(pixelFormat)) return 16;
  if (/^(?:p010|x2rgb10|x2bgr10|y210|xv30)/.test(pixelFormat)) return 10;
  if (/^(?:p016|p216|p416|y216)/.test(pixelFormat)) return 16;
  if (/^(?:p012|y212|xv36)/.test(pixelFormat)) return 12;
  return 8;
}

function isVariable(avg: Rational | null, real: Rational | null): boolean {
  if (avg === null || real === null) return false;
  const a = rationalToNumber(avg);
  const r = rationalToNumber(real);
  return Math.abs(a - r) > 0.001 * Math.max(a, r);
}

/** Matroska stores per-stream duration as a tag like "00:00:01.000000000". */
function matroskaDurationMs(value: string | undefined): number | null {
  if (value === undefined) return null;
  const match = /^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(value.trim());
  if (match === null) return null;
  const ms = (Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3])) * 1000;
  return Number.isFinite(ms) ? Math.round(ms * 1000) / 1000 : null;
}

function positiveRational(value: unknown): Rational | null {
  const parsed = parseRational(value);
  return parsed !== null && parsed.num > 0 && parsed.den > 0 ? parsed : null;
}

function secondsToMs(value: unknown): number | null {
  const seconds = numberOrNull(value);
  return seconds === null ? null : Math.round(seconds * 1_000_000) / 1000;
}

function numberOrNull(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string' || value.trim() === '') return null;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : null;
}

function integerOrNull(value: unknown): number | null {
  const parsed = numberOrNull(value);
  return parsed !== null && Number.isInteger(parsed) ? parsed : null;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' && value !== 'unknown' && value !== 'N/A' ? value : null;
}

function stringTags(value: unknown): Record<string, string> {
  const tags: Record<string, string> = {};
  if (isRecord(value)) {
    for (const [key, tagValue] of Object.entries(value)) {
      if (typeof tagValue === 'string') tags[key] = tagValue;
    }
  }
  return tags;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
