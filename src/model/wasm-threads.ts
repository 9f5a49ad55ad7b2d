/**
 * Multi-threaded TF.js wasm backend under Node.js.
 *
 * @tensorflow/tfjs-backend-wasm ships a pthread build (tfjs-backend-wasm-threaded-simd.wasm, XNNPACK +
 * pthreadpool compiled with emscripten) but never uses it in Node, and forcing it on does not work out
 * of the box. Three independent problems stand in the way; this module fixes each one for the duration
 * of the backend's initialisation only and then puts every global back:
 *
 *  1. The flag `WASM_HAS_MULTITHREAD_SUPPORT` is hard-wired to `false` when `IS_NODE` (tfjs issue #3830).
 *     -> we set the flag to `true` ourselves, so `init()` picks the threaded-simd factory.
 *
 *  2. emscripten's pthread workers cannot start in Node. tfjs builds the worker script and the "main
 *     script" (the module factory's source) as `Blob`s, turns the worker one into a `blob:` URL and calls
 *     `new Worker(blobUrl)`; Node's `worker_threads.Worker` only accepts file paths / file: URLs / code
 *     with `{ eval: true }`, and Node cannot read a Blob synchronously. The worker later receives the
 *     factory Blob in its 'load' message and `importScripts()` it, which in Node means fs.readFileSync.
 *     -> {@link RecordingBlob} remembers the text of every all-string Blob, `URL.createObjectURL` maps the
 *        resulting blob: URL to that text, the global `Worker` becomes {@link PthreadWorker}, which starts
 *        an `eval` worker from the recorded text (plus {@link WORKER_SCRIPT_SUFFIX}) and rewrites the
 *        'load' message so it carries the factory's source text instead of the Blob.
 *
 *  3. The root cause of "initialises fine but getThreadsCount() === 1": the C++ side
 *     (tfjs-backend-wasm/src/cc/backend.cc, `init_with_threads_count`) caps the pool at
 *        min(requested, 8, num_cores)   with   num_cores = emscripten_num_logical_cores() / 2
 *     (it assumes two hyper-threads per core), and in Node `emscripten_num_logical_cores()` is
 *     `os.cpus().length`. On a 2-vCPU machine num_cores = 1, so `pthreadpool_create(1)` is called, no
 *     pthread is ever spawned (8 pre-loaded workers stay unused) and everything runs on the main thread.
 *     `num_cores` is a C++ global initialised from that JS import by `__wasm_call_ctors`.
 *     -> while the backend initialises, `WebAssembly.instantiate` is wrapped so that the module's
 *        `env.emscripten_num_logical_cores` import reports at least 2 x the requested thread count.
 *        The cap then becomes min(requested, 8): exactly what the caller asked for (8 = PTHREAD_POOL_SIZE,
 *        the number of workers emscripten pre-creates).
 *
 * Things checked while getting here (so nobody has to re-investigate them):
 *  - Worker loading vs. `init_with_threads_count`: emscripten adds a run dependency that is released
 *    only after all 8 pool workers answered 'loaded', so the module's `ready` promise (and with it the
 *    BackendWasm constructor that calls `init_with_threads_count`) never runs before the workers are
 *    loaded. `spawnThread` therefore posts the 'run' message immediately (`worker.loaded === true`).
 *  - Main-thread blocking: `pthreadpool_create` blocks the main thread (futex / Atomics.wait, allowed
 *    in Node) until every pthread has started. That cannot deadlock because the 'run' message is
 *    delivered by the worker's own event loop; it would deadlock only if a worker were not loaded yet
 *    (its 'loaded' message must then be processed by the blocked main loop), which the previous point
 *    rules out. (Only an initialisation we abandoned can get there; see ShimSession#aborted.)
 *  - Process exit: emscripten `ref()`s a worker when it starts a pthread on it and never `unref()`s it
 *    again (pthreadpool threads live forever), so a process that used the backend would never exit.
 *    -> after init every worker is unref()'d; the idle pool workers (8 - (N - 1)) are terminated.
 *  - emscripten's Node glue installs process 'uncaughtException' / 'unhandledRejection' listeners that
 *    re-throw (turning every uncaught error into exit code 7 instead of 1); they are removed after init.
 *
 * The same code works when loaded through tsx (TypeScript) and from compiled JS: nothing depends on how
 * this file was loaded, the pthread workers are plain `eval` workers started with an empty `execArgv`
 * (they must not inherit `--import tsx` and the like; they only run emscripten's JS glue and the wasm).
 */
