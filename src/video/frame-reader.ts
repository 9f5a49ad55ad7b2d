import { decodeAnimatedWebpFrame, frameIndexAt } from './animated-webp.js';
import { FfmpegAdapter, type FramePick, type RawFrame } from './ffmpeg-adapter.js';
import type { ResolveBinariesOptions } from './ffmpeg-binaries.js';
import type { MediaInfo } from './media-info.js';
import { probeMedia } from './probe.js';
import { rationalToNumber } from './rational.js';
import { computeSampleTimes, resolveSampleWindow, validateSampling, type SamplingSpec } from './sample-times.js';
import { assignFrameToEntries, planSparseReads, sampleThresholdsMs, type SparsePlanOptions, type SparseSegment } from './sparse-read-plan.js';
import { VideoError } from './video-error.js';

export type DecodeMode = 'exact' | 'nearest-keyframe';

/** What readFrames decoded for a file's samples (count / every sampling). */
export interface DecodePlan {
  /** Samples served by their nearest key frame. */
  keyframeSamples: number;
  /** Samples served by their exact frame. */
  exactSamples: number;
}

/** One decoded frame, packed RGB24, in display orientation. */
export interface VideoFrame {
  /** 0-based position in the sequence of yielded frames. */
  index: number;
  /**
   * Presentation time of the decoded frame in ms from the container start (µs precision). In `fps`
   * mode it is the grid time (start + k / fps) at which this frame is on screen.
   */
  timestampMs: number;
  /** The sample time that asked for this frame; equals timestampMs in `fps` and `keyframes` modes. */
  requestedTimestampMs: number;
  /** True when decode 'nearest-keyframe' served this sample with its nearest key frame. */
  keyframe?: boolean;
  /** Displayed (post-rotation, post-maxSidePx) size. */
  width: number;
  height: number;
  /** RGB24, width * height * 3 bytes, rows top to bottom, no padding. Owned by the consumer. */
  data: Buffer;
}

/**
 * A problem with some samples of a file, reported while the reader goes on:
 * - MISSING_SAMPLE: no frame could be decoded for a sample time (damaged data, a missing key frame);
 * - TRUNCATED: the decodable frames end well before the stream's declared duration (a cut or incomplete
 *   file); `decodedUntilMs` is the last decodable frame's time. Its samples beyond that also get
 *   MISSING_SAMPLE. Both mean the file was not seen whole: damaged media.
 * - DUPLICATE_FRAME: a sample's frame is one already yielded (samples closer than the frames); it is not
 *   yielded again, since it is not a new frame. Not damage.
 */
export type FrameReaderWarning =
  | { code: 'MISSING_SAMPLE' | 'DUPLICATE_FRAME'; requestedTimestampMs: number; message: string }
  | { code: 'TRUNCATED'; decodedUntilMs: number | null; declaredDurationMs: number | null; message: string }
  /**
   * The decoder reported errors about the data of one read (corrupt slices, bad NAL units): ffmpeg
   * conceals them, so the frames look whole but are not what the file held. Damage.
   */
  | { code: 'CORRUPT_DATA'; decodeErrors: number; firstError: string | null; message: string };

/** The warning codes that mean a file was not decoded whole, or not as it was made. */
export const DAMAGE_WARNING_CODES: readonly FrameReaderWarning['code'][] = ['MISSING_SAMPLE', 'TRUNCATED', 'CORRUPT_DATA'];

