/**
 * Running the ffmpeg/ffprobe binaries: spawned with node:child_process directly (never through a
 * shell), stdin ignored, stdout/stderr piped. runCaptured collects a short run's output under a
 * time limit (ffprobe); spawnStreaming hands out a long run's stdout as a stream, with its stderr
 * fed to a callback (ffmpeg raw frames), and FixedSizeRecords cuts that stream into frames.
 * Abort signals and timeouts kill with SIGKILL. Knows nothing of ffmpeg's arguments or output
 * formats (ffmpeg-args.ts, ffmpeg-log-parser.ts).
 */
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';

import { VideoError } from './video-error.js';

/** A captured run's stdout larger than this is not media we want to deal with (ffprobe JSON). */
export const MAX_CAPTURED_STDOUT_BYTES = 32 * 1024 * 1024;
/** A captured run keeps only this many last characters of stderr. */
export const MAX_CAPTURED_STDERR_CHARS = 16_384;

export interface CapturedRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

export interface CapturedRunOptions {
  /** The media file the run is about (error messages and VideoError.filePath). */
  filePath: string;
  /** The tool's name in error messages ("ffprobe"). */
  label: string;
  signal?: AbortSignal | undefined;
  /** Kill the process (SIGKILL) and reject with TIMEOUT after this long. */
  timeoutMs: number;
  /** Kill the process and reject with UNREADABLE_MEDIA when stdout grows past this. Default MAX_CAPTURED_STDOUT_BYTES. */
  maxStdoutBytes?: number | undefined;
}

/**
 * Runs a binary to completion and resolves with its exit code (null when killed by a signal), its
 * stdout (utf8) and the tail of its stderr. A non-zero exit is not an error here.
 * @throws VideoError 'ABORTED' (signal aborted, before or during the run), 'TIMEOUT',
 *   'UNREADABLE_MEDIA' (stdout too large); the spawn error itself (e.g. ENOENT) when the binary
 *   could not be started
 */
export function runCaptured(binary: string, args: readonly string[], options: CapturedRunOptions): Promise<CapturedRun> {
  const { filePath, label, signal, timeoutMs } = options;
  const maxStdoutBytes = options.maxStdoutBytes ?? MAX_CAPTURED_STDOUT_BYTES;
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
      kill(new VideoError('TIMEOUT', `${filePath}: ${label} did not finish within ${timeoutMs} ms`, { filePath, reason: `${label} timed out` }));
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > maxStdoutBytes) {
        kill(new VideoError('UNREADABLE_MEDIA', `${filePath}: ${label} output too large`, { filePath, reason: `${label} output too large` }));
      } else {
        stdout.push(chunk);
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      stderr = (stderr + text).slice(-MAX_CAPTURED_STDERR_CHARS);
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

/** How a process ended: exit code, or the signal that killed it; both null when it never started. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface StreamingRunOptions {
  /** Aborting kills the process (SIGKILL). */
  signal?: AbortSignal | undefined;
  /** stderr text (utf8) as it arrives. */
  onStderr?: ((text: string) => void) | undefined;
  /** stderr closed, or the binary could not be started. May be called twice. */
  onStderrEnd?: (() => void) | undefined;
}

/** A process started by spawnStreaming. */
export interface StreamingProcess {
  /** The process's stdout (Buffers). Reading it as slowly as needed holds the process back (pipe backpressure). */
  readonly stdout: Readable;
  /** Resolves when the process has closed, or with both fields null when it could not be started. */
  readonly exit: Promise<ProcessExit>;
  /** Why the binary could not be started (e.g. ENOENT), null if it did. */
  readonly spawnError: Error | null;
  /** SIGKILL, unless the process already ended. */
  kill(): void;
  /** Stops listening to the signal, kills the process and destroys its pipes. Call once done. */
  dispose(): void;
}

/** Starts a binary whose stdout the caller reads as a stream. Never throws or rejects by itself. */
export function spawnStreaming(binary: string, args: readonly string[], options: StreamingRunOptions = {}): StreamingProcess {
  const { signal, onStderr, onStderrEnd } = options;
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
  let spawnError: Error | null = null;
  const exit = new Promise<ProcessExit>((resolve) => {
    child.once('error', (error) => {
      spawnError = error;
      onStderrEnd?.();
      resolve({ code: null, signal: null });
    });
    child.once('close', (code, closeSignal) => resolve({ code, signal: closeSignal }));
  });
  child.stderr.setEncoding('utf8');
  // Always drained, so a chatty process never blocks on a full stderr pipe.
  child.stderr.on('data', (text: string) => onStderr?.(text));
  if (onStderrEnd !== undefined) child.stderr.once('close', onStderrEnd);
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  signal?.addEventListener('abort', kill, { once: true });
  return {
    stdout: child.stdout,
    exit,
    get spawnError(): Error | null {
      return spawnError;
    },
    kill,
    dispose(): void {
      signal?.removeEventListener('abort', kill);
      kill();
      child.stdout.destroy();
      child.stderr.destroy();
    },
  };
}

/**
 * Cuts a byte stream into records of exactly `recordBytes` (one fresh Buffer each, owned by the
 * consumer). Pulls the next chunk only when the consumer asks for the next record.
 */
export class FixedSizeRecords implements AsyncIterable<Buffer> {
  readonly recordBytes: number;
  private readonly source: AsyncIterable<Buffer>;
  private filled = 0;

  constructor(source: AsyncIterable<Buffer>, recordBytes: number) {
    if (!Number.isInteger(recordBytes) || recordBytes <= 0) throw new RangeError(`record size must be a positive integer, got ${recordBytes}`);
    this.source = source;
    this.recordBytes = recordBytes;
  }

  /** Bytes of the incomplete record at hand: after the source ended, > 0 means it ended inside a record. */
  get partialBytes(): number {
    return this.filled;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer, void, undefined> {
    let pending: Buffer | null = null;
    for await (const chunk of this.source) {
      let offset = 0;
      while (offset < chunk.length) {
        if (pending === null) {
          pending = Buffer.allocUnsafe(this.recordBytes);
          this.filled = 0;
        }
        const count = Math.min(this.recordBytes - this.filled, chunk.length - offset);
        chunk.copy(pending, this.filled, offset, offset + count);
        this.filled += count;
        offset += count;
        if (this.filled === this.recordBytes) {
          const record = pending;
          pending = null;
          this.filled = 0;
          yield record;
        }
      }
    }
  }
}

export function throwIfAborted(signal: AbortSignal | undefined, filePath: string): void {
  if (signal?.aborted === true) throw abortedError(signal, filePath);
}

/** VideoError 'ABORTED' carrying the signal's reason as its cause. */
export function abortedError(signal: AbortSignal | undefined, filePath: string): VideoError {
  return new VideoError('ABORTED', `${filePath}: aborted`, { filePath, reason: 'aborted', cause: signal?.reason });
}

/** The VideoError for a binary that could not be started (reason = the errno code, e.g. ENOENT). */
export function spawnFailure(error: Error, binary: string, filePath: string, code: 'FFMPEG_NOT_FOUND' | 'FFPROBE_NOT_FOUND' = 'FFMPEG_NOT_FOUND'): VideoError {
  const errno = (error as NodeJS.ErrnoException).code ?? error.message;
  return new VideoError(code, `could not run ${binary} (${errno})`, { filePath, reason: String(errno), cause: error });
}
