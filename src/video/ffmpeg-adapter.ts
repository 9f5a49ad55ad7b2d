/**
 * FfmpegAdapter: the facade through which everything else in src/video talks to ffmpeg/ffprobe
 * (probe JSON, key frame and seek-start times, raw RGB24 frames). It only composes the parts:
 * - ffmpeg-args.ts: the argument lists and filter chains (pure),
 * - ffmpeg-runner.ts: spawning, pipes, timeouts, abort/kill, exit and spawn errors,
 * - ffmpeg-log-parser.ts: ffmpeg's stderr (showinfo pts, error lines) and ffprobe's listings.
 * This module re-exports the request types and argument builders it used to hold.
 *
 * fluent-ffmpeg is deliberately not used: it is archived upstream and gets in the way of what
 * this layer needs (raw rgb24 piping with backpressure, parsing `showinfo` from stderr while
 * stdout streams, exact argument order for input seeking, AbortSignal-driven kills). The
 * binaries are spawned with node:child_process directly (never through a shell).
 */
import {
  buildPacketAtTimesArgs,
  buildPacketListArgs,
  buildProbeJsonArgs,
  buildRawFramesArgs,
  MAX_INTERVALS_PER_PROBE,
  type RawFramesRequest,
} from './ffmpeg-args.js';
import { resolveFfmpegBinaries, type BinarySource, type FfmpegBinaries, type ResolveBinariesOptions } from './ffmpeg-binaries.js';
import { FfmpegLogParser, lastMeaningfulLine, parseKeyframeTimes, parsePacketPtsList, toContainerTime } from './ffmpeg-log-parser.js';
import { abortedError, FixedSizeRecords, runCaptured, spawnFailure, spawnStreaming, throwIfAborted, type CapturedRun } from './ffmpeg-runner.js';
import { VideoError } from './video-error.js';

export { buildFilterChain, buildRawFramesArgs, formatSeconds, toInputUrl, type FramePick, type RawFramesRequest } from './ffmpeg-args.js';

export interface RawFrame {
  /** Packed RGB24, outputWidth * outputHeight * 3 bytes. Owned by the consumer. */
  data: Buffer;
  /**
   * Presentation time in seconds relative to the seek point (the `t` a select expression sees), or
   * null if ffmpeg did not report it.
   */
  ptsSec: number | null;
  /** Presentation time in seconds from the container start (seek offset added back, to the tick). */
  timeSec: number | null;
}

export interface ProbeRunOptions {
  signal?: AbortSignal | undefined;
  /** Kill ffprobe after this long. Default 30 s. */
  timeoutMs?: number | undefined;
}

const DEFAULT_PROBE_TIMEOUT_MS = 30_000;
/** ffmpeg's -ss seeks this much earlier when a stream has B-frames (3 * AV_TIME_BASE / 23). */
const FFMPEG_SEEK_DTS_BACKOFF_SEC = 0.130434;

/** One binary as a report records it: where it is, how it was found, what it says its version is. */
export interface BinaryInfo {
  path: string;
  source: BinarySource;
  /** The word after "version" in `-version`'s first line (e.g. "6.1.1-3", "N-47683-g0e8eb07980-static"); null if it printed none. */
  version: string | null;
}

/** The ffmpeg build that @ffmpeg-installer ships (N-47683, 2018): it parses untrusted media with 2018's bugs. */
export const BUNDLED_FFMPEG_NOTE =
  'the bundled ffmpeg (from @ffmpeg-installer, a 2018 static build) decodes untrusted media; install a maintained ffmpeg (e.g. apt install ffmpeg) or set FFMPEG_PATH / --ffmpeg-path';

export class FfmpegAdapter {
  readonly binaries: FfmpegBinaries;
  private versionsRead: Promise<{ ffmpeg: BinaryInfo; ffprobe: BinaryInfo }> | undefined;

  constructor(binaries: FfmpegBinaries) {
    this.binaries = binaries;
  }

