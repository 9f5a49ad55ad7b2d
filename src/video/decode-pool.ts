import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DecodeWorkerData, FromDecoder, SerializedError, ToDecoder } from './decode-protocol.js';
import type { FfmpegBinaries } from './ffmpeg-binaries.js';
import type { FrameReaderWarning, VideoFrame } from './frame-reader.js';
import { DecoderThreadError } from './decoder-thread-error.js';
import { WarningRelay, type FrameRequest, type MediaOpener, type OpenedMedia, type ProbedMedia } from './media-opener.js';
import { VideoError, type VideoErrorCode } from './video-error.js';

export interface DecodePoolOptions {
  /** Decoded frames each open file may hold ahead of its consumer (at least one frame). Default 32 MiB. */
  maxBufferedBytesPerFile?: number;
}

export const DEFAULT_MAX_BUFFERED_BYTES_PER_FILE = 32 * 1024 * 1024;

/**
 * Starts the decoder thread: decode-worker.js next to this file, or, when
 * running from the TypeScript sources (tests, benches), decode-worker.ts
 * through tsx (registered inside the thread: workers do not inherit loaders).
 */
function startWorker(workerData: DecodeWorkerData): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./decode-worker.js', here), { workerData });
  // The ESM build of tsx's API (require.resolve would give the CommonJS one).
  const tsxApi = pathToFileURL(createRequire(here).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const entry = new URL('./decode-worker.ts', here).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

function deserializeError(error: SerializedError, path: string): Error {
  if (error.name === 'VideoError') {
    return new VideoError(error.code as VideoErrorCode, error.message, { filePath: path, reason: error.reason });
  }
  return new DecoderThreadError(error.code, error.message);
}

export class PoolFile implements OpenedMedia {
  readonly probed: Promise<ProbedMedia>;
  private resolveProbed!: (value: ProbedMedia) => void;
  private rejectProbed!: (error: Error) => void;
  private readonly queue: VideoFrame[] = [];
  private ended = false;
  private failure: Error | null = null;
  private closed = false;
  private wake: (() => void) | null = null;
  private readonly warnings = new WarningRelay();

  constructor(
    readonly id: number,
    readonly path: string,
    private readonly send: (message: ToDecoder) => void,
    private readonly onDone: (id: number) => void,
  ) {
    this.probed = new Promise<ProbedMedia>((resolve, reject) => {
      this.resolveProbed = resolve;
      this.rejectProbed = reject;
    });
    this.probed.catch(() => undefined); // observed by the consumer
  }

  private released = false;
  private readonly releaseListeners: (() => void)[] = [];

  /** Runs `listener` once the file is done with (ended, failed or closed). */
  onRelease(listener: () => void): void {
    if (this.released) listener();
    else this.releaseListeners.push(listener);
  }

  private release(id: number): void {
    if (this.released) return;
    this.released = true;
    this.onDone(id);
    for (const listener of this.releaseListeners.splice(0)) listener();
  }

  receive(message: FromDecoder): void {
    if (this.closed) return;
    switch (message.type) {
      case 'probed':
        this.resolveProbed({ media: message.media, probeMs: message.probeMs, sizeBytes: message.sizeBytes });
        break;
      case 'frame': {
        const f = message.frame;
        this.queue.push({
          index: f.index,
          timestampMs: f.timestampMs,
          requestedTimestampMs: f.requestedTimestampMs,
          ...(f.keyframe === true ? { keyframe: true } : {}),
          width: f.width,
          height: f.height,
          data: Buffer.from(f.data),
        });
        break;
      }
      case 'warning':
        this.warnings.push(message.warning);
        break;
      case 'end':
        this.ended = true;
        this.release(this.id);
        break;
      case 'error':
        this.fail(deserializeError(message.error, this.path));
        break;
    }
    this.wake?.();
  }

  fail(error: Error): void {
    if (this.ended || this.failure !== null) return;
    this.failure = error;
    this.rejectProbed(error);
    this.release(this.id);
    this.wake?.();
  }

  async *frames(): AsyncGenerator<VideoFrame, void, undefined> {
    await this.probed;
    for (;;) {
      const frame = this.queue.shift();
      if (frame !== undefined) {
        this.send({ type: 'credit', id: this.id, bytes: frame.data.byteLength });
        yield frame;
        continue;
      }
      if (this.failure !== null) throw this.failure;
      if (this.ended || this.closed) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
  }

  onWarning(listener: (warning: FrameReaderWarning) => void): void {
    this.warnings.listen(listener);
  }

  /** Decoded frames received and not yet taken, in bytes. */
  get bufferedBytes(): number {
    return this.queue.reduce((sum, f) => sum + f.data.byteLength, 0);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    if (!this.ended && this.failure === null) {
      this.send({ type: 'close', id: this.id });
      this.rejectProbed(new VideoError('ABORTED', `${this.path}: aborted`, { filePath: this.path, reason: 'closed' }));
    }
    this.release(this.id);
    this.wake?.();
  }
}

/**
 * Probes and decodes files in one decoder thread of its own (ffmpeg itself
 * runs in child processes), so that frames keep flowing while this thread
 * runs inference: several files can be decoding ahead while one is being
 * analysed. Memory is bounded: each open file holds at most
 * maxBufferedBytesPerFile of decoded frames not yet taken (at least one frame).
 */
export class DecodePool implements MediaOpener {
  private readonly worker: Worker;
  private readonly files = new Map<number, PoolFile>();
  private nextId = 1;
  private readonly maxBufferedBytes: number;
  private crashed: Error | null = null;
  private readonly exited: Promise<void>;

  constructor(binaries: FfmpegBinaries, options: DecodePoolOptions = {}) {
    this.maxBufferedBytes = Math.max(1, options.maxBufferedBytesPerFile ?? DEFAULT_MAX_BUFFERED_BYTES_PER_FILE);
    this.worker = startWorker({ binaries });
    this.worker.on('message', (message: FromDecoder) => this.files.get(message.id)?.receive(message));
    this.worker.on('error', (error) => this.crash(error));
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.once('exit', (code) => this.crash(new Error(`the decoder thread exited (code ${code})`)));
  }

  private crash(error: Error): void {
    this.crashed ??= new VideoError('DECODER_FAILED', `decoder thread failed: ${error.message}`, { cause: error });
    for (const file of [...this.files.values()]) file.fail(this.crashed);
  }

  /** Files that are still probing or decoding. */
  get openFiles(): number {
    return this.files.size;
  }

  open(path: string, request: FrameRequest, options: { signal?: AbortSignal | undefined } = {}): OpenedMedia {
    const id = this.nextId++;
    const send = (message: ToDecoder): void => {
      if (this.crashed === null) this.worker.postMessage(message);
    };
    const file = new PoolFile(id, path, send, (done) => this.files.delete(done));
    if (this.crashed !== null) {
      file.fail(this.crashed);
      return file;
    }
    this.files.set(id, file);
    send({ type: 'open', id, path, request, maxBufferedBytes: this.maxBufferedBytes });
    const signal = options.signal;
    if (signal !== undefined) {
      if (signal.aborted) {
        file.close();
      } else {
        const onAbort = (): void => file.close();
        signal.addEventListener('abort', onAbort, { once: true });
        file.onRelease(() => signal.removeEventListener('abort', onAbort));
      }
    }
    return file;
  }

  /** Stops every open file and ends the decoder thread (its ffmpeg processes are killed). */
  async close(): Promise<void> {
    for (const file of [...this.files.values()]) file.close();
    if (this.crashed === null) {
      this.crashed = new VideoError('DECODER_CLOSED', 'the decoder pool is closed');
      this.worker.postMessage({ type: 'shutdown' } satisfies ToDecoder);
      const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5000).unref());
      if ((await Promise.race([this.exited.then(() => 'exited' as const), timeout])) === 'timeout') await this.worker.terminate();
    }
  }
}