export interface ReadFramesOptions {
  sampling: SamplingSpec;
  /** Range start (inclusive), ms. */
  startMs?: number | undefined;
  /** Range end (exclusive), ms. */
  endMs?: number | undefined;
  /** Cap on the number of sampled frames (for `count`: N = min(N, maxFrames)). */
  maxFrames?: number | undefined;
  /** Downscale (keeping aspect ratio) so that the longer side is at most this. Default: no cap. */
  maxSidePx?: number | undefined;
  /**
   * Tone-map PQ/HLG sources to SDR (zscale + tonemap=hable; needs an ffmpeg with libzimg).
   * Default false: HDR/10-bit frames are converted straight to rgb24, which looks washed out.
   */
  tonemapHdr?: boolean | undefined;
  signal?: AbortSignal | undefined;
  /** Reuse an existing probe result instead of probing again. */
  mediaInfo?: MediaInfo | undefined;
  adapter?: FfmpegAdapter | undefined;
  /** Binary resolution options, used only when no adapter is given. */
  binaries?: ResolveBinariesOptions | undefined;
  /** Non-fatal problems (e.g. a sample time with no frame in a truncated file). Never throws into the reader. */
  onWarning?: ((warning: FrameReaderWarning) => void) | undefined;
  /** Advanced: tuning for sparse reads. */
  sparsePlan?: SparsePlanOptions | undefined;
  /**
   * How `count` / `every` samples are decoded. `exact` (default here): each sample gets the frame on
   * screen at its time (accurate seeks: a seek decodes from the previous key frame). `nearest-keyframe`:
   * a sample whose nearest key frame lies within half the gap to its neighbouring samples, and is nearer
   * to it than to any other sample, gets that key frame (decoded alone: no other frame of its GOP is
   * decoded); the other samples still get their exact frames. Every sample still gets its own frame, and
   * frames report their real timestamps.
   */
  decode?: DecodeMode | undefined;
  /** Told once per file which decoding ran: how many samples got key frames and how many exact frames. */
  onDecodePlan?: ((plan: DecodePlan) => void) | undefined;
}

/**
 * Decodes the sampled frames of a video (or still image) as RGB24, streaming: each frame is
 * produced when the consumer asks for it, so memory stays bounded by about one frame plus pipe
 * buffers, however long the video. Break out of the loop or abort the signal to stop ffmpeg.
 *
 * Strategy:
 * - `count` / `every`: sparse reads planned by planSparseReads (accurate input seek per GOP group,
 *   then a select filter), so sparse samples never decode the whole file and samples inside one GOP
 *   never re-decode it. Each sample gets the frame on screen at its time (exact for constant frame
 *   rate; see sparse-read-plan.ts for variable frame rate) and reports that frame's real pts.
 * - `fps`: one ffmpeg process with `-vf fps=...`; each grid time start + k / fps gets the frame on
 *   screen at that time, and reports the grid time as its timestamp.
 * - `keyframes`: one process with `-skip_frame nokey` (key frames only are decoded); timestamps are
 *   the real pts, read from showinfo.
 * - still images: exactly one frame, whatever the mode.
 *
 * Frames are rotated to display orientation, scaled only when `maxSidePx` requires it, and converted
 * to rgb24 (10-bit/HDR included; see `tonemapHdr`). Pixel aspect ratio is not corrected.
 *
 * @throws VideoError (probe errors, 'BAD_SAMPLING', 'FRAME_READ_FAILED', 'ABORTED', ...)
 */
export async function* readFrames(filePath: string, options: ReadFramesOptions): AsyncGenerator<VideoFrame, void, undefined> {
  validateSampling(options.sampling, options);
  if (options.maxSidePx !== undefined && (!Number.isInteger(options.maxSidePx) || options.maxSidePx < 1)) {
    throw new VideoError('BAD_SAMPLING', `Invalid sampling: maxSidePx must be a positive integer, got ${options.maxSidePx}`, { reason: 'bad maxSidePx' });
  }
  // One internal signal for every child process of this read: aborted by the caller's signal, and
  // on exit (break, error, completion) so that no ffmpeg outlives the generator.
  const lifetime = new AbortController();
  const forwardAbort = (): void => lifetime.abort(options.signal?.reason);
  if (options.signal?.aborted === true) forwardAbort();
  else options.signal?.addEventListener('abort', forwardAbort, { once: true });
  try {
    const adapter = options.adapter ?? (await FfmpegAdapter.create(options.binaries));
    const media = options.mediaInfo ?? (await probeMedia(filePath, { adapter, signal: lifetime.signal }));
    const { width, height } = fitWithin(media.video.displayWidth, media.video.displayHeight, options.maxSidePx);
    const context: ReadContext = {
      filePath,
      adapter,
      media,
      options,
      signal: lifetime.signal,
      width,
      height,
      tonemapHdr: options.tonemapHdr === true && media.video.isHdr,
      nextIndex: 0,
    };

    if (media.animatedImage !== undefined) {
      yield* readAnimatedImage(context, media.animatedImage.frameStartsMs);
    } else if (media.isStillImage) {
      yield* readSparse(context, [0]);
    } else if (options.sampling.mode === 'fps') {
      yield* readFpsGrid(context, options.sampling.fps);
    } else if (options.sampling.mode === 'keyframes') {
      yield* readKeyframes(context);
    } else {
      const times = plannedSampleTimes(media, options) ?? [];
      if (options.decode === 'nearest-keyframe' && times.length > 0) {
        yield* readNearestKeyframes(context, times);
      } else {
        options.onDecodePlan?.({ keyframeSamples: 0, exactSamples: times.length });
        yield* readSparse(context, times);
      }
    }
  } finally {
    options.signal?.removeEventListener('abort', forwardAbort);
    lifetime.abort();
  }
}