import * as os from 'node:os';
import { Worker as NodeWorker, type TransferListItem, type WorkerOptions } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { BackendError, BackendInitError } from './errors.js';

/** emscripten pre-creates this many pthread workers (PTHREAD_POOL_SIZE); backend.cc caps the pool at it too. */
export const WASM_MAX_THREADS = 8;

/** Default time allowed for the wasm module + pthread workers to come up before giving up. */
export const DEFAULT_WASM_INIT_TIMEOUT_MS = 60_000;

export interface WasmInitOptions {
  /**
   * Total threads for XNNPACK, the calling (main) thread included; 1 = single-threaded SIMD build, values
   * above {@link WASM_MAX_THREADS} are capped. Left out: reuse the live wasm backend whatever its thread
   * count, or start one with {@link defaultWasmThreads}.
   */
  threads?: number;
  /** Give up (BACKEND_INIT_FAILED) if initialisation has not finished after this many ms. */
  timeoutMs?: number;
}

export interface WasmBackendInfo {
  /** Threads XNNPACK actually uses (`getThreadsCount()`), main thread included. */
  threads: number;
  /** Thread count that was asked for (after capping at {@link WASM_MAX_THREADS}). */
  requestedThreads: number;
  /** True when the threaded-simd build with a live pthread pool is in use. */
  multiThreaded: boolean;
  simd: boolean;
  /** @tensorflow/tfjs-backend-wasm version. */
  version: string;
}

// ---------------------------------------------------------------------------------------------------------
// Minimal structural types for the emscripten internals we touch (not part of tfjs' public typings).

interface EmscriptenPthreadWorker {
  ref(): void;
  unref(): void;
  terminate(): Promise<number>;
}

interface EmscriptenPThread {
  unusedWorkers: EmscriptenPthreadWorker[];
  runningWorkers: EmscriptenPthreadWorker[];
}

interface WasmKernelBackend extends tf.KernelBackend {
  wasm: { PThread?: EmscriptenPThread } | null;
}

type WasmPackage = typeof import('@tensorflow/tfjs-backend-wasm');

// ---------------------------------------------------------------------------------------------------------
// Node pthread shim.

/**
 * Appended to the worker script (emscripten's tfjs-backend-wasm-threaded-simd.worker.js, as tfjs embeds
 * it); it runs synchronously right after that script, i.e. before the worker handles any message.
 * Why each line exists:
 *  - The factory source that tfjs hands to the worker is `wasmFactoryThreadedSimd.toString()` taken from
 *    the rollup *node bundle*, where the module's `require('fs')`, `require('path')`, `require('perf_hooks')`,
 *    `require('os')` were hoisted into the bundle-level variables `require$$0/1/3/4` and `globalThis` into
 *    `commonjsGlobal`. Those free variables do not exist inside the worker, so we define them.
 *  - `__values`, `__read`, `__spreadArray` are tslib helpers referenced by the same source (only on
 *    main-thread code paths today; defined defensively so a pthread can never hit a ReferenceError).
 *  - `importScripts` (emscripten's Node version reads a *file*) is replaced by an indirect eval, because
 *    the 'load' message now carries the factory's source text (see PthreadWorker#postMessage).
 */
const WORKER_SCRIPT_SUFFIX = `
;globalThis.require$$0 = require("fs");
globalThis.require$$1 = require("path");
globalThis.require$$3 = require("perf_hooks");
globalThis.require$$4 = require("os");
globalThis.commonjsGlobal = globalThis;
globalThis.__values = globalThis.__values || function (o) { return o[Symbol.iterator](); };
globalThis.__read = globalThis.__read || function (o, n) { var a = Array.from(o); return n === undefined ? a : a.slice(0, n); };
globalThis.__spreadArray = globalThis.__spreadArray || function (to, from) { return to.concat(Array.prototype.slice.call(from)); };
globalThis.importScripts = function (source) { (0, eval)(source); };
`;

