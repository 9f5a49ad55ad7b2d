/**
 * The only module that knows how ffmpeg/ffprobe are invoked (arguments, filter syntax, output
 * parsing). Everything else in src/video talks to FfmpegAdapter.
 *
 * fluent-ffmpeg is deliberately not used: it is archived upstream and gets in the way of what
 * this layer needs (raw rgb24 piping with backpressure, parsing `showinfo` from stderr while
 * stdout streams, exact argument order for input seeking, AbortSignal-driven kills). The
 * binaries are spawned with node:child_process directly (never through a shell).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

import { resolveFfmpegBinaries, type FfmpegBinaries, type ResolveBinariesOptions } from './ffmpeg-binaries.js';
import type { RotationDeg } from './media-info.js';
import type { Rational } from './rational.js';
import { VideoError } from './video-error.js';

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
}

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
/** ffprobe JSON larger than this is not media we want to deal with. */
const MAX_CAPTURED_STDOUT_BYTES = 32 * 1024 * 1024;
/** Keep read_intervals arguments well under Linux's 128 KiB per-argument limit. */
const MAX_INTERVALS_PER_PROBE = 2000;
const STDERR_TAIL_LINES = 40;
/** ffmpeg's -ss seeks this much earlier when a stream has B-frames (3 * AV_TIME_BASE / 23). */
const FFMPEG_SEEK_DTS_BACKOFF_SEC = 0.130434;

export class FfmpegAdapter {
  readonly binaries: FfmpegBinaries;