/**
 * The sample times readFrames will use for `media` (ms, ascending), e.g. for progress bars: one
 * entry per frame it will yield (barring truncated files). null for `keyframes`, whose times come
 * from the file. Still images: [0].
 */
export function plannedSampleTimes(media: MediaInfo, options: Pick<ReadFramesOptions, 'sampling' | 'startMs' | 'endMs' | 'maxFrames'>): number[] | null {
  if (media.isStillImage) return [0];
  if (options.sampling.mode === 'keyframes') return null;
  return computeSampleTimes({
    sampling: options.sampling,
    durationMs: videoDurationMs(media),
    isStillImage: false,
    frameRate: media.video.frameRate,
    startMs: options.startMs,
    endMs: options.endMs,
    maxFrames: options.maxFrames,
  });
}

/**
 * Output size for a displayed size and an optional cap on the longer side (aspect ratio kept,
 * each side at least 1 px). Sizes are never increased.
 */
export function fitWithin(width: number, height: number, maxSidePx: number | undefined): { width: number; height: number } {
  const longest = Math.max(width, height);
  if (maxSidePx === undefined || longest <= maxSidePx) return { width, height };
  const scale = maxSidePx / longest;
  return {
    width: Math.max(1, Math.min(maxSidePx, Math.round(width * scale))),
    height: Math.max(1, Math.min(maxSidePx, Math.round(height * scale))),
  };
}

interface ReadContext {
  filePath: string;
  adapter: FfmpegAdapter;
  media: MediaInfo;
  options: ReadFramesOptions;
  /** Aborted by the caller's signal and when the read ends. */
  signal: AbortSignal;
  width: number;
  height: number;
  tonemapHdr: boolean;
  nextIndex: number;
}

function videoDurationMs(media: MediaInfo): number | null {
  return media.video.durationMs ?? media.durationMs;
}

function rawRequest(context: ReadContext, pick: FramePick, seekMs: number, extra: { readDurationMs?: number | undefined; maxFrames?: number | undefined } = {}) {
  return {
    filePath: context.filePath,
    streamIndex: context.media.video.index,
    seekSec: seekMs > 0 ? seekMs / 1000 : undefined,
    readDurationSec: extra.readDurationMs === undefined ? undefined : extra.readDurationMs / 1000,
    pick,
    rotationDeg: context.media.video.rotationDeg,
    mirror: context.media.video.mirrored === true,
    outputWidth: context.width,
    outputHeight: context.height,
    tonemapHdr: context.tonemapHdr,
    maxFrames: extra.maxFrames,
    streamTimeBase: context.media.video.timeBase,
    containerStartSec: context.media.startTimeMs / 1000,
    signal: context.signal,
    onDecodeErrors: (errors: { count: number; first: string | null }) =>
      context.options.onWarning?.({
        code: 'CORRUPT_DATA',
        decodeErrors: errors.count,
        firstError: errors.first,
        message: `${context.filePath}: the decoder reported ${errors.count} error(s) in the data${errors.first === null ? '' : ` (${errors.first})`}`,
      }),
  };
}

function makeFrame(context: ReadContext, data: Buffer, timestampMs: number, requestedTimestampMs: number): VideoFrame {
  return { index: context.nextIndex++, timestampMs: roundMs(timestampMs), requestedTimestampMs: roundMs(requestedTimestampMs), width: context.width, height: context.height, data };
}

