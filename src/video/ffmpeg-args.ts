/**
 * The ffmpeg/ffprobe argument lists: pure functions from a request to an argument array (no process,
 * no I/O), plus the -vf filter chain and the number/path formatting they share. FfmpegAdapter
 * (ffmpeg-adapter.ts) runs them through ffmpeg-runner.ts.
 */
import path from 'node:path';

import type { RotationDeg } from './media-info.js';
import type { Rational } from './rational.js';

/** Which decoded frames a raw-frame read emits. Times are seconds relative to the seek point. */
export type FramePick =
  /** every decoded frame */
  | { kind: 'all' }
  /** only key frames; non-key frames are not even decoded (`-skip_frame nokey`) */
  | { kind: 'keyframes' }
  /**
   * Constant-rate resampling with ffmpeg's fps filter, rounding up: output k (time k / fps after
   * the seek point + shiftSec) is the last frame whose time is <= that. Timestamps are shifted
   * back by shiftSec first (setpts) so the grid can be placed anywhere.
   */
  | { kind: 'fps'; fps: number; shiftSec?: number | undefined }
  /**
   * For each threshold (ascending, seconds relative to the seek point): the first frame whose
   * time is >= the threshold. A frame that satisfies several thresholds is emitted once.
   */
  | { kind: 'first-at-or-after'; thresholdsSec: readonly number[] }
  /**
   * Key frames only (`-skip_frame nokey`: non-key frames are not decoded), and of those only the ones
   * whose time (seconds relative to the seek point) is within 1 ms of one of `timesSec`.
   */
  | { kind: 'keyframes-at'; timesSec: readonly number[] };

export interface RawFramesRequest {
  filePath: string;
  /** Absolute stream index (`-map 0:<index>`). */
  streamIndex: number;
  /** Accurate input seek (`-ss` before `-i`), seconds from the container start. 0/undefined = none. */
  seekSec?: number | undefined;
  /** Stop reading the input after this many seconds past the seek point (`-t` before `-i`). */
  readDurationSec?: number | undefined;
  pick: FramePick;
  /** Clockwise rotation to apply (autorotation is disabled and done explicitly). */
  rotationDeg: RotationDeg;
  /** Mirror (left to right) before rotating: EXIF orientations 2, 4, 5, 7 (VideoStreamInfo.mirrored). */
  mirror?: boolean | undefined;
  /** Output frame size after rotation. Every emitted frame has exactly this size. */
  outputWidth: number;
  outputHeight: number;
  /** Tone-map PQ/HLG to SDR BT.709 (needs ffmpeg built with zscale/libzimg). */
  tonemapHdr?: boolean | undefined;
  /** Stop after this many emitted frames (`-frames:v`). */
  maxFrames?: number | undefined;
  /** The stream's time_base; lets RawFrame.timeSec be exact to the tick. */
  streamTimeBase?: Rational | null | undefined;
  /** The container's start_time in seconds (0 when unknown). */
  containerStartSec?: number | undefined;
  signal?: AbortSignal | undefined;
  /**
   * Told, when the process ends, that the decoder reported errors about the data (FfmpegLogParser
   * decodeErrors): damaged media whose frames ffmpeg concealed.
   */
  onDecodeErrors?: ((errors: { count: number; first: string | null }) => void) | undefined;
}

/** Keep read_intervals arguments well under Linux's 128 KiB per-argument limit. */
export const MAX_INTERVALS_PER_PROBE = 2000;

/**
 * The demuxers ldf lets ffmpeg and ffprobe use on an input: containers and image formats that hold their
 * media in the file itself. Playlists and references (hls, dash, concat, ffconcat, tee, image sequences
 * expanded from a pattern...) are refused, since they make ffmpeg open other files or the network: a
 * playlist named .mp4 must not read a file the user did not give. Names are ffmpeg's demuxer names;
 * entries a build lacks are ignored.
 */
export const INPUT_DEMUXERS = [
  'mov', 'mp4', 'm4a', '3gp', '3g2', 'mj2', 'matroska', 'webm', 'avi', 'flv', 'asf', 'ogg', 'mxf', 'nut', 'dv',
  'mpegts', 'mpeg', 'mpegvideo', 'm4v', 'h264', 'hevc', 'ivf', 'yuv4mpegpipe', 'mjpeg',
  'gif', 'apng', 'image2', 'image2pipe', 'jpeg_pipe', 'png_pipe', 'webp_pipe', 'bmp_pipe', 'tiff_pipe', 'gif_pipe', 'webp',
  // Audio-only files are read far enough to say they have no video stream (NO_VIDEO_STREAM).
  'mp3', 'wav', 'aac', 'flac',
] as const;

/**
 * Input options for every ffmpeg and ffprobe run on a user's file: only the `file` protocol (no network,
 * no pipes, no subprocess) and only INPUT_DEMUXERS. Placed before the input.
 */
export function inputSafetyArgs(): string[] {
  return ['-protocol_whitelist', 'file', '-format_whitelist', INPUT_DEMUXERS.join(',')];
}

/**
 * The ffmpeg argument list for a raw-frame read.
 * Layout: global options, input options (seek/skip/autorotate), input, output options.
 */
