import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import * as tfwasm from '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { describeBackend, selectBackend, type BackendInfo } from '../../../src/model/backend.js';
import { BackendError, BackendUnavailableError, ModelError } from '../../../src/model/errors.js';
import { WASM_MAX_THREADS } from '../../../src/model/wasm-threads.js';

// Taken before anything initialises a backend: the pthread shim must put all of these back.
const globalsBefore = {
  Blob: Object.getOwnPropertyDescriptor(globalThis, 'Blob'),
  Worker: Object.getOwnPropertyDescriptor(globalThis, 'Worker'),
  createObjectURL: Object.getOwnPropertyDescriptor(URL, 'createObjectURL'),
  instantiate: Object.getOwnPropertyDescriptor(WebAssembly, 'instantiate'),
};

const require = createRequire(import.meta.url);
const tfjsNodeInstalled = ((): boolean => {
  try {
    require.resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
})();
const wasmVersion = (require('@tensorflow/tfjs-backend-wasm/package.json') as { version: string }).version;
const cpuVersion = (require('@tensorflow/tfjs-backend-cpu/package.json') as { version: string }).version;

/** Deterministic values in [-1, 1) (mulberry32). */
function values(n: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) / 2 ** 31 - 1;
  }
  return out;
}

interface ConvCase {
  x: [number, number, number, number];
  w: [number, number, number, number];
  stride: number;
  pad: 'same' | 'valid';
}

const CONV_CASES: ConvCase[] = [
  { x: [4, 32, 32, 16], w: [3, 3, 16, 32], stride: 1, pad: 'same' },
  { x: [2, 33, 31, 8], w: [5, 5, 8, 12], stride: 2, pad: 'valid' },
  { x: [8, 16, 16, 64], w: [1, 1, 64, 128], stride: 1, pad: 'same' },
];

function runConvs(): Float32Array[] {
  return CONV_CASES.map((c, i) =>
    tf.tidy(() => {
      const x = tf.tensor4d(values(c.x.reduce((p, q) => p * q), 11 + i), c.x);
      const w = tf.tensor4d(values(c.w.reduce((p, q) => p * q), 97 + i), c.w);
      return tf.conv2d(x, w, c.stride, c.pad).dataSync() as Float32Array;
    }),
  );
}

/** Per-thread CPU ticks (utime + stime) of this process, by thread id (Linux /proc). */
function threadTicks(): Map<string, number> {
  const ticks = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks.set(tid, Number(fields[11]) + Number(fields[12]));
    } catch {
      // the thread ended meanwhile
    }
  }
  return ticks;
}