  /** The two binaries with their versions (`-version`, run once per adapter). */
  describe(): Promise<{ ffmpeg: BinaryInfo; ffprobe: BinaryInfo }> {
    this.versionsRead ??= (async () => {
      const versionOf = async (binary: string): Promise<string | null> => {
        try {
          const run = await runCaptured(binary, ['-hide_banner', '-version'], { filePath: binary, label: 'version', timeoutMs: 10_000 });
          return parseVersionLine(run.stdout.toString());
        } catch {
          return null;
        }
      };
      const [ffmpegVersion, ffprobeVersion] = await Promise.all([versionOf(this.binaries.ffmpeg.path), versionOf(this.binaries.ffprobe.path)]);
      return {
        ffmpeg: { ...this.binaries.ffmpeg, version: ffmpegVersion },
        ffprobe: { ...this.binaries.ffprobe, version: ffprobeVersion },
      };
    })();
    return this.versionsRead;
  }

  /** Resolves the binaries (see resolveFfmpegBinaries) and returns an adapter using them. */
  static async create(options: ResolveBinariesOptions = {}): Promise<FfmpegAdapter> {
    return new FfmpegAdapter(await resolveFfmpegBinaries(options));
  }

  /**
   * Runs `ffprobe -print_format json -show_format -show_streams` and returns the parsed JSON.
   * @throws VideoError 'UNREADABLE_MEDIA' (reason = ffprobe's last stderr line), 'TIMEOUT', 'ABORTED'
   */
  async probeJson(filePath: string, options: ProbeRunOptions = {}): Promise<unknown> {
    const result = await this.runFfprobe(buildProbeJsonArgs(filePath), filePath, options);
    if (result.exitCode !== 0) {
      const reason = lastMeaningfulLine(result.stderr, filePath) ?? `ffprobe exited with code ${String(result.exitCode)}`;
      throw new VideoError('UNREADABLE_MEDIA', `${filePath}: not readable as media (${reason})`, { filePath, reason });
    }
    try {
      return JSON.parse(result.stdout) as unknown;
    } catch (error) {
      throw new VideoError('UNREADABLE_MEDIA', `${filePath}: ffprobe printed invalid JSON`, { filePath, reason: 'invalid ffprobe JSON', cause: error });
    }
  }

  /**
   * For each accurate-seek position (`-ss`, seconds from the container start), the pts in seconds
   * (container timeline) of the key frame ffmpeg starts decoding from, or null when unknown.
   * Mirrors ffmpeg's seek: for streams with B-frames ffmpeg seeks to position - 3/23 s (its
   * "dts heuristic"), so the lookup is done there; for other streams that is a conservative
   * (earlier or equal) estimate. Uses `ffprobe -read_intervals T%+#1`: demux only, no decoding.
   */
  async seekStartTimesSec(filePath: string, streamIndex: number, seekPositionsSec: readonly number[], options: ProbeRunOptions = {}): Promise<(number | null)[]> {
    const timesSec = seekPositionsSec.map((t) => t - FFMPEG_SEEK_DTS_BACKOFF_SEC);
    const result: (number | null)[] = [];
    for (let start = 0; start < timesSec.length; start += MAX_INTERVALS_PER_PROBE) {
      const chunk = timesSec.slice(start, start + MAX_INTERVALS_PER_PROBE);
      let listing: string | null = null;
      try {
        const run = await this.runFfprobe(buildPacketAtTimesArgs(filePath, streamIndex, chunk), filePath, options);
        if (run.exitCode === 0) listing = run.stdout;
      } catch (error) {
        if (error instanceof VideoError && (error.code === 'ABORTED' || error.code === 'FFPROBE_NOT_FOUND')) throw error;
      }
      result.push(...parsePacketPtsList(listing, chunk.length));
    }
    return result;
  }

  /**
   * The pts (seconds, container timeline) of every key frame of a stream, ascending, from its packets'
   * K flags (`ffprobe -show_entries packet=pts_time,flags`: demux only, no decoding). null when ffprobe
   * cannot list them (the caller then decodes exact frames).
   */
  async keyframeTimesSec(filePath: string, streamIndex: number, options: ProbeRunOptions = {}): Promise<number[] | null> {
    let run: CapturedRun;
    try {
      run = await this.runFfprobe(buildPacketListArgs(filePath, streamIndex), filePath, options);
    } catch (error) {
      if (error instanceof VideoError && (error.code === 'ABORTED' || error.code === 'FFPROBE_NOT_FOUND')) throw error;
      return null;
    }
    if (run.exitCode !== 0) return null;
    return parseKeyframeTimes(run.stdout);
  }

