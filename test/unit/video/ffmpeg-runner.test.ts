import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  abortedError,
  FixedSizeRecords,
  MAX_CAPTURED_STDERR_CHARS,
  runCaptured,
  spawnFailure,
  spawnStreaming,
  throwIfAborted,
} from '../../../src/video/ffmpeg-runner.js';
import { VideoError } from '../../../src/video/video-error.js';

/** `node -e <script>` stands in for ffmpeg/ffprobe. */
const node = process.execPath;
const missingBinary = path.join(os.tmpdir(), 'ldf-no-such-binary', 'ffprobe');
const filePath = 'clips/a.mp4';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ldf-runner-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('runCaptured', () => {
  const options = { filePath, label: 'ffprobe', timeoutMs: 20_000 };

  it('resolves with the exit code, stdout and stderr; a non-zero exit is not an error', async () => {
    const script = "process.stdout.write('{\"a\":'); process.stdout.write('1}'); process.stderr.write('bad\\nworse\\n'); process.exitCode = 3";
    expect(await runCaptured(node, ['-e', script], options)).toEqual({ exitCode: 3, stdout: '{"a":1}', stderr: 'bad\nworse\n' });
    expect(await runCaptured(node, ['-e', 'process.stdout.write(process.argv.slice(1).join("|"))', 'file:/x y', '-v'], options)).toEqual({
      exitCode: 0,
      stdout: 'file:/x y|-v',
      stderr: '',
    });
  });

  it('reports a process killed by a signal with a null exit code', async () => {
    const run = await runCaptured(node, ['-e', "process.kill(process.pid, 'SIGTERM'); setInterval(() => {}, 1000)"], options);
    expect(run.exitCode).toBeNull();
  });

  it(`keeps the last ${MAX_CAPTURED_STDERR_CHARS} characters of stderr`, async () => {
    const script = `process.stderr.write('x'.repeat(${MAX_CAPTURED_STDERR_CHARS + 5000}) + 'END')`;
    const run = await runCaptured(node, ['-e', script], options);
    expect(run.stderr).toHaveLength(MAX_CAPTURED_STDERR_CHARS);
    expect(run.stderr.endsWith('xEND')).toBe(true);
  });

  it('kills a run whose stdout grows too large (UNREADABLE_MEDIA)', async () => {
    const script = "const b = Buffer.alloc(4096, 97); const w = () => { while (process.stdout.write(b)); process.stdout.once('drain', w); }; w()";
    const error = await rejection(runCaptured(node, ['-e', script], { ...options, maxStdoutBytes: 100_000 }));
    expect(error).toBeInstanceOf(VideoError);
    expect(error).toMatchObject({ code: 'UNREADABLE_MEDIA', filePath, reason: 'ffprobe output too large', message: `${filePath}: ffprobe output too large` });
  });

  it('kills a run that outlives its time limit (TIMEOUT) and the process is gone', async () => {
    const pidFile = path.join(dir, 'timeout.pid');
    const script = `require('node:fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setInterval(() => {}, 1000)`;
    const started = Date.now();
    const error = await rejection(runCaptured(node, ['-e', script], { ...options, label: 'ffmpeg', timeoutMs: 1500 }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    expect(error).toMatchObject({ code: 'TIMEOUT', reason: 'ffmpeg timed out', message: `${filePath}: ffmpeg did not finish within 1500 ms` });
    expect(isAlive(Number(await readFile(pidFile, 'utf8')))).toBe(false);
  });

  it('kills the run on abort (ABORTED, the signal reason as cause)', async () => {
    const controller = new AbortController();
    const running = runCaptured(node, ['-e', "process.stdout.write('go'); setInterval(() => {}, 1000)"], { ...options, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('user stop')), 300);
    const error = await rejection(running);
    expect(error).toMatchObject({ code: 'ABORTED', filePath, reason: 'aborted' });
    expect(((error as VideoError).cause as Error).message).toBe('user stop');
  });

  it('an already-aborted signal rejects before spawning', async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await rejection(runCaptured(missingBinary, [], { ...options, signal: controller.signal }))).toMatchObject({ code: 'ABORTED' });
  });

  it('rejects with the spawn error itself for a missing binary', async () => {
    const error = await rejection(runCaptured(missingBinary, [], options));
    expect(error).not.toBeInstanceOf(VideoError);
    expect((error as NodeJS.ErrnoException).code).toBe('ENOENT');
  });
});