async function* readSparse(context: ReadContext, timesMs: readonly number[]): AsyncGenerator<VideoFrame, void, undefined> {
  if (timesMs.length === 0) return;
  const { media, adapter, filePath } = context;
  const planOptions: SparsePlanOptions = {
    frameDurationMs: frameDurationMs(media),
    lastFrameMs: estimateLastFrameMs(media),
    minSkipMs: estimateMinSkipMs(media),
    ...context.options.sparsePlan,
  };
  const thresholdsMs = sampleThresholdsMs(timesMs, planOptions);
  let seekStartsMs: (number | null)[] = thresholdsMs.map(() => null);
  if (!media.isStillImage && timesMs.length > 1) {
    const positionsSec = thresholdsMs.map((t) => (media.startTimeMs + t) / 1000);
    const startsSec = await adapter.seekStartTimesSec(filePath, media.video.index, positionsSec, { signal: context.signal });
    seekStartsMs = startsSec.map((k) => (k === null ? null : k * 1000 - media.startTimeMs));
  }
  const segments = planSparseReads(thresholdsMs, seekStartsMs, planOptions);

  // Each segment's ffmpeg is started while the previous segment is still being read (at most two
  // processes, each blocked on its pipe once it has a frame ready), so seeks and decoder start-up
  // overlap with reading and with the consumer's work.
  const start = (segment: SparseSegment): RunningSegment => {
    const pick: FramePick = { kind: 'first-at-or-after', thresholdsSec: segment.entries.map((e) => e.thresholdSec) };
    const frames = adapter.readRawFrames(rawRequest(context, pick, segment.seekMs, { maxFrames: segment.entries.length }));
    const first = frames.next();
    first.catch(() => undefined); // observed later; avoid unhandled rejections if never awaited
    return { segment, frames, first };
  };

  const served = new Array<boolean>(timesMs.length).fill(false);
  let lastYieldedMs: number | null = null;
  let running: RunningSegment | null = segments[0] === undefined ? null : start(segments[0]);
  for (let i = 0; running !== null; i++) {
    const current: RunningSegment = running;
    const following = segments[i + 1];
    running = following === undefined ? null : start(following);
    try {
      const { entries } = current.segment;
      let cursor = 0;
      for (let result = await nextOrDamage(current.first); result.done !== true; result = await nextOrDamage(current.frames.next())) {
        const raw = result.value;
        const assignment = assignFrameToEntries(entries, cursor, raw.ptsSec);
        cursor = assignment.cursor;
        const timestampMs = raw.timeSec === null ? null : raw.timeSec * 1000;
        for (const [k, entry] of assignment.served.entries()) {
          const requested = timesMs[entry.sampleIndex] ?? 0;
          served[entry.sampleIndex] = true;
          if (k === 0) {
            lastYieldedMs = timestampMs ?? requested;
            yield makeFrame(context, raw.data, timestampMs ?? requested, requested);
          } else {
            // Several samples, one frame: the frame is sampled once.
            duplicate(context, requested);
          }
        }
        if (cursor >= entries.length) break;
      }
    } finally {
      await current.frames.return(undefined); // kills this segment's ffmpeg if still running
    }
  }

  // Samples after the last decodable frame. When the stream really ends there (the declared duration
  // is a frame or so longer than the last frame's time), the frame on screen at those times is the
  // stream's last frame: it serves the first such sample, unless it was sampled already. When the
  // frames stop well before the declared duration, the file was cut or damaged: those samples have no
  // frame, and the file is reported TRUNCATED, with the time its frames reach.
  const lastServed = served.lastIndexOf(true);
  const finalFrame = lastServed < timesMs.length - 1 ? await readLastFrame(context, timesMs[lastServed + 1] ?? 0) : null;
  const reachMs = finalFrame === null ? null : finalFrame.timestampMs + tailToleranceMs(media);
  let truncated = false;
  let finalUsed = finalFrame !== null && lastYieldedMs !== null && Math.abs(finalFrame.timestampMs - lastYieldedMs) < 0.001;
  for (let index = 0; index < timesMs.length; index++) {
    if (served[index] === true) continue;
    const requested = timesMs[index] ?? 0;
    const onScreen = index > lastServed && finalFrame !== null && reachMs !== null && finalFrame.timestampMs <= requested && requested <= reachMs;
    if (onScreen && !finalUsed) {
      finalUsed = true;
      yield makeFrame(context, Buffer.from(finalFrame.data), finalFrame.timestampMs, requested);
    } else if (onScreen) {
      duplicate(context, requested);
    } else {
      if (index > lastServed) truncated = true;
      context.options.onWarning?.({
        code: 'MISSING_SAMPLE',
        requestedTimestampMs: requested,
        message: `${filePath}: no frame could be decoded for ${requested} ms`,
      });
    }
  }
  if (truncated) {
    const decodedUntilMs = finalFrame?.timestampMs ?? lastYieldedMs;
    const declaredDurationMs = videoDurationMs(media);
    context.options.onWarning?.({
      code: 'TRUNCATED',
      decodedUntilMs: decodedUntilMs === null ? null : roundMs(decodedUntilMs),
      declaredDurationMs,
      message: `${filePath}: frames end at ${decodedUntilMs === null ? 'an unknown time' : `${roundMs(decodedUntilMs)} ms`}, the stream declares ${declaredDurationMs ?? 'an unknown'} ms`,
    });
  }
}