  /**
   * Decodes frames and yields them as packed RGB24 through a pipe (no temporary files).
   * Memory stays bounded: ffmpeg blocks on the pipe until the consumer asks for the next frame.
   * Breaking out of the loop or aborting kills ffmpeg.
   * @throws VideoError 'FRAME_READ_FAILED' (reason = ffmpeg's last error line), 'ABORTED', 'FFMPEG_NOT_FOUND'
   */
  async *readRawFrames(request: RawFramesRequest): AsyncGenerator<RawFrame, void, undefined> {
    const { filePath, signal } = request;
    const frameBytes = request.outputWidth * request.outputHeight * 3;
    if (!Number.isInteger(frameBytes) || frameBytes <= 0) {
      throw new VideoError('BAD_SAMPLING', `invalid output size ${request.outputWidth}x${request.outputHeight}`, { filePath });
    }
    throwIfAborted(signal, filePath);

    const binary = this.binaries.ffmpeg.path;
    const log = new FfmpegLogParser();
    const child = spawnStreaming(binary, buildRawFramesArgs(request), {
      signal,
      onStderr: (text) => log.push(text),
      onStderrEnd: () => log.end(),
    });
    const frames = new FixedSizeRecords(child.stdout, frameBytes);

    try {
      let emitted = 0;
      for await (const data of frames) {
        const pts = await log.ptsFor(emitted);
        throwIfAborted(signal, filePath);
        const frame: RawFrame = { data, ptsSec: pts?.seconds ?? null, timeSec: pts === undefined ? null : toContainerTime(pts, request) };
        emitted++;
        yield frame;
        throwIfAborted(signal, filePath);
      }
      const exit = await child.exit;
      throwIfAborted(signal, filePath);
      if (child.spawnError !== null) throw spawnFailure(child.spawnError, binary, filePath);
      if (exit.code !== 0) {
        const reason = log.lastError(filePath) ?? `ffmpeg exited with ${exit.signal ?? `code ${String(exit.code)}`}`;
        throw new VideoError('FRAME_READ_FAILED', `${filePath}: could not decode frames (${reason})`, { filePath, reason });
      }
      if (frames.partialBytes > 0) {
        const reason = `ffmpeg output ended inside a frame (${frames.partialBytes} of ${frameBytes} bytes)`;
        throw new VideoError('FRAME_READ_FAILED', `${filePath}: could not decode frames (${reason})`, { filePath, reason });
      }
    } catch (error) {
      if (signal?.aborted === true) throw abortedError(signal, filePath);
      if (child.spawnError !== null) throw spawnFailure(child.spawnError, binary, filePath);
      throw error;
    } finally {
      child.dispose();
      const decodeErrors = log.decodeErrors();
      if (decodeErrors.count > 0 && signal?.aborted !== true) request.onDecodeErrors?.(decodeErrors);
    }
  }

  private async runFfprobe(args: string[], filePath: string, options: ProbeRunOptions): Promise<CapturedRun> {
    try {
      return await runCaptured(this.binaries.ffprobe.path, args, {
        filePath,
        label: 'ffprobe',
        signal: options.signal,
        timeoutMs: options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS,
      });
    } catch (error) {
      if (error instanceof VideoError) throw error;
      throw spawnFailure(error as Error, this.binaries.ffprobe.path, filePath, 'FFPROBE_NOT_FOUND');
    }
  }
}

/** The version word of `ffmpeg -version` / `ffprobe -version` output ("ffmpeg version 6.1.1-3 Copyright ..."). */
export function parseVersionLine(output: string): string | null {
  const match = /^\S+ version (\S+)/m.exec(output);
  return match?.[1] ?? null;
}
