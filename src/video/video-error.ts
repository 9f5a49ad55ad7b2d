import { CodedError } from '../util/coded-error.js';

/**
 * Stable machine-readable codes for every failure the video layer reports.
 * Callers (CLI, reports) should branch on `code`, never on `message`.
 */
export const VIDEO_ERROR_CODES = [
  /** An ffmpeg binary could not be found (or an explicitly given path does not exist). */
  'FFMPEG_NOT_FOUND',
  /** An ffprobe binary could not be found (or an explicitly given path does not exist). */
  'FFPROBE_NOT_FOUND',
  /** The input file does not exist. */
  'FILE_NOT_FOUND',
  /** The input file exists but cannot be read by this process. */
  'PERMISSION_DENIED',
  /** The input path is not a regular file (directory, device, socket...). */
  'NOT_A_FILE',
  /** The input file has zero bytes. */
  'EMPTY_FILE',
  /** ffprobe/ffmpeg could not make sense of the file (not media, corrupt, truncated). */
  'UNREADABLE_MEDIA',
  /** The file is media but has no video stream (audio only, or only cover art). */
  'NO_VIDEO_STREAM',
  /** ffmpeg failed while decoding frames. */
  'FRAME_READ_FAILED',
  /** A duration string could not be parsed. */
  'BAD_DURATION',
  /** A sampling spec / range / option is invalid (e.g. frames <= 0, end <= start). */
  'BAD_SAMPLING',
  /** The operation was aborted through its AbortSignal. */
  'ABORTED',
  /** A child process ran longer than its time limit. */
  'TIMEOUT',
  /** The decoder thread of a DecodePool failed or exited: every file it was decoding fails with this. */
  'DECODER_FAILED',
  /** A file was opened on, or was still decoding in, a DecodePool that has been closed. */
  'DECODER_CLOSED',
] as const;

export type VideoErrorCode = (typeof VIDEO_ERROR_CODES)[number];

export interface VideoErrorOptions {
  /** The media file the error is about, when there is one. */
  filePath?: string;
  /** One-line human-readable reason (e.g. ffmpeg's last stderr line). */
  reason?: string;
  cause?: unknown;
}

/** The error class of src/video (an unexpected error of a DecodePool's thread comes back as a DecoderThreadError). */
export class VideoError extends CodedError<VideoErrorCode> {
  readonly filePath: string | undefined;
  readonly reason: string | undefined;

  constructor(code: VideoErrorCode, message: string, options: VideoErrorOptions = {}) {
    super(code, message, { cause: options.cause });
    this.filePath = options.filePath;
    this.reason = options.reason;
  }
}

/** Type guard that also narrows to a given code. */
export function isVideoError(error: unknown, code?: VideoErrorCode): error is VideoError {
  return error instanceof VideoError && (code === undefined || error.code === code);
}