function duplicate(context: ReadContext, requestedTimestampMs: number): void {
  context.options.onWarning?.({
    code: 'DUPLICATE_FRAME',
    requestedTimestampMs,
    message: `${context.filePath}: the frame for ${requestedTimestampMs} ms is one already sampled`,
  });
}

/**
 * How far past the last frame's time a sample may lie and still show that frame: its own duration plus
 * slack for rounded container durations and variable frame rate (two more frames, at least 250 ms).
 */
function tailToleranceMs(media: MediaInfo): number {
  const frameMs = frameDurationMs(media) ?? 40;
  return frameMs + Math.max(2 * frameMs, 250);
}

/**
 * An ffmpeg failure that says the file's data is cut or damaged ("partial file", "Invalid data found"...),
 * as opposed to a missing file, a missing decoder or an abort. The frame reader keeps the frames decoded
 * before it and reports the samples it could not serve (MISSING_SAMPLE, TRUNCATED) instead of failing.
 */
export function isDataDamage(error: unknown): boolean {
  if (!(error instanceof VideoError) || error.code !== 'FRAME_READ_FAILED') return false;
  const reason = error.reason ?? error.message;
  return /partial file|truncat|end of file|invalid data found|moov atom not found|could not seek|could not find codec parameters/i.test(reason) && !/no such file|permission denied/i.test(reason);
}

/** A frame read that ends (done) where the file's data is damaged; other errors pass. */
async function nextOrDamage(next: Promise<IteratorResult<RawFrame, void>>): Promise<IteratorResult<RawFrame, void>> {
  try {
    return await next;
  } catch (error) {
    if (isDataDamage(error)) return { done: true, value: undefined };
    throw error;
  }
}

interface RunningSegment {
  segment: SparseSegment;
  frames: AsyncGenerator<RawFrame, void, undefined>;
  first: Promise<IteratorResult<RawFrame, void>>;
}

/** Decodes the last second before the (video) end and keeps only the final frame. */
async function readLastFrame(context: ReadContext, fromMs: number): Promise<{ data: Buffer; timestampMs: number } | null> {
  const endMs = videoDurationMs(context.media);
  if (endMs === null) return null;
  const seekMs = Math.max(0, Math.min(fromMs, endMs) - 1000);
  let last: { data: Buffer; timestampMs: number } | null = null;
  try {
    for await (const raw of context.adapter.readRawFrames(rawRequest(context, { kind: 'all' }, seekMs))) {
      if (raw.timeSec !== null) last = { data: raw.data, timestampMs: raw.timeSec * 1000 };
    }
  } catch (error) {
    if (!isDataDamage(error)) throw error; // damaged data: the last frame before it
  }
  return last;
}

/**
 * fps mode: one process, `-vf fps` (rounding up, so each grid time gets the frame on screen then).
 * The grid is startMs + k * 1000 / fps; frames report their grid time. The seek lands a little more
 * than one frame before startMs so the frame on screen at startMs is still decoded, and the
 * timeline is shifted so that the fps filter's grid falls exactly on startMs + k / fps.
 */