describe('selectBackend', () => {
  it('picks the native backend if tfjs-node is installed, else multi-threaded SIMD wasm, by default', async () => {
    const info = await selectBackend();
    if (tfjsNodeInstalled) {
      expect(info.name).toBe('tensorflow');
      return;
    }
    expect(info).toEqual<BackendInfo>({
      name: 'wasm',
      threads: Math.min(os.availableParallelism(), WASM_MAX_THREADS),
      simd: true,
      version: wasmVersion,
    });
    expect(tf.getBackend()).toBe('wasm');
    expect(tfwasm.getThreadsCount()).toBe(info.threads);
    await expect(describeBackend()).resolves.toEqual(info);
  });

  it('restores every global the pthread shim touched and leaves no emscripten process listeners', async () => {
    await selectBackend({ backend: 'wasm' });
    expect(Object.getOwnPropertyDescriptor(globalThis, 'Blob')).toEqual(globalsBefore.Blob);
    expect(Object.getOwnPropertyDescriptor(globalThis, 'Worker')).toEqual(globalsBefore.Worker);
    expect(Object.getOwnPropertyDescriptor(URL, 'createObjectURL')).toEqual(globalsBefore.createObjectURL);
    expect(Object.getOwnPropertyDescriptor(WebAssembly, 'instantiate')).toEqual(globalsBefore.instantiate);
    const listenerSources = [...process.listeners('uncaughtException'), ...process.listeners('unhandledRejection')].map(
      (l) => Function.prototype.toString.call(l),
    );
    expect(listenerSources.filter((s) => s.includes('ExitStatus') || /throw\s+reason/.test(s))).toEqual([]);
  });

  it('runs wasm on exactly the requested number of threads (2)', async () => {
    const info = await selectBackend({ backend: 'wasm', threads: 2 });
    expect(info).toMatchObject({ name: 'wasm', threads: 2, simd: true });
    expect(tfwasm.getThreadsCount()).toBe(2);
    // One pthread worker besides the calling thread; the 8 - 1 idle pool workers were terminated.
    const pthread = (tf.findBackend('wasm') as unknown as { wasm: { PThread: { runningWorkers: unknown[]; unusedWorkers: unknown[] } } })
      .wasm.PThread;
    expect(pthread.runningWorkers).toHaveLength(1);
    expect(pthread.unusedWorkers).toHaveLength(0);
  });

  it.skipIf(process.platform !== 'linux')('really splits a large matMul across the pthread pool', async () => {
    await selectBackend({ backend: 'wasm', threads: 2 });
    const a = tf.tensor2d(values(1024 * 1024, 1), [1024, 1024]);
    const b = tf.tensor2d(values(1024 * 1024, 2), [1024, 1024]);
    tf.matMul(a, b).dispose(); // warm-up: XNNPACK operator creation, weight packing
    const before = threadTicks();
    for (let i = 0; i < 20; i++) tf.matMul(a, b).dispose();
    const after = threadTicks();
    a.dispose();
    b.dispose();
    const mainTid = String(process.pid);
    const main = (after.get(mainTid) ?? 0) - (before.get(mainTid) ?? 0);
    const others = [...after].filter(([tid]) => tid !== mainTid).map(([tid, t]) => t - (before.get(tid) ?? t));
    const busiestOther = Math.max(0, ...others);
    // With 2 threads pthreadpool hands each thread about half of the tiles. Even on a loaded machine
    // (work stealing lets the main thread take over tiles) the pool thread does a real share of the work.
    expect(main).toBeGreaterThan(0);
    expect(busiestOther).toBeGreaterThanOrEqual(main * 0.25);
  });

  it('computes conv2d on multi-threaded wasm within 1e-4 of the cpu backend', async () => {
    await selectBackend({ backend: 'wasm', threads: 2 });
    expect(tf.getBackend()).toBe('wasm');
    const onWasm = runConvs();
    await selectBackend({ backend: 'cpu' });
    expect(tf.getBackend()).toBe('cpu');
    const onCpu = runConvs();
    for (let c = 0; c < CONV_CASES.length; c++) {
      const w = onWasm[c]!;
      const r = onCpu[c]!;
      expect(w.length).toBe(r.length);
      let maxDiff = 0;
      let maxAbs = 0;
      for (let i = 0; i < r.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(w[i]! - r[i]!));
        maxAbs = Math.max(maxAbs, Math.abs(r[i]!));
      }
      expect(maxAbs).toBeGreaterThan(1); // non-trivial outputs
      expect(maxDiff).toBeLessThan(1e-4);
    }
  });

  it('is idempotent: the same request again reuses the live backend', async () => {
    const first = await selectBackend({ backend: 'wasm', threads: 2 });
    const instance = tf.findBackend('wasm');
    const t0 = performance.now();
    const second = await selectBackend({ backend: 'wasm', threads: 2 });
    const elapsed = performance.now() - t0;
    expect(second).toEqual(first);
    expect(tf.findBackend('wasm')).toBe(instance);
    expect(elapsed).toBeLessThan(50);
  });

  it('refuses to change the wasm thread count while wasm tensors are alive', async () => {
    await selectBackend({ backend: 'wasm', threads: 2 });
    const alive = tf.ones([4]);
    try {
      const err = await selectBackend({ backend: 'wasm', threads: 1 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BackendError);
      expect((err as BackendError).code).toBe('BACKEND_CONFLICT');
      expect(tfwasm.getThreadsCount()).toBe(2);
    } finally {
      alive.dispose();
    }
    // Once they are gone the pool can be rebuilt, down and back up.
    await expect(selectBackend({ backend: 'wasm', threads: 1 })).resolves.toMatchObject({ name: 'wasm', threads: 1 });
    await expect(selectBackend({ backend: 'wasm', threads: 2 })).resolves.toMatchObject({ name: 'wasm', threads: 2 });
    expect(tf.tidy(() => tf.matMul(tf.ones([2, 3]), tf.ones([3, 2])).dataSync())).toEqual(new Float32Array([3, 3, 3, 3]));
  });

  it.skipIf(tfjsNodeInstalled)('rejects an explicit tensorflow request with BACKEND_UNAVAILABLE when tfjs-node is absent', async () => {
    await selectBackend({ backend: 'wasm' });
    const err = await selectBackend({ backend: 'tensorflow' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect(err).toBeInstanceOf(ModelError);
    const e = err as BackendUnavailableError;
    expect(e.code).toBe('BACKEND_UNAVAILABLE');
    expect(e.backend).toBe('tensorflow');
    expect(e.message).toContain('@tensorflow/tfjs-node');
    expect(e.message).toContain('not installed');
    expect(e.cause).toBeDefined();
    // The failed request did not disturb the active backend.
    expect(tf.getBackend()).toBe('wasm');
  });

  it('uses the cpu backend when, and only when, explicitly asked', async () => {
    const info = await selectBackend({ backend: 'cpu' });
    expect(info).toEqual<BackendInfo>({ name: 'cpu', threads: 1, simd: false, version: cpuVersion });
    expect(tf.getBackend()).toBe('cpu');
    expect(tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).dataSync())).toEqual(new Float32Array([4, 6]));
    await expect(describeBackend()).resolves.toEqual(info);
    // Automatic selection goes back to wasm (or tensorflow), never stays on cpu.
    const auto = await selectBackend();
    expect(auto.name).toBe(tfjsNodeInstalled ? 'tensorflow' : 'wasm');
  });

  it('rejects bad options with BACKEND_INVALID_OPTIONS', async () => {
    for (const bad of [{ threads: 0 }, { threads: 1.5 }, { backend: 'webgl' as never }]) {
      const err = await selectBackend(bad).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BackendError);
      expect((err as BackendError).code).toBe('BACKEND_INVALID_OPTIONS');
    }
  });
});