/** State of one initialisation attempt; the shim's globals only ever exist while one is active. */
interface ShimSession {
  /** Text of every Blob built from strings while the session is active. */
  readonly blobText: WeakMap<Blob, string>;
  /** blob: URL -> text, for URLs created from recorded Blobs. */
  readonly urlText: Map<string, string>;
  readonly workers: PthreadWorker[];
  /** Rejects with the first fatal worker problem (error event, early exit). */
  readonly failure: Promise<never>;
  fail(reason: unknown): void;
  active: boolean;
  /**
   * Set when the attempt failed (error, timeout). The abandoned module may still become ready later (a
   * 'loaded' message already in flight) and then run the BackendWasm constructor, whose
   * pthreadpool_create blocks the main thread until its pthreads start. Starting a pthread on a worker
   * we have terminated would block it forever, so 'run' messages of an aborted session throw instead:
   * the exception unwinds through the wasm and rejects that abandoned initialisation harmlessly.
   */
  aborted: boolean;
}

let session: ShimSession | undefined;

function newSession(): ShimSession {
  let reject!: (reason: unknown) => void;
  const failure = new Promise<never>((_resolve, rej) => {
    reject = rej;
  });
  failure.catch(() => undefined); // observed via Promise.race; never an unhandled rejection
  const s: ShimSession = {
    blobText: new WeakMap(),
    urlText: new Map(),
    workers: [],
    failure,
    active: true,
    aborted: false,
    fail: (reason) => {
      if (s.active) reject(reason);
    },
  };
  return s;
}

const OriginalBlob: typeof Blob = globalThis.Blob;

/**
 * Stand-in for the global `Blob` during init: a real Blob (so `instanceof Blob`, `URL.createObjectURL`,
 * structured clone keep working) that also remembers its text when it was built from strings only,
 * because Node offers no synchronous way to read a Blob back and `new Worker()` is synchronous.
 */
class RecordingBlob extends OriginalBlob {
  constructor(parts?: BlobPart[], options?: BlobPropertyBag) {
    super(parts, options);
    if (session !== undefined && parts !== undefined && parts.every((p): p is string => typeof p === 'string')) {
      session.blobText.set(this, parts.join(''));
    }
  }
}

/** The 'load' command emscripten posts to every pool worker (subset we rely on). */
interface EmscriptenLoadMessage {
  cmd: 'load';
  urlOrBlob: unknown;
}

function isLoadMessage(msg: unknown): msg is EmscriptenLoadMessage {
  return typeof msg === 'object' && msg !== null && (msg as { cmd?: unknown }).cmd === 'load';
}

/** The 'run' command: start a pthread's entry point on this worker. */
function isRunMessage(msg: unknown): boolean {
  return typeof msg === 'object' && msg !== null && (msg as { cmd?: unknown }).cmd === 'run';
}

/**
 * What emscripten's `new Worker(url)` gets during init. For a blob: URL recorded by the session it starts
 * an `eval` worker from the Blob's text (+ WORKER_SCRIPT_SUFFIX); anything else is passed to Node untouched.
 */
class PthreadWorker extends NodeWorker {
  /** The handler emscripten assigns to `worker.onerror` (it re-throws, i.e. crashes the process). */
  private emscriptenOnError: ((e: unknown) => void) | undefined;
  private readonly owner: ShimSession | undefined;

  constructor(url: string | URL, options?: WorkerOptions) {
    super(...PthreadWorker.resolve(url, options));
    this.owner = session;
    if (this.owner === undefined) return;
    const owner = this.owner;
    owner.workers.push(this);
    // Registered first so that a worker failing before emscripten attached its listeners (e.g. a
    // ReferenceError while evaluating the script) becomes BACKEND_INIT_FAILED instead of an unhandled
    // 'error' event that kills the process.
    this.on('error', (e: unknown) => {
      if (owner.active) owner.fail(e);
    });
    this.on('exit', (code: number) => {
      if (owner.active) owner.fail(new Error(`wasm pthread worker exited with code ${code} during initialisation`));
    });
  }

  private static resolve(url: string | URL, options?: WorkerOptions): [string | URL, WorkerOptions | undefined] {
    const text = typeof url === 'string' ? session?.urlText.get(url) : undefined;
    if (text === undefined) return [url, options];
    return [text + WORKER_SCRIPT_SUFFIX, { eval: true, execArgv: [] }];
  }

  /** emscripten sets `worker.onerror = e => { err(...); throw e }`; see the getter. */
  set onerror(handler: ((e: unknown) => void) | undefined) {
    this.emscriptenOnError = handler;
  }