async function* readFpsGrid(context: ReadContext, fps: number): AsyncGenerator<VideoFrame, void, undefined> {
  const { media, options } = context;
  const durationMs = videoDurationMs(media);
  const window = resolveSampleWindow(durationMs, options);
  if (window.endMs !== null && window.startMs >= window.endMs) return;
  const stepUs = 1_000_000_000 / fps; // grid step in µs (not necessarily an integer)
  const toleranceUs = 1000;
  const startUs = Math.round(window.startMs * 1000);
  const seekUs = Math.max(0, startUs - Math.round(((frameDurationMs(media) ?? 0) + 1) * 1000));
  // Grid offset from the seek point: (start - seek) mod step.
  const offsetUs = Math.round((startUs - seekUs) - Math.floor((startUs - seekUs) / stepUs) * stepUs);
  const leadingSlots = Math.floor((startUs - seekUs) / stepUs + 1e-9);
  const readDurationMs = window.endMs === null || window.endMs >= (durationMs ?? Number.POSITIVE_INFINITY) ? undefined : window.endMs - seekUs / 1000;
  const pick: FramePick = { kind: 'fps', fps, shiftSec: (offsetUs + toleranceUs) / 1_000_000 };
  const maxFrames = options.maxFrames === undefined ? undefined : options.maxFrames + leadingSlots + 1;

  let yielded = 0;
  for await (const raw of context.adapter.readRawFrames(rawRequest(context, pick, seekUs / 1000, { readDurationMs, maxFrames }))) {
    if (raw.ptsSec === null) throw missingTimestamps(context.filePath);
    const timestampMs = (seekUs + offsetUs + raw.ptsSec * 1_000_000) / 1000;
    if (timestampMs < window.startMs - 0.0005) continue;
    if (window.endMs !== null && timestampMs >= window.endMs) break;
    if (options.maxFrames !== undefined && yielded >= options.maxFrames) break;
    yielded++;
    yield makeFrame(context, raw.data, timestampMs, timestampMs);
  }
}

/**
 * For ascending sample times and ascending key frame times (both ms, same timeline), the key frame each
 * sample may take, or null where it must decode its exact frame. A sample takes its nearest key frame K
 * when K lies within half the gap to each neighbouring sample (so K is nearer to it than to any other
 * sample, and no two samples take the same K); the first and last samples use the gap to their one
 * neighbour (a lone sample: any distance up to maxDistanceMs). Never farther than maxDistanceMs.
 */
export function assignNearestKeyframes(timesMs: readonly number[], keyframesMs: readonly number[], maxDistanceMs = 1000): (number | null)[] {
  const out: (number | null)[] = [];
  let k = 0;
  for (let i = 0; i < timesMs.length; i++) {
    const t = timesMs[i]!;
    while (k + 1 < keyframesMs.length && keyframesMs[k + 1]! <= t) k++;
    const candidates = [keyframesMs[k], keyframesMs[k + 1]].filter((v): v is number => v !== undefined);
    let best: number | null = null;
    for (const c of candidates) if (best === null || Math.abs(c - t) < Math.abs(best - t)) best = c;
    if (best === null) {
      out.push(null);
      continue;
    }
    const before = i > 0 ? (t - timesMs[i - 1]!) / 2 : Number.POSITIVE_INFINITY;
    const after = i + 1 < timesMs.length ? (timesMs[i + 1]! - t) / 2 : Number.POSITIVE_INFINITY;
    const reach = Math.min(maxDistanceMs, best < t ? before : after);
    // Strictly inside half the gap: a key frame exactly halfway could serve two samples.
    out.push(Math.abs(best - t) < reach || best === t ? best : null);
  }
  return out;
}

/**
 * count / every samples with decode 'nearest-keyframe': the samples with a key frame of their own (see
 * assignNearestKeyframes) come from one process that decodes key frames only; the rest from exact sparse
 * reads; both streams are merged in sample order (at most one frame of each held).
 */