  constructor(binaries: FfmpegBinaries) {
    this.binaries = binaries;
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
    const args = ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', toInputUrl(filePath)];
    const result = await this.runFfprobe(args, filePath, options);
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
      const intervals = chunk.map((t) => `${formatSeconds(Math.max(0, t))}%+#1`).join(',');
      const args = [
        '-v', 'error',
        '-select_streams', String(streamIndex),
        '-read_intervals', intervals,
        '-show_entries', 'packet=pts_time,flags',
        '-print_format', 'json',
        toInputUrl(filePath),
      ];
      let packets: unknown[] = [];
      try {
        const run = await this.runFfprobe(args, filePath, options);
        const parsed = run.exitCode === 0 ? (JSON.parse(run.stdout) as { packets?: unknown }) : {};
        packets = Array.isArray(parsed.packets) ? parsed.packets : [];
      } catch (error) {
        if (error instanceof VideoError && (error.code === 'ABORTED' || error.code === 'FFPROBE_NOT_FOUND')) throw error;
        packets = [];
      }
      // One packet per interval is expected; if ffprobe disagrees, the mapping is unknowable.
      const aligned = packets.length === chunk.length;
      for (let i = 0; i < chunk.length; i++) {
        const packet = aligned ? packets[i] : undefined;
        const pts = typeof packet === 'object' && packet !== null ? Number((packet as { pts_time?: unknown }).pts_time) : Number.NaN;
        result.push(Number.isFinite(pts) ? pts : null);
      }
    }
    return result;
  }

  /**
   * The pts (seconds, container timeline) of every key frame of a stream, ascending, from its packets'
   * K flags (`ffprobe -show_entries packet=pts_time,flags`: demux only, no decoding). null when ffprobe
   * cannot list them (the caller then decodes exact frames).
   */
  async keyframeTimesSec(filePath: string, streamIndex: number, options: ProbeRunOptions = {}): Promise<number[] | null> {
    const args = ['-v', 'error', '-select_streams', String(streamIndex), '-show_entries', 'packet=pts_time,flags', '-print_format', 'compact=p=0:nk=1', toInputUrl(filePath)];
    let run: CapturedRun;
    try {
      run = await this.runFfprobe(args, filePath, options);
    } catch (error) {
      if (error instanceof VideoError && (error.code === 'ABORTED' || error.code === 'FFPROBE_NOT_FOUND')) throw error;
      return null;
    }
    if (run.exitCode !== 0) return null;
    const times: number[] = [];
    for (const line of run.stdout.split('\n')) {
      const [pts, flags] = line.trim().split('|');
      if (flags === undefined || !flags.includes('K')) continue;
      const t = Number(pts);
      if (Number.isFinite(t)) times.push(t);
    }
    times.sort((a, b) => a - b);
    return times;
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

    const args = buildRawFramesArgs(request);
    const child = spawn(this.binaries.ffmpeg.path, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const log = new FfmpegLogParser();
    let spawnError: Error | null = null;
    const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('error', (error) => {
        spawnError = error;
        log.end();
        resolve({ code: null, signal: null });
      });
      child.once('close', (code, closeSignal) => resolve({ code, signal: closeSignal }));
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => log.push(text));
    child.stderr.once('close', () => log.end());
    const kill = (): void => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    signal?.addEventListener('abort', kill, { once: true });

    try {
      let pending: Buffer | null = null;
      let filled = 0;
      let emitted = 0;
      for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
        let offset = 0;
        while (offset < chunk.length) {
          if (pending === null) {
            pending = Buffer.allocUnsafe(frameBytes);
            filled = 0;
          }
          const count = Math.min(frameBytes - filled, chunk.length - offset);
          chunk.copy(pending, filled, offset, offset + count);
          filled += count;
          offset += count;
          if (filled === frameBytes) {
            const pts = await log.ptsFor(emitted);
            throwIfAborted(signal, filePath);
            const frame: RawFrame = { data: pending, ptsSec: pts?.seconds ?? null, timeSec: pts === undefined ? null : toContainerTime(pts, request) };
            pending = null;
            filled = 0;
            emitted++;
            yield frame;
            throwIfAborted(signal, filePath);
          }
        }
      }
      const exit = await closed;
      throwIfAborted(signal, filePath);
      if (spawnError !== null) throw spawnFailure(spawnError, this.binaries.ffmpeg.path, filePath);
      if (exit.code !== 0) {
        const reason = log.lastError(filePath) ?? `ffmpeg exited with ${exit.signal ?? `code ${String(exit.code)}`}`;
        throw new VideoError('FRAME_READ_FAILED', `${filePath}: could not decode frames (${reason})`, { filePath, reason });
      }
      if (filled > 0) {
        const reason = `ffmpeg output ended inside a frame (${filled} of ${frameBytes} bytes)`;
        throw new VideoError('FRAME_READ_FAILED', `${filePath}: could not decode frames (${reason})`, { filePath, reason });
      }
    } catch (error) {
      if (signal?.aborted === true) throw abortedError(signal, filePath);
      if (spawnError !== null) throw spawnFailure(spawnError, this.binaries.ffmpeg.path, filePath);
      throw error;
    } finally {
      signal?.removeEventListener('abort', kill);
      kill();
      child.stdout.destroy();
      child.stderr.destroy();
    }
  }

  private async runFfprobe(args: string[], filePath: string, options: ProbeRunOptions): Promise<CapturedRun> {
    try {
      return await runCaptured(this.binaries.ffprobe.path, args, filePath, options.signal, options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS);
    } catch (error) {
      if (error instanceof VideoError) throw error;
      throw spawnFailure(error as Error, this.binaries.ffprobe.path, filePath, 'FFPROBE_NOT_FOUND');
    }
  }
}

/**
 * The ffmpeg argument list for a raw-frame read (exported for tests).
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

  return ['-nostdin', '-hide_banner', '-nostats', '-loglevel', 'level+info', ...input, '-i', toInputUrl(request.filePath), ...output];
}

/** The -vf chain: pick frames, tone-map, scale + convert, rotate, report pts (showinfo). */
export function buildFilterChain(request: Pick<RawFramesRequest, 'pick' | 'rotationDeg' | 'outputWidth' | 'outputHeight' | 'tonemapHdr'>): string {
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
  if (request.rotationDeg === 90) filters.push('transpose=clock');
  else if (request.rotationDeg === 270) filters.push('transpose=cclock');
  else if (request.rotationDeg === 180) filters.push('hflip', 'vflip');
  filters.push('showinfo');
  return filters.join(',');
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

interface CapturedRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

function runCaptured(binary: string, args: string[], filePath: string, signal: AbortSignal | undefined, timeoutMs: number): Promise<CapturedRun> {
  return new Promise<CapturedRun>((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(abortedError(signal, filePath));
      return;
    }
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = '';
    let failure: VideoError | null = null;
    const kill = (reason: VideoError): void => {
      failure ??= reason;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    const onAbort = (): void => kill(abortedError(signal, filePath));
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => {
      kill(new VideoError('TIMEOUT', `${filePath}: ffprobe did not finish within ${timeoutMs} ms`, { filePath, reason: 'ffprobe timed out' }));
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > MAX_CAPTURED_STDOUT_BYTES) {
        kill(new VideoError('UNREADABLE_MEDIA', `${filePath}: ffprobe output too large`, { filePath, reason: 'ffprobe output too large' }));
      } else {
        stdout.push(chunk);
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      stderr = (stderr + text).slice(-16_384);
    });
    const finish = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    child.once('error', (error) => {
      finish();
      reject(error);
    });
    child.once('close', (code) => {
      finish();
      if (failure !== null) reject(failure);
      else resolve({ exitCode: code, stdout: Buffer.concat(stdout).toString('utf8'), stderr });
    });
  });
}