  /**
   * emscripten calls `worker.onerror(e)` from its own 'error' listener. While initialising, errors are
   * reported through the session (our own listener) instead of being re-thrown as an uncaught exception;
   * afterwards emscripten's behaviour is kept (a dead pthread is fatal).
   */
  get onerror(): (e: unknown) => void {
    return (e: unknown) => {
      if (this.owner?.active === true) return;
      this.emscriptenOnError?.(e);
    };
  }

  override postMessage(value: unknown, transferList?: readonly TransferListItem[]): void {
    if (this.owner?.aborted === true && isRunMessage(value)) {
      throw new Error('this wasm backend initialisation was abandoned; refusing to start a pthread');
    }
    // The worker would `importScripts(URL.createObjectURL(blob))`, i.e. read a file; send the text instead.
    if (isLoadMessage(value) && value.urlOrBlob instanceof OriginalBlob) {
      const text = this.owner?.blobText.get(value.urlOrBlob);
      if (text !== undefined) value = { ...value, urlOrBlob: text };
    }
    super.postMessage(value, transferList);
  }
}

/** Replaces `target[key]` with `descriptor`; returns a function that puts the original back exactly. */
function overrideProperty(target: object, key: PropertyKey, descriptor: PropertyDescriptor): () => void {
  const original = Object.getOwnPropertyDescriptor(target, key);
  Object.defineProperty(target, key, { configurable: true, enumerable: original?.enumerable ?? false, ...descriptor });
  return () => {
    if (original === undefined) Reflect.deleteProperty(target, key);
    else Object.defineProperty(target, key, original);
  };
}

/**
 * Installs the shim's globals for one threaded init and returns the function that removes them again.
 * `threads` is the pool size we want backend.cc to accept (see point 3 in the file comment).
 */
function installPthreadShim(s: ShimSession, threads: number): () => void {
  const restores: Array<() => void> = [];

  // Blob: record the text of string-only Blobs (worker script + factory source).
  restores.push(overrideProperty(globalThis, 'Blob', { value: RecordingBlob, writable: true }));

  // URL.createObjectURL: remember which blob: URL holds which text, so PthreadWorker can find it.
  const originalCreateObjectURL = URL.createObjectURL.bind(URL);
  restores.push(
    overrideProperty(URL, 'createObjectURL', {
      value: (blob: Blob): string => {
        const url = originalCreateObjectURL(blob);
        const text = s.blobText.get(blob);
        if (text !== undefined) s.urlText.set(url, text);
        return url;
      },
      writable: true,
    }),
  );

  // Worker: emscripten's node glue runs `commonjsGlobal.Worker = require('worker_threads').Worker` inside
  // the factory and then `new Worker(blobUrl)`. An accessor whose setter ignores that assignment keeps
  // PthreadWorker in place for the whole init.
  restores.push(
    overrideProperty(globalThis, 'Worker', {
      get: () => PthreadWorker,
      set: () => undefined,
    }),
  );

  // WebAssembly.instantiate: report enough logical cores for backend.cc to accept `threads`.
  const originalInstantiate = WebAssembly.instantiate;
  const patchedInstantiate = function (this: unknown, source: unknown, imports?: WebAssembly.Imports): unknown {
    const env = imports?.['env'];
    const cores = env?.['emscripten_num_logical_cores'];
    if (imports !== undefined && env !== undefined && typeof cores === 'function') {
      const realCores = cores as () => number;
      const patchedEnv: WebAssembly.ModuleImports = {
        ...env,
        emscripten_num_logical_cores: () => Math.max(2 * threads, realCores()),
      };
      const patched: WebAssembly.Imports = { ...imports, env: patchedEnv };
      // emscripten passes the very same object as `env` and `wasi_snapshot_preview1`.
      if (imports['wasi_snapshot_preview1'] === env) patched['wasi_snapshot_preview1'] = patchedEnv;
      imports = patched;
    }
    return (originalInstantiate as (this: unknown, s: unknown, i?: WebAssembly.Imports) => unknown).call(
      this,
      source,
      imports,
    );
  };
  restores.push(overrideProperty(WebAssembly, 'instantiate', { value: patchedInstantiate, writable: true }));

  return () => {
    for (const restore of restores.reverse()) restore();
    // Drop Node's references to the blob: URLs (each keeps ~30 kB of worker source alive).
    for (const url of s.urlText.keys()) URL.revokeObjectURL(url);
    s.urlText.clear();
  };
}

