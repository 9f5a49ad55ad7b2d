/**
 * Parsers for what ffmpeg and ffprobe print: FfmpegLogParser reads ffmpeg's stderr
 * (`-loglevel level+info`: showinfo frame pts and time base, warning/error lines) and picks the
 * most telling error; the other functions read ffprobe's stderr and its packet listings (built by
 * ffmpeg-args.ts) and map showinfo pts back to the container timeline. No process, no I/O.
 */
import path from 'node:path';

import { toInputUrl, type RawFramesRequest } from './ffmpeg-args.js';
import type { Rational } from './rational.js';

/** How many warning/error lines FfmpegLogParser keeps (the newest). */
export const STDERR_TAIL_LINES = 40;

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

/** Decoders whose error lines are about the data they decode (not the container, not a filter). */
const DECODER_CONTEXT = /^(?:h264|hevc|h265|vp[89]|libvpx(?:-vp9)?|av1|libdav1d|libaom-av1|mpeg[12]video|mpeg4|msmpeg4v?\d?|mjpeg|prores|dnxhd|theora|wmv[123]|vc1|png|gif|webp|apng)$/i;
/**
 * Decoder errors a whole file can show after a seek (leading pictures of an open GOP, references lost to
 * the seek): not evidence of damaged data.
 */
const AFTER_SEEK = /reference picture missing|missing reference picture|co located POCs unavailable|mmco: unref short failure|could not find ref with POC|frame num gap|number of reference frames .* exceeds max/i;

/** One showinfo frame line. */
export interface ShowinfoPts {
  /** pts * time_base, relative to the seek point. */
  seconds: number;
  ticks: number | null;
  timeBase: Rational | null;
}

/**
 * Parses ffmpeg's stderr (`-loglevel level+info`) as it streams in: showinfo frame lines (pts), the
 * showinfo time base, and a tail of warning/error lines for error messages.
 */
export class FfmpegLogParser {
  private buffered = '';
  private timeBase: Rational | null = null;
  private readonly frames: (ShowinfoPts | null)[] = [];
  private readonly problems: string[] = [];
  /** Error lines of a decoder about the data (DECODER_CONTEXT, not AFTER_SEEK): how many, and the first. */
  private decodeErrorCount = 0;
  private firstDecodeError: string | null = null;
  private ended = false;
  private waiters: (() => void)[] = [];

  /** Feeds stderr text (any chunking; lines end with \n, \r\n or \r). */
  push(text: string): void {
    this.buffered += text;
    const lines = this.buffered.split(/\r\n|\n|\r/);
    this.buffered = lines.pop() ?? '';
    for (const line of lines) this.parseLine(line);
    this.wake();
  }

  /** stderr closed: parses an unterminated last line and releases every ptsFor waiter. Idempotent. */
  end(): void {
    if (this.ended) return;
    if (this.buffered !== '') this.parseLine(this.buffered);
    this.buffered = '';
    this.ended = true;
    this.wake();
  }

  /**
   * Waits until showinfo reported frame `index` (or stderr closed); undefined if it never did (or
   * reported it with no usable pts).
   */
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
    if (level === 'error' && DECODER_CONTEXT.test(context) && !AFTER_SEEK.test(message)) {
      this.decodeErrorCount++;
      this.firstDecodeError ??= message.trim();
    }
  }

  /**
   * The decoder's errors about the data it decoded (corrupt slices, bad NAL units, concealed macroblocks):
   * their count and the first line. ffmpeg conceals such damage and goes on, so the frames look whole.
   */
  decodeErrors(): { count: number; first: string | null } {
    return { count: this.decodeErrorCount, first: this.firstDecodeError };
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

/**
 * Seconds from the container start for a frame read after `-ss seekSec`. ffmpeg shifts packet
 * timestamps by -(seek + start_time), rescaled to the stream time base with round-half-away-from-
 * zero (av_rescale_q); undoing exactly that shift gives the frame's true pts to the tick.
 */
export function toContainerTime(pts: ShowinfoPts, request: Pick<RawFramesRequest, 'seekSec' | 'containerStartSec' | 'streamTimeBase'>): number {
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
 * The pts_time of each packet of a `buildPacketAtTimesArgs` listing (ffprobe JSON), one per
 * requested time, or null each. When the listing is missing (null), not JSON, or has a different
 * number of packets than `count`, which packet belongs to which time is unknowable: all null.
 */
export function parsePacketPtsList(json: string | null, count: number): (number | null)[] {
  let packets: unknown[] = [];
  if (json !== null) {
    try {
      const parsed = JSON.parse(json) as { packets?: unknown };
      packets = Array.isArray(parsed.packets) ? parsed.packets : [];
    } catch {
      packets = [];
    }
  }
  const aligned = packets.length === count;
  const result: (number | null)[] = [];
  for (let i = 0; i < count; i++) {
    const packet = aligned ? packets[i] : undefined;
    const pts = typeof packet === 'object' && packet !== null ? Number((packet as { pts_time?: unknown }).pts_time) : Number.NaN;
    result.push(Number.isFinite(pts) ? pts : null);
  }
  return result;
}

/** The pts_time of every key-frame packet (flags contain K) of a `buildPacketListArgs` listing, ascending. */
export function parseKeyframeTimes(compact: string): number[] {
  const times: number[] = [];
  for (const line of compact.split('\n')) {
    const [pts, flags] = line.trim().split('|');
    if (flags === undefined || !flags.includes('K')) continue;
    const t = Number(pts);
    if (Number.isFinite(t)) times.push(t);
  }
  times.sort((a, b) => a - b);
  return times;
}

/** The last non-empty line of ffprobe's stderr, cleaned like FfmpegLogParser.lastError; null if none. */
export function lastMeaningfulLine(stderr: string, filePath: string): string | null {
  const lines = stderr.split(/\r\n|\n|\r/).map((line) => cleanReason(line, filePath)).filter((line) => line !== '');
  return lines.at(-1) ?? null;
}

/** "[mov,mp4 @ 0x1] file:/abs/a.mp4: Invalid data" -> "Invalid data". */
export function cleanReason(line: string, filePath: string): string {
  let text = line.trim().replace(/^(?:\[[^\]]*\]\s*)+/, '');
  const url = toInputUrl(filePath);
  for (const prefix of [`${url}: `, `${path.resolve(filePath)}: `, `${filePath}: `]) {
    if (text.startsWith(prefix)) text = text.slice(prefix.length);
  }
  return text.trim();
}