/** Error lines that say what is wrong with the input file itself, most specific first. */
const FILE_LEVEL_ERRORS = [/partial file|truncat|moov atom not found|end of file/i, /no such file|permission denied|invalid data found/i];

/** ffmpeg's follow-up messages that only say "something failed earlier". */
const GENERIC_ERROR = [
  /^Conversion failed/i,
  /^Error marking filters as finished/i,
  /^Cannot determine format of input stream/i,
  /^Failed to inject frame into filter network/i,
  /^Error while (?:filtering|processing the decoded data)/i,
  /^Nothing was written into output file/i,
  /^Finishing stream .* without any data/i,
  /^Consider increasing the value/i,
  /^Error splitting the input into NAL units/i,
];

interface ShowinfoPts {
  /** pts * time_base, relative to the seek point. */
  seconds: number;
  ticks: number | null;
  timeBase: Rational | null;
}

/**
 * Seconds from the container start for a frame read after `-ss seekSec`. ffmpeg shifts packet
 * timestamps by -(seek + start_time), rescaled to the stream time base with round-half-away-from-
 * zero (av_rescale_q); undoing exactly that shift gives the frame's true pts to the tick.
 */
function toContainerTime(pts: ShowinfoPts, request: RawFramesRequest): number {
  const seekSec = request.seekSec !== undefined && request.seekSec > 0 ? request.seekSec : 0;
  const startSec = request.containerStartSec ?? 0;
  const tb = request.streamTimeBase;
  if (pts.ticks !== null && pts.timeBase !== null && tb !== null && tb !== undefined && Number.isInteger(tb.num) && Number.isInteger(tb.den) &&
    pts.timeBase.num * tb.den === tb.num * pts.timeBase.den) {
    const offsetUs = BigInt(Math.round((seekSec + startSec) * 1_000_000));
    const magnitude = offsetUs < 0n ? -offsetUs : offsetUs;
    const num = BigInt(tb.num) * 1_000_000n;
    const den = BigInt(tb.den);
    // round(offsetUs * den / num), halves away from zero.
    const roundedMagnitude = (2n * magnitude * den + num) / (2n * num);
    const offsetTicks = offsetUs < 0n ? -roundedMagnitude : roundedMagnitude;
    const startTicks = Number(offsetTicks) + pts.ticks;
    return (startTicks * tb.num) / tb.den - startSec;
  }
  return seekSec + pts.seconds;
}

/**
 * Parses ffmpeg's stderr (`-loglevel level+info`): showinfo frame lines (pts), the showinfo time
 * base, and a tail of warning/error lines for error messages.
 */
class FfmpegLogParser {
  private buffered = '';
  private timeBase: Rational | null = null;
  private readonly frames: (ShowinfoPts | null)[] = [];
  private readonly problems: string[] = [];
  private ended = false;
  private waiters: (() => void)[] = [];

  push(text: string): void {
    this.buffered += text;
    const lines = this.buffered.split(/\r\n|\n|\r/);
    this.buffered = lines.pop() ?? '';
    for (const line of lines) this.parseLine(line);
    this.wake();
  }

  end(): void {
    if (this.ended) return;
    if (this.buffered !== '') this.parseLine(this.buffered);
    this.buffered = '';
    this.ended = true;
    this.wake();
  }