/** Source fragments identifying the process listeners emscripten's Node glue adds. */
function isEmscriptenProcessListener(listener: (...args: never[]) => unknown): boolean {
  const src = Function.prototype.toString.call(listener);
  return src.includes('ExitStatus') || /throw\s+reason/.test(src);
}

/** Returns a function removing the emscripten listeners added to `process` since this call. */
function snapshotProcessListeners(): () => void {
  const emitter: NodeJS.EventEmitter = process;
  const events = ['uncaughtException', 'unhandledRejection'];
  const before = new Map(events.map((e) => [e, new Set(emitter.listeners(e))]));
  return () => {
    for (const event of events) {
      const known = before.get(event) ?? new Set();
      for (const listener of emitter.listeners(event)) {
        if (!known.has(listener) && isEmscriptenProcessListener(listener as (...args: never[]) => unknown)) {
          emitter.removeListener(event, listener as (...args: unknown[]) => void);
        }
      }
    }
  };
}

// ---------------------------------------------------------------------------------------------------------
// Backend initialisation.

let wasmPackage: WasmPackage | undefined;
/** Thread count (after capping) that the live wasm backend instance was created for. */
let liveRequestedThreads: number | undefined;
/** Serialises initialisations: the shim's globals are process-wide. */
let queue: Promise<unknown> = Promise.resolve();

async function loadWasmPackage(): Promise<WasmPackage> {
  if (wasmPackage === undefined) {
    try {
      wasmPackage = await import('@tensorflow/tfjs-backend-wasm');
    } catch (cause) {
      throw new BackendInitError('wasm', `cannot load @tensorflow/tfjs-backend-wasm: ${messageOf(cause)}`, { cause });
    }
  }
  return wasmPackage;
}

function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string') {
    return (e as { message: string }).message;
  }
  return String(e);
}

/** Normalises a thread count request: a positive integer, capped at {@link WASM_MAX_THREADS}. */
export function normaliseWasmThreads(threads: number): number {
  if (!Number.isInteger(threads) || threads < 1) {
    throw new BackendError('BACKEND_INVALID_OPTIONS', 'wasm', `threads must be a positive integer, got ${String(threads)}`);
  }
  return Math.min(threads, WASM_MAX_THREADS);
}

/** Default thread count: every core Node may use, capped at {@link WASM_MAX_THREADS}. */
export function defaultWasmThreads(): number {
  return Math.min(Math.max(1, os.availableParallelism()), WASM_MAX_THREADS);
}

function liveWasmBackend(): WasmKernelBackend | undefined {
  return tf.engine().registry['wasm'] as WasmKernelBackend | undefined;
}

/**
 * Describes the live wasm backend instance (whether or not it is the active one), or returns undefined
 * when wasm has not been initialised in this process.
 */
export async function describeWasmBackend(): Promise<WasmBackendInfo | undefined> {
  if (liveWasmBackend() === undefined) return undefined;
  const pkg = await loadWasmPackage();
  return describeLiveWasm(pkg, liveRequestedThreads ?? pkg.getThreadsCount());
}

