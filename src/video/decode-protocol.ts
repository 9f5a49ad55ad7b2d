/**
 * Messages between DecodePool (the scanning thread) and its decoder thread
 * (decode-worker.ts). Frames travel as transferred ArrayBuffers (no copy).
 */
import type { FfmpegBinaries } from './ffmpeg-binaries.js';
import type { FrameReaderWarning } from './frame-reader.js';
import type { MediaInfo } from './media-info.js';
import type { FrameRequest } from './media-opener.js';

export interface DecodeWorkerData {
  binaries: FfmpegBinaries;
}

export type ToDecoder =
  /** Probe `path`, then decode its frames, keeping at most maxBufferedBytes of them unacknowledged. */
  | { type: 'open'; id: number; path: string; request: FrameRequest; maxBufferedBytes: number }
  /** The consumer took frames totalling `bytes`: that much more may be sent. */
  | { type: 'credit'; id: number; bytes: number }
  /** Stop decoding this file (kills its ffmpeg). */
  | { type: 'close'; id: number }
  /** Stop everything, then exit. */
  | { type: 'shutdown' };

export interface SerializedError {
  name: string;
  code: string;
  message: string;
  reason?: string | undefined;
}

export interface FrameMessage {
  index: number;
  timestampMs: number;
  requestedTimestampMs: number;
  keyframe?: boolean | undefined;
  width: number;
  height: number;
  data: ArrayBuffer;
}

export type FromDecoder =
  | { type: 'probed'; id: number; media: MediaInfo; probeMs: number; sizeBytes: number }
  | { type: 'frame'; id: number; frame: FrameMessage }
  | { type: 'warning'; id: number; warning: FrameReaderWarning }
  | { type: 'end'; id: number }
  | { type: 'error'; id: number; error: SerializedError };