  /** Waits until showinfo reported frame `index` (or stderr closed); undefined if it never did. */
  async ptsFor(index: number): Promise<ShowinfoPts | undefined> {
    while (this.frames.length <= index && !this.ended) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    return this.frames[index] ?? undefined;
  }

  /**
   * The most telling error line, without ffmpeg's context prefixes and the input URL: the last line
   * naming a file-level problem (truncation, missing moov, I/O), else the last error line that is
   * not one of ffmpeg's generic follow-up messages.
   */
  lastError(filePath: string): string | null {
    const lines = this.problems.map((line) => cleanReason(line, filePath)).filter((line) => line !== '');
    for (const pattern of FILE_LEVEL_ERRORS) {
      const fileLevel = lines.filter((line) => pattern.test(line)).at(-1);
      if (fileLevel !== undefined) return fileLevel;
    }
    return lines.filter((line) => !GENERIC_ERROR.some((pattern) => pattern.test(line))).at(-1) ?? lines.at(-1) ?? null;
  }

  private parseLine(line: string): void {
    const match = /^(?:\[([^\]]*?) @ [^\]]*\] )?\[(\w+)\] (.*)$/.exec(line);
    if (match === null) {
      if (line.trim() !== '') this.keepProblem(line);
      return;
    }
    const context = match[1] ?? '';
    const level = match[2] ?? '';
    const message = match[3] ?? '';
    if (context.startsWith('Parsed_showinfo')) {
      const frame = /^n:\s*\d+\s+pts:\s*(-?\d+|NOPTS)\s+pts_time:(\S+)/.exec(message);
      if (frame !== null) {
        const ticks = Number(frame[1]);
        const tb = this.timeBase;
        if (tb !== null && Number.isSafeInteger(ticks)) {
          // Same double arithmetic as ffmpeg's select `t` (pts * av_q2d(tb)).
          this.frames.push({ seconds: ticks * (tb.num / tb.den), ticks, timeBase: tb });
        } else {
          const seconds = Number(frame[2]);
          this.frames.push(Number.isFinite(seconds) ? { seconds, ticks: null, timeBase: null } : null);
        }
        return;
      }
      const config = /^config in time_base:\s*(\d+)\/(\d+)/.exec(message);
      if (config !== null) {
        const num = Number(config[1]);
        const den = Number(config[2]);
        if (num > 0 && den > 0) this.timeBase = { num, den };
      }
      return;
    }
    if (level === 'error' || level === 'fatal' || level === 'panic' || level === 'warning') {
      this.keepProblem(message);
    }
  }

  private keepProblem(message: string): void {
    this.problems.push(message.trim());
    if (this.problems.length > STDERR_TAIL_LINES) this.problems.shift();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}

function lastMeaningfulLine(stderr: string, filePath: string): string | null {
  const lines = stderr.split(/\r\n|\n|\r/).map((line) => cleanReason(line, filePath)).filter((line) => line !== '');
  return lines.at(-1) ?? null;
}

/** "[mov,mp4 @ 0x1] file:/abs/a.mp4: Invalid data" -> "Invalid data". */
function cleanReason(line: string, filePath: string): string {
  let text = line.trim().replace(/^(?:\[[^\]]*\]\s*)+/, '');
  const url = toInputUrl(filePath);
  for (const prefix of [`${url}: `, `${path.resolve(filePath)}: `, `${filePath}: `]) {
    if (text.startsWith(prefix)) text = text.slice(prefix.length);
  }
  return text.trim();
}

function throwIfAborted(signal: AbortSignal | undefined, filePath: string): void {
  if (signal?.aborted === true) throw abortedError(signal, filePath);
}

function abortedError(signal: AbortSignal | undefined, filePath: string): VideoError {
  return new VideoError('ABORTED', `${filePath}: aborted`, { filePath, reason: 'aborted', cause: signal?.reason });
}

function spawnFailure(error: Error, binary: string, filePath: string, code: 'FFMPEG_NOT_FOUND' | 'FFPROBE_NOT_FOUND' = 'FFMPEG_NOT_FOUND'): VideoError {
  const errno = (error as NodeJS.ErrnoException).code ?? error.message;
  return new VideoError(code, `could not run ${binary} (${errno})`, { filePath, reason: String(errno), cause: error });
}
