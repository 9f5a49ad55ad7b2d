/**
 * The decoder thread of DecodePool: probes files and pumps their frames out
 * of ffmpeg's pipes while the scanning thread is busy with inference (a
 * thread blocked in synchronous work cannot drain pipes, and ffmpeg then
 * stalls). Frames go to the scanning thread as transferred buffers, at most
 * `maxBufferedBytes` per file ahead of what it has taken.
 */
import { stat } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import type { DecodeWorkerData, FromDecoder, SerializedError, ToDecoder } from './decode-protocol.js';
import { FfmpegAdapter } from './ffmpeg-adapter.js';
import { readFrames } from './frame-reader.js';
import type { FrameRequest } from './media-opener.js';
import { probeMedia } from './probe.js';

if (parentPort === null) throw new Error('decode-worker.ts must run as a worker thread');
const port = parentPort;
const adapter = new FfmpegAdapter((workerData as DecodeWorkerData).binaries);

const post = (message: FromDecoder, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);

function serializeError(error: unknown): SerializedError {
  const e = error as { name?: unknown; code?: unknown; message?: unknown; reason?: unknown } | null;
  return {
    name: typeof e?.name === 'string' ? e.name : 'Error',
    code: typeof e?.code === 'string' ? e.code : 'INTERNAL_ERROR',
    message: typeof e?.message === 'string' ? e.message : String(error),
    reason: typeof e?.reason === 'string' ? e.reason : undefined,
  };
}

/** A buffer that owns its whole ArrayBuffer (small Buffers share a pool that must not be transferred). */
function ownedArrayBuffer(data: Buffer): ArrayBuffer {
  if (data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && data.buffer instanceof ArrayBuffer) return data.buffer;
  const copy = new ArrayBuffer(data.byteLength);
  new Uint8Array(copy).set(data);
  return copy;
}

class Job {
  private readonly controller = new AbortController();
  private outstanding = 0;
  private wake: (() => void) | null = null;

  constructor(
    readonly id: number,
    readonly path: string,
    readonly request: FrameRequest,
    readonly maxBufferedBytes: number,
  ) {}

  credit(bytes: number): void {
    this.outstanding = Math.max(0, this.outstanding - bytes);
    this.wake?.();
  }

  close(): void {
    this.controller.abort();
    this.wake?.();
  }

  private async roomFor(bytes: number): Promise<void> {
    // Always let one frame through, however big.
    while (!this.controller.signal.aborted && this.outstanding > 0 && this.outstanding + bytes > this.maxBufferedBytes) {
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
  }

  async run(): Promise<void> {
    const { id, path } = this;
    const signal = this.controller.signal;
    try {
      const started = performance.now();
      const media = await probeMedia(path, { adapter, signal });
      const probeMs = performance.now() - started;
      const sizeBytes = (await stat(path)).size;
      post({ type: 'probed', id, media, probeMs, sizeBytes });
      const frames = readFrames(path, {
        ...this.request,
        mediaInfo: media,
        adapter,
        signal,
        onWarning: (w) => post({ type: 'warning', id, warning: w }),
      });
      for await (const frame of frames) {
        await this.roomFor(frame.data.byteLength);
        if (signal.aborted) return;
        const data = ownedArrayBuffer(frame.data);
        this.outstanding += data.byteLength;
        const { index, timestampMs, requestedTimestampMs, keyframe, width, height } = frame;
        post({ type: 'frame', id, frame: { index, timestampMs, requestedTimestampMs, keyframe, width, height, data } }, [data]);
      }
      if (!signal.aborted) post({ type: 'end', id });
    } catch (error) {
      if (!signal.aborted) post({ type: 'error', id, error: serializeError(error) });
    } finally {
      jobs.delete(id);
      if (shuttingDown && jobs.size === 0) port.close();
    }
  }
}

const jobs = new Map<number, Job>();
let shuttingDown = false;

port.on('message', (message: ToDecoder) => {
  switch (message.type) {
    case 'open': {
      const job = new Job(message.id, message.path, message.request, message.maxBufferedBytes);
      jobs.set(message.id, job);
      void job.run();
      break;
    }
    case 'credit':
      jobs.get(message.id)?.credit(message.bytes);
      break;
    case 'close':
      jobs.get(message.id)?.close();
      break;
    case 'shutdown':
      shuttingDown = true;
      for (const job of jobs.values()) job.close();
      if (jobs.size === 0) port.close();
      break;
  }
});