export function buildRawFramesArgs(request: RawFramesRequest): string[] {
  const input: string[] = [];
  if (request.pick.kind === 'keyframes' || request.pick.kind === 'keyframes-at') input.push('-skip_frame', 'nokey');
  if (request.seekSec !== undefined && request.seekSec > 0) input.push('-ss', formatSeconds(request.seekSec));
  if (request.readDurationSec !== undefined && Number.isFinite(request.readDurationSec)) {
    input.push('-t', formatSeconds(Math.max(request.readDurationSec, 0.000001)));
  }
  // Rotation is applied explicitly below so it does not depend on the ffmpeg build's autorotate.
  input.push('-noautorotate');

  const output = ['-map', `0:${request.streamIndex}`, '-vf', buildFilterChain(request), '-vsync', 'passthrough'];
  if (request.maxFrames !== undefined) output.push('-frames:v', String(request.maxFrames));
  output.push('-an', '-sn', '-dn', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1');

  return ['-nostdin', '-hide_banner', '-nostats', '-loglevel', 'level+info', ...input, ...inputSafetyArgs(), '-i', toInputUrl(request.filePath), ...output];
}

/** The -vf chain: pick frames, tone-map, scale + convert, mirror, rotate, report pts (showinfo). */
export function buildFilterChain(request: Pick<RawFramesRequest, 'pick' | 'rotationDeg' | 'mirror' | 'outputWidth' | 'outputHeight' | 'tonemapHdr'>): string {
  const filters: string[] = [];
  const { pick } = request;
  if (pick.kind === 'keyframes') {
    // skip_frame is only a hint some decoders ignore; select guarantees key frames only.
    filters.push("select='eq(key\\,1)'");
  } else if (pick.kind === 'fps') {
    if (pick.shiftSec !== undefined && pick.shiftSec !== 0) filters.push(`setpts=PTS-${formatSeconds(pick.shiftSec)}/TB`);
    filters.push(`fps=fps=${formatNumber(pick.fps)}:round=up:start_time=0`);
  } else if (pick.kind === 'keyframes-at') {
    const terms = pick.timesSec.map((t) => `lt(abs(t-${formatSeconds(t)})\,0.001)`);
    filters.push(`select='eq(key\,1)*(${terms.join('+') || '0'})'`);
  } else if (pick.kind === 'first-at-or-after') {
    // prev_t is NaN for the first frame; not(gte(NaN, x)) = 1, so the first frame can match.
    const terms = pick.thresholdsSec.map((t) => {
      const x = formatSeconds(t);
      return `gte(t\\,${x})*not(gte(prev_t\\,${x}))`;
    });
    filters.push(`select='${terms.join('+') || '0'}'`);
  }
  if (request.tonemapHdr === true) {
    filters.push(
      'zscale=t=linear:npl=100',
      'format=gbrpf32le',
      'zscale=p=bt709',
      'tonemap=tonemap=hable:desat=0',
      'zscale=t=bt709:m=bt709:r=tv',
      'format=yuv420p',
    );
  }
  const swap = request.rotationDeg === 90 || request.rotationDeg === 270;
  const scaleWidth = swap ? request.outputHeight : request.outputWidth;
  const scaleHeight = swap ? request.outputWidth : request.outputHeight;
  // An explicit scale keeps the rgb24 conversion after `select` (otherwise filter negotiation
  // may convert every decoded frame) and pins every output frame to the planned size.
  filters.push(`scale=w=${scaleWidth}:h=${scaleHeight}`, 'format=rgb24');
  if (request.mirror === true) filters.push('hflip');
  if (request.rotationDeg === 90) filters.push('transpose=clock');
  else if (request.rotationDeg === 270) filters.push('transpose=cclock');
  else if (request.rotationDeg === 180) filters.push('hflip', 'vflip');
  filters.push('showinfo');
  return filters.join(',');
}

/** `ffprobe -print_format json -show_format -show_streams` of one file. */
export function buildProbeJsonArgs(filePath: string): string[] {
  return ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', ...inputSafetyArgs(), toInputUrl(filePath)];
}

/**
 * ffprobe listing, as JSON, the first packet (pts_time, flags) of a stream at or after each time
 * (`-read_intervals T%+#1`, times clamped to >= 0): demux only, no decoding. At most
 * MAX_INTERVALS_PER_PROBE times per call (the caller splits longer lists).
 */
export function buildPacketAtTimesArgs(filePath: string, streamIndex: number, timesSec: readonly number[]): string[] {
  const intervals = timesSec.map((t) => `${formatSeconds(Math.max(0, t))}%+#1`).join(',');
  return [
    '-v', 'error',
    '-select_streams', String(streamIndex),
    '-read_intervals', intervals,
    '-show_entries', 'packet=pts_time,flags',
    '-print_format', 'json',
    ...inputSafetyArgs(),
    toInputUrl(filePath),
  ];
}

/** ffprobe listing every packet of a stream as `pts_time|flags` lines (compact, no keys): demux only. */
export function buildPacketListArgs(filePath: string, streamIndex: number): string[] {
  return ['-v', 'error', '-select_streams', String(streamIndex), '-show_entries', 'packet=pts_time,flags', '-print_format', 'compact=p=0:nk=1', ...inputSafetyArgs(), toInputUrl(filePath)];
}

/**
 * An absolute `file:` URL-ish input so that paths starting with "-", containing ":" or looking like
 * protocols are never misread by ffmpeg.
 */
export function toInputUrl(filePath: string): string {
  return `file:${path.resolve(filePath)}`;
}

/** Seconds with microsecond precision, no exponent ("12.345678"). */
export function formatSeconds(seconds: number): string {
  return (Math.round(seconds * 1_000_000) / 1_000_000).toFixed(6);
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Math.round(value * 1e9) / 1e9);
}