async function describeLiveWasm(pkg: WasmPackage, requested: number): Promise<WasmBackendInfo> {
  const threads = pkg.getThreadsCount();
  const pthread = liveWasmBackend()?.wasm?.PThread;
  return {
    threads,
    requestedThreads: requested,
    multiThreaded: pthread !== undefined && threads > 1,
    simd: (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true,
    version: pkg.version_wasm,
  };
}

/**
 * Makes `wasm` the active TF.js backend running on `threads` threads (main thread included; 1 uses the
 * single-threaded SIMD build and no workers). Idempotent: a second call with the same (or no) thread
 * count only re-activates the live instance. An explicit different thread count re-creates the backend,
 * which is refused (BackendError code BACKEND_CONFLICT) while wasm tensors are alive.
 *
 * Throws BackendInitError (code BACKEND_INIT_FAILED, with `cause`) when the module or its pthread
 * workers fail to come up within `timeoutMs`.
 */
export function initWasmBackend(options: WasmInitOptions): Promise<WasmBackendInfo> {
  const run = queue.then(() => initWasmBackendNow(options));
  queue = run.catch(() => undefined);
  return run;
}

async function initWasmBackendNow(options: WasmInitOptions): Promise<WasmBackendInfo> {
  const explicit = options.threads !== undefined;
  const requested = normaliseWasmThreads(options.threads ?? defaultWasmThreads());
  const timeoutMs = options.timeoutMs ?? DEFAULT_WASM_INIT_TIMEOUT_MS;
  const pkg = await loadWasmPackage();
  const engine = tf.engine();
  const entry = engine.registryFactory['wasm'];
  if (entry === undefined) {
    throw new BackendInitError('wasm', 'the wasm backend is not registered with this copy of @tensorflow/tfjs-core (duplicate tfjs-core installs?)');
  }

  const live = liveWasmBackend();
  if (live !== undefined) {
    // An instance we created is kept unless a different count is asked for explicitly. One created
    // behind our back (someone ran tf.setBackend('wasm') / tf.ready() first: single-threaded, since
    // tfjs disables threads in Node) is treated as "not configured" and brought to the default count.
    const ours = liveRequestedThreads !== undefined;
    const liveThreads = liveRequestedThreads ?? pkg.getThreadsCount();
    const wanted = explicit || !ours ? requested : liveThreads;
    const tensors = (live as unknown as { numDataIds(): number }).numDataIds();
    if (liveThreads === wanted || (!explicit && tensors > 0)) {
      if (liveThreads !== wanted) {
        process.emitWarning(
          `the wasm backend was initialised outside src/model/backend.ts on ${liveThreads} thread(s) and ` +
            `holds ${tensors} tensor(s); keeping it instead of starting ${wanted} thread(s)`,
          { code: 'LDF_WASM_THREADS' },
        );
      }
      if (!(await tf.setBackend('wasm'))) throw new BackendInitError('wasm', 'could not re-activate the wasm backend');
      return describeLiveWasm(pkg, liveThreads);
    }
    // A different pool size is only possible with a new module; existing wasm tensors would dangle.
    if (tensors > 0) {
      throw new BackendError(
        'BACKEND_CONFLICT',
        'wasm',
        `the wasm backend already runs on ${liveThreads} thread(s) and holds ${tensors} tensor(s); ` +
          `dispose them before switching to ${wanted} thread(s)`,
      );
    }
    const { factory, priority } = entry;
    tf.removeBackend('wasm'); // disposes the module and terminates its workers
    tf.registerBackend('wasm', factory, priority);
    liveRequestedThreads = undefined;
  }

  const threaded = requested > 1;
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', threaded);
  pkg.setThreadsCount(requested);

  const s = newSession();
  const restoreListeners = snapshotProcessListeners();
  const uninstall = threaded ? installPthreadShim(s, requested) : () => undefined;
  session = s;
  let timer: NodeJS.Timeout | undefined;
  let instance: tf.KernelBackend;
  try {
    const factory = engine.registryFactory['wasm']?.factory ?? entry.factory;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    });
    instance = await Promise.race([Promise.resolve().then(factory), s.failure, timeout]);
  } catch (cause) {
    s.active = false;
    s.aborted = true;
    for (const w of s.workers) void w.terminate();
    throw new BackendInitError(
      'wasm',
      `failed to initialise the wasm backend (${requested} thread(s)): ${messageOf(cause)}`,
      { cause },
    );
  } finally {
    clearTimeout(timer);
    s.active = false;
    session = undefined;
    uninstall();
    restoreListeners();
  }

  // Register the instance ourselves (instead of letting setBackend call the factory) so that a failure
  // above surfaced with its real cause and tf was never left pointing at a half-initialised 'wasm'.
  engine.registry['wasm'] = instance;
  liveRequestedThreads = requested;
  if (!(await tf.setBackend('wasm'))) throw new BackendInitError('wasm', 'could not activate the wasm backend');

  const pthread = (instance as WasmKernelBackend).wasm?.PThread;
  if (pthread !== undefined) {
    // Pool threads never return to the pool, so emscripten never unref()s their workers: do it here or
    // the process can never exit on its own.
    for (const w of pthread.runningWorkers) w.unref();
    // Idle pre-created workers (each a full V8 isolate) are never needed: pthreadpool is created once,
    // in init_with_threads_count, and nothing else in the module calls pthread_create.
    const idle = pthread.unusedWorkers.splice(0);
    for (const w of idle) void w.terminate();
  }

  const info = await describeLiveWasm(pkg, requested);
  if (info.threads !== requested) {
    process.emitWarning(
      `the wasm backend runs on ${info.threads} thread(s) although ${requested} were requested`,
      { code: 'LDF_WASM_THREADS' },
    );
  }
  return info;
}