async function* readNearestKeyframes(context: ReadContext, timesMs: readonly number[]): AsyncGenerator<VideoFrame, void, undefined> {
  const { media, adapter, filePath, options } = context;
  const keyframesSec = timesMs.length > 0 ? await adapter.keyframeTimesSec(filePath, media.video.index, { signal: context.signal }) : null;
  const assigned = keyframesSec === null ? timesMs.map(() => null) : assignNearestKeyframes(timesMs, keyframesSec.map((k) => k * 1000 - media.startTimeMs));
  const keyIdx = assigned.flatMap((k, i) => (k === null ? [] : [i]));
  const exactIdx = assigned.flatMap((k, i) => (k === null ? [i] : []));
  options.onDecodePlan?.({ keyframeSamples: keyIdx.length, exactSamples: exactIdx.length });
  if (keyIdx.length === 0) {
    yield* readSparse(context, timesMs);
    return;
  }

  const served = new Set<number>();
  async function* keyStream(): AsyncGenerator<{ sample: number; frame: VideoFrame }, void, undefined> {
    // Chunks bound the select expression; each chunk is one process decoding key frames only.
    for (let start = 0; start < keyIdx.length; start += KEYFRAMES_PER_PROCESS) {
      const chunk = keyIdx.slice(start, start + KEYFRAMES_PER_PROCESS);
      const wanted = chunk.map((i) => assigned[i]!);
      const pick: FramePick = { kind: 'keyframes-at', timesSec: wanted.map((ms) => ms / 1000) };
      let cursor = 0;
      const keyframes = adapter.readRawFrames(rawRequest(context, pick, 0, { maxFrames: chunk.length }));
      try {
        for (let result = await nextOrDamage(keyframes.next()); result.done !== true; result = await nextOrDamage(keyframes.next())) {
          const raw = result.value;
          const timestampMs = raw.timeSec === null ? null : raw.timeSec * 1000 - media.startTimeMs;
          // The frame is the next wanted key frame (or a later one, when one could not be decoded).
          while (cursor < chunk.length && timestampMs !== null && wanted[cursor]! < timestampMs - 1) cursor++;
          if (cursor >= chunk.length) break;
          const sample = chunk[cursor++]!;
          served.add(sample);
          const frame = makeFrame(context, raw.data, raw.timeSec === null ? wanted[cursor - 1]! : raw.timeSec * 1000, timesMs[sample]!);
          yield { sample, frame: { ...frame, keyframe: true } };
        }
      } finally {
        await keyframes.return(undefined); // kills the process if it is still running
      }
      for (const sample of chunk) {
        if (served.has(sample)) continue;
        options.onWarning?.({ code: 'MISSING_SAMPLE', requestedTimestampMs: timesMs[sample]!, message: `${filePath}: the key frame for ${timesMs[sample]!} ms could not be decoded` });
      }
    }
  }
  async function* exactStream(): AsyncGenerator<{ sample: number; frame: VideoFrame }, void, undefined> {
    if (exactIdx.length === 0) return;
    const exactTimes = exactIdx.map((i) => timesMs[i]!);
    for await (const frame of readSparse(context, exactTimes)) {
      const at = exactTimes.findIndex((t) => Math.abs(t - frame.requestedTimestampMs) < 0.001);
      yield { sample: exactIdx[at < 0 ? 0 : at]!, frame };
    }
  }

  const a = keyStream();
  const b = exactStream();
  let headA = await a.next();
  let headB = await b.next();
  let index = 0;
  const yieldedMs = new Set<number>();
  try {
    while (headA.done !== true || headB.done !== true) {
      const takeA = headB.done === true || (headA.done !== true && headA.value.sample < headB.value.sample);
      const item = takeA ? (headA as IteratorYieldResult<{ sample: number; frame: VideoFrame }>).value : (headB as IteratorYieldResult<{ sample: number; frame: VideoFrame }>).value;
      // A key frame and an exact read can land on the same frame (frames sparser than the samples).
      if (yieldedMs.has(item.frame.timestampMs)) duplicate(context, item.frame.requestedTimestampMs);
      else {
        yieldedMs.add(item.frame.timestampMs);
        yield { ...item.frame, index: index++ };
      }
      if (takeA) headA = await a.next();
      else headB = await b.next();
    }
  } finally {
    await a.return(undefined);
    await b.return(undefined);
  }
}

/**
 * An animated image that ffmpeg cannot decode (MediaInfo.animatedImage: animated WebP), frame by frame
 * through sharp. Each sample time gets the frame on screen then and reports that frame's start time
 * (`fps`: the grid time, as ffmpeg's fps filter does); `keyframes` takes every frame (each is decoded
 * whole). A frame that serves several samples is yielded once (DUPLICATE_FRAME for the others).
 */