/** Runs an ES module snippet in a fresh `node --import tsx` process; resolves with its stdout. */
async function runScript(lines: string[]): Promise<string> {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '--eval', lines.join('\n')],
    { cwd: root, timeout: 60_000, killSignal: 'SIGKILL' },
  );
  return stdout.trim();
}

const backendUrl = JSON.stringify(new URL('../../../src/model/backend.ts', import.meta.url).href);

describe('in a fresh process', () => {
  it('a script that used the multi-threaded wasm backend exits on its own', async () => {
    // No process.exit(): the script only ends if no pthread worker keeps the event loop alive.
    const out = await runScript([
      `import * as tf from '@tensorflow/tfjs-core';`,
      `import { selectBackend } from ${backendUrl};`,
      `const info = await selectBackend({ backend: 'wasm', threads: 2 });`,
      `const m = tf.matMul(tf.ones([256, 256]), tf.ones([256, 256]));`,
      `console.log(JSON.stringify({ threads: info.threads, v: m.dataSync()[0] }));`,
    ]);
    expect(JSON.parse(out)).toEqual({ threads: 2, v: 256 });
  });

  it.skipIf(tfjsNodeInstalled)('upgrades a wasm backend that someone else initialised single-threaded', async () => {
    const out = await runScript([
      `import * as tf from '@tensorflow/tfjs-core';`,
      `import * as wasm from '@tensorflow/tfjs-backend-wasm';`,
      `import { selectBackend } from ${backendUrl};`,
      `await tf.setBackend('wasm');`, // tfjs' own path: threads are disabled in Node
      `const before = wasm.getThreadsCount();`,
      `const info = await selectBackend();`,
      `console.log(JSON.stringify({ before, after: info.threads, live: wasm.getThreadsCount() }));`,
    ]);
    const expected = Math.min(os.availableParallelism(), WASM_MAX_THREADS);
    expect(JSON.parse(out)).toEqual({ before: 1, after: expected, live: expected });
  });
});
