import { stat } from 'node:fs/promises';
import type { FfmpegAdapter } from './ffmpeg-adapter.js';
import { readFrames, type DecodeMode, type FrameReaderWarning, type VideoFrame } from './frame-reader.js';
import type { MediaInfo } from './media-info.js';
import { probeMedia } from './probe.js';
import type { SamplingSpec } from './sample-times.js';
import { readAhead } from '../util/read-ahead.js';

/** Which frames of a file to decode (the frame reader's options that travel to a decoder). */
export interface FrameRequest {
  sampling: SamplingSpec;
  startMs?: number | undefined;
  endMs?: number | undefined;
  maxFrames?: number | undefined;
  maxSidePx?: number | undefined;
  /** count / every sampling: exact frames, or nearest key frames where each sample has its own (readFrames). */
  decode?: DecodeMode | undefined;
}

export interface ProbedMedia {
  media: MediaInfo;
  /** How long ffprobe took. */
  probeMs: number;
  sizeBytes: number;
}

/**
 * A file whose probing and decoding have started. Frames may be decoded
 * ahead of the consumer, up to a bound; close() stops everything and frees
 * what was decoded but not taken.
 */
export interface OpenedMedia {
  readonly path: string;
  /** Rejects with the probe's error (VideoError codes: FILE_NOT_FOUND, EMPTY_FILE, UNREADABLE_MEDIA...). */
  readonly probed: Promise<ProbedMedia>;
  /** The sampled frames, in order, each once (call once). Throws the decoder's error. */
  frames(): AsyncGenerator<VideoFrame, void, undefined>;
  /** Receives the reader's warnings (also those that arrived before this call): damage, duplicate samples. */
  onWarning(listener: (warning: FrameReaderWarning) => void): void;
  close(): void;
}

/** Starts probing and decoding files: in this thread, or in a decoder thread (DecodePool). */
export interface MediaOpener {
  open(path: string, request: FrameRequest, options?: { signal?: AbortSignal | undefined }): OpenedMedia;
}

/** Holds warnings until someone listens, then forwards them. */
export class WarningRelay {
  private buffered: FrameReaderWarning[] = [];
  private listener: ((warning: FrameReaderWarning) => void) | null = null;

  push(warning: FrameReaderWarning): void {
    if (this.listener === null) this.buffered.push(warning);
    else this.listener(warning);
  }

  listen(listener: (warning: FrameReaderWarning) => void): void {
    this.listener = listener;
    const buffered = this.buffered;
    this.buffered = [];
    for (const warning of buffered) listener(warning);
  }
}

/**
 * Probes and decodes in this thread: the next frame is decoded while the
 * current one is used (one frame ahead), but only while this thread's event
 * loop turns, so long synchronous work (inference) stalls it. DecodePool
 * decodes in a thread of its own.
 */
export function inProcessOpener(adapter: FfmpegAdapter): MediaOpener {
  return {
    open(path, request, options = {}) {
      const controller = new AbortController();
      const outer = options.signal;
      const forward = (): void => controller.abort(outer?.reason);
      if (outer?.aborted === true) forward();
      else outer?.addEventListener('abort', forward, { once: true });
      const signal = controller.signal;
      const warnings = new WarningRelay();
      const probed = (async (): Promise<ProbedMedia> => {
        const started = performance.now();
        const media = await probeMedia(path, { adapter, signal });
        const probeMs = performance.now() - started;
        return { media, probeMs, sizeBytes: (await stat(path)).size };
      })();
      probed.catch(() => undefined); // observed by the consumer
      return {
        path,
        probed,
        async *frames() {
          const { media } = await probed;
          yield* readAhead(
            readFrames(path, { ...request, mediaInfo: media, adapter, signal, onWarning: (w) => warnings.push(w) }),
            1,
          );
        },
        onWarning: (listener) => warnings.listen(listener),
        close() {
          outer?.removeEventListener('abort', forward);
          controller.abort();
        },
      };
    },
  };
}