async function* readAnimatedImage(context: ReadContext, frameStartsMs: readonly number[]): AsyncGenerator<VideoFrame, void, undefined> {
  const { media, options } = context;
  const window = resolveSampleWindow(videoDurationMs(media), options);
  let timesMs: number[];
  if (options.sampling.mode === 'fps') {
    const endMs = window.endMs ?? videoDurationMs(media) ?? 0;
    timesMs = [];
    for (let k = 0; window.startMs + (k * 1000) / options.sampling.fps < endMs; k++) {
      if (options.maxFrames !== undefined && timesMs.length >= options.maxFrames) break;
      timesMs.push(window.startMs + (k * 1000) / options.sampling.fps);
    }
  } else if (options.sampling.mode === 'keyframes') {
    timesMs = frameStartsMs.filter((t) => t >= window.startMs && (window.endMs === null || t < window.endMs)).slice(0, options.maxFrames);
  } else {
    timesMs = plannedSampleTimes(media, options) ?? [];
    options.onDecodePlan?.({ keyframeSamples: 0, exactSamples: timesMs.length });
  }
  let last = -1;
  for (const requested of timesMs) {
    if (context.signal.aborted) throw new VideoError('ABORTED', `${context.filePath}: aborted`, { filePath: context.filePath, reason: 'aborted' });
    const index = frameIndexAt(frameStartsMs, requested);
    if (index === last) {
      duplicate(context, requested);
      continue;
    }
    last = index;
    const data = await decodeAnimatedWebpFrame(context.filePath, index, context.width, context.height);
    const timestampMs = options.sampling.mode === 'fps' ? requested : frameStartsMs[index]!;
    yield makeFrame(context, data, timestampMs, requested);
  }
}

/** Key frames one process selects at most (bounds the select expression). */
const KEYFRAMES_PER_PROCESS = 200;

/** keyframes mode: one process decoding key frames only; timestamps are their real pts. */
async function* readKeyframes(context: ReadContext): AsyncGenerator<VideoFrame, void, undefined> {
  const { media, options } = context;
  const durationMs = videoDurationMs(media);
  const window = resolveSampleWindow(durationMs, options);
  if (window.endMs !== null && window.startMs >= window.endMs) return;
  const toleranceMs = 1;
  const seekMs = Math.max(0, window.startMs - toleranceMs);
  const readDurationMs = window.endMs === null || window.endMs >= (durationMs ?? Number.POSITIVE_INFINITY) ? undefined : window.endMs - seekMs;
  let yielded = 0;
  for await (const raw of context.adapter.readRawFrames(rawRequest(context, { kind: 'keyframes' }, seekMs, { readDurationMs, maxFrames: options.maxFrames }))) {
    if (raw.timeSec === null) throw missingTimestamps(context.filePath);
    const timestampMs = raw.timeSec * 1000;
    if (timestampMs < window.startMs - toleranceMs) continue;
    if (window.endMs !== null && timestampMs >= window.endMs) break;
    if (options.maxFrames !== undefined && yielded >= options.maxFrames) break;
    yielded++;
    yield makeFrame(context, raw.data, timestampMs, timestampMs);
  }
}

function missingTimestamps(filePath: string): VideoError {
  return new VideoError('FRAME_READ_FAILED', `${filePath}: ffmpeg did not report frame timestamps`, { filePath, reason: 'no frame timestamps' });
}

/** Nominal (smallest) frame interval, 1000 / r_frame_rate; null when unknown or implausible. */
function frameDurationMs(media: MediaInfo): number | null {
  const rate = media.video.realFrameRate ?? media.video.avgFrameRate;
  if (rate === null) return null;
  const fps = rationalToNumber(rate);
  return fps > 0 && fps <= 1000 ? 1000 / fps : null;
}

/**
 * How much decoding a new seek (a new ffmpeg process, roughly 50 ms to start) must save to pay
 * off. Decoding costs roughly 1.15 ns per pixel on 2 cores (measured: 1080p H.264 decodes at
 * ~420 frames/s), so for 1080p30 this is ~0.7 s, for 360p30 ~6 s (clamped to [0.25 s, 10 s]).
 */
function estimateMinSkipMs(media: MediaInfo): number {
  const fps = media.video.frameRate ?? 30;
  const decodeMsPerVideoSecond = fps * media.video.width * media.video.height * 1.15e-6;
  const breakEvenMs = decodeMsPerVideoSecond > 0 ? (50 / decodeMsPerVideoSecond) * 1000 : 1000;
  return Math.min(10_000, Math.max(250, breakEvenMs));
}

/** Estimated pts of the last frame: video duration minus one nominal frame interval. */
function estimateLastFrameMs(media: MediaInfo): number | null {
  const durationMs = videoDurationMs(media);
  const frameMs = frameDurationMs(media);
  if (durationMs === null || frameMs === null) return null;
  return Math.max(0, durationMs - frameMs);
}

function roundMs(value: number): number {
  return Math.round(value * 1000) / 1000;
}