describe('spawnStreaming', () => {
  async function collect(stream: AsyncIterable<Buffer>): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    return Buffer.concat(chunks);
  }

  it('streams stdout, feeds stderr to the callback, ends it, and reports the exit', async () => {
    const stderr: string[] = [];
    let ends = 0;
    const child = spawnStreaming(node, ['-e', "process.stdout.write(Buffer.from([1, 2, 3])); process.stderr.write('[error] é\\n'); process.exitCode = 2"], {
      onStderr: (text) => stderr.push(text),
      onStderrEnd: () => ends++,
    });
    expect(await collect(child.stdout)).toEqual(Buffer.from([1, 2, 3]));
    expect(await child.exit).toEqual({ code: 2, signal: null });
    expect(stderr.join('')).toBe('[error] é\n');
    expect(ends).toBe(1);
    expect(child.spawnError).toBeNull();
    child.dispose();
  });

  it('drains stderr even without a callback (a chatty process does not block)', async () => {
    const child = spawnStreaming(node, ['-e', "process.stderr.write('x'.repeat(1 << 20)); process.stdout.write('done')"]);
    expect((await collect(child.stdout)).toString()).toBe('done');
    expect(await child.exit).toEqual({ code: 0, signal: null });
  });

  it('abort kills the process', async () => {
    const controller = new AbortController();
    const child = spawnStreaming(node, ['-e', "process.stdout.write('a'); setInterval(() => {}, 1000)"], { signal: controller.signal });
    for await (const chunk of child.stdout) {
      expect(chunk.toString()).toBe('a');
      controller.abort();
    }
    expect(await child.exit).toEqual({ code: null, signal: 'SIGKILL' });
    child.dispose();
  });

  it('dispose kills a running process and stops listening to the signal', async () => {
    const controller = new AbortController();
    const child = spawnStreaming(node, ['-e', 'setInterval(() => {}, 1000)'], { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 200));
    child.dispose();
    expect(await child.exit).toEqual({ code: null, signal: 'SIGKILL' });
    expect(child.stdout.destroyed).toBe(true);
    child.kill(); // already ended: no-op, no throw
    controller.abort();
  });

  it('a missing binary: spawnError set, exit with nulls, stderr end reported', async () => {
    let ends = 0;
    const child = spawnStreaming(missingBinary, [], { onStderrEnd: () => ends++ });
    expect(await collect(child.stdout)).toHaveLength(0);
    expect(await child.exit).toEqual({ code: null, signal: null });
    expect((child.spawnError as NodeJS.ErrnoException | null)?.code).toBe('ENOENT');
    expect(ends).toBeGreaterThanOrEqual(1);
    child.dispose();
  });
});

describe('FixedSizeRecords', () => {
  async function* chunks(parts: number[][], pulls: { count: number }): AsyncGenerator<Buffer> {
    for (const part of parts) {
      pulls.count++;
      yield Buffer.from(part);
    }
  }

  it('cuts arbitrary chunks into fresh records of exactly the record size', async () => {
    const pulls = { count: 0 };
    const records = new FixedSizeRecords(chunks([[1], [2, 3, 4, 5], [], [6, 7, 8, 9, 10, 11, 12]], pulls), 3);
    const out: Buffer[] = [];
    for await (const record of records) out.push(record);
    expect(out.map((b) => [...b])).toEqual([[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]]);
    // each record is its own memory: overwriting one leaves the others intact
    for (const record of out) record.fill(0);
    out[0]?.fill(255);
    expect(out.map((b) => [...b])).toEqual([[255, 255, 255], [0, 0, 0], [0, 0, 0], [0, 0, 0]]);
    expect(records.partialBytes).toBe(0);
    expect(pulls.count).toBe(4);
  });

  it('reports the bytes of an incomplete last record', async () => {
    const records = new FixedSizeRecords(chunks([[1, 2, 3, 4, 5, 6, 7]], { count: 0 }), 4);
    const out: number[][] = [];
    for await (const record of records) out.push([...record]);
    expect(out).toEqual([[1, 2, 3, 4]]);
    expect(records.partialBytes).toBe(3);
  });

  it('pulls the next chunk only when the next record is asked for', async () => {
    const pulls = { count: 0 };
    const iterator = new FixedSizeRecords(chunks([[1, 2], [3, 4], [5, 6]], pulls), 2)[Symbol.asyncIterator]();
    expect([...((await iterator.next()).value as Buffer)]).toEqual([1, 2]);
    expect(pulls.count).toBe(1);
    await iterator.return(undefined);
    expect(pulls.count).toBe(1);
  });

  it('rejects a record size that is not a positive integer', () => {
    expect(() => new FixedSizeRecords(chunks([], { count: 0 }), 0)).toThrow(RangeError);
    expect(() => new FixedSizeRecords(chunks([], { count: 0 }), 1.5)).toThrow(RangeError);
  });
});

describe('error helpers', () => {
  it('throwIfAborted / abortedError', () => {
    const controller = new AbortController();
    expect(() => throwIfAborted(controller.signal, filePath)).not.toThrow();
    expect(() => throwIfAborted(undefined, filePath)).not.toThrow();
    controller.abort('why');
    expect(() => throwIfAborted(controller.signal, filePath)).toThrow(VideoError);
    expect(abortedError(controller.signal, filePath)).toMatchObject({ code: 'ABORTED', message: `${filePath}: aborted`, filePath, reason: 'aborted', cause: 'why' });
  });

  it('spawnFailure names the binary and the errno', () => {
    const enoent = Object.assign(new Error('spawn x ENOENT'), { code: 'ENOENT' });
    expect(spawnFailure(enoent, '/opt/ffmpeg', filePath)).toMatchObject({ code: 'FFMPEG_NOT_FOUND', message: 'could not run /opt/ffmpeg (ENOENT)', reason: 'ENOENT', cause: enoent });
    expect(spawnFailure(new Error('odd'), '/opt/ffprobe', filePath, 'FFPROBE_NOT_FOUND')).toMatchObject({ code: 'FFPROBE_NOT_FOUND', reason: 'odd' });
  });
});
