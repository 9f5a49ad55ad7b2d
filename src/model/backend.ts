/**
 * The one place that chooses and initialises the TF.js backend.
 *
 * Policy (see selectBackend):
 *  - no explicit choice: `tensorflow` (native, via the optional dependency @tensorflow/tfjs-node) when it
 *    can be loaded, otherwise `wasm`, multi-threaded (os.availableParallelism() threads, capped at 8) with
 *    SIMD. A missing tfjs-node is the normal case and falls through silently.
 *  - `cpu` (pure JS, slow) is used only when explicitly requested: a failing wasm initialisation throws
 *    BackendInitError (code BACKEND_INIT_FAILED) instead of quietly degrading to cpu.
 *  - an explicit `tensorflow` request without tfjs-node throws BackendUnavailableError (code BACKEND_UNAVAILABLE).
 */
import * as os from 'node:os';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { BackendError, BackendInitError, BackendUnavailableError } from './errors.js';
import { describeWasmBackend, initWasmBackend, normaliseWasmThreads } from './wasm-threads.js';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

/** Every backend selectBackend understands, in automatic-selection preference order (cpu: explicit only). */
export const BACKEND_NAMES: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

export interface BackendInfo {
  name: BackendName;
  /**
   * Threads doing the math, calling thread included: wasm = XNNPACK's pool size (getThreadsCount()),
   * cpu = 1, tensorflow = TF_NUM_INTRAOP_THREADS or os.availableParallelism() (TensorFlow's default).
   */
  threads: number;
  /** wasm: the SIMD build is in use; tensorflow: native vectorised kernels (always true); cpu: false. */
  simd: boolean;
  /** Version of the backend package (@tensorflow/tfjs-backend-wasm, -backend-cpu or tfjs-node). */
  version: string;
}

export interface SelectBackendOptions {
  /** Backend to use; left out = automatic (tensorflow if installed, else multi-threaded wasm). */
  backend?: BackendName;
  /**
   * wasm only: total thread count (positive integer, main thread included, capped at 8). Left out: keep the
   * live wasm backend if there is one, else os.availableParallelism(). Ignored by cpu and tensorflow.
   */
  threads?: number;
  /** wasm only: give up initialising after this many ms (default 60 s). */
  timeoutMs?: number;
}

export function isBackendName(value: unknown): value is BackendName {
  return typeof value === 'string' && (BACKEND_NAMES as readonly string[]).includes(value);
}

const TFJS_NODE = '@tensorflow/tfjs-node';

interface TfjsNodeModule {
  version?: Record<string, string | undefined>;
}

/** Last successful selection: `key` identifies the request, `info` what it produced. */
let current: { key: string; info: BackendInfo } | undefined;
/** Why tfjs-node could not be used (remembered so automatic selection does not retry the import every call). */
let tfjsNodeFailure: BackendError | undefined;
let tfjsNodeModule: TfjsNodeModule | undefined;
/** Serialises selections: backend initialisation mutates process-wide TF.js state. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * Chooses, initialises and activates the TF.js backend and describes it. Repeating a call with the same
 * options is cheap (no re-initialisation) and returns the same description.
 *
 * @throws BackendError code BACKEND_INVALID_OPTIONS for an unknown backend name or a bad thread count.
 * @throws BackendUnavailableError (BACKEND_UNAVAILABLE) when `tensorflow` is requested but tfjs-node is
 *   not installed or cannot be loaded.
 * @throws BackendInitError (BACKEND_INIT_FAILED, with `cause`) when the backend fails to initialise.
 * @throws BackendError code BACKEND_CONFLICT when a different wasm thread count is requested while wasm
 *   tensors are still alive.
 */
export function selectBackend(options: SelectBackendOptions = {}): Promise<BackendInfo> {
  const run = queue.then(() => selectNow(options));
  queue = run.catch(() => undefined);
  return run;
}

async function selectNow(options: SelectBackendOptions): Promise<BackendInfo> {
  const { backend } = options;
  if (backend !== undefined && !isBackendName(backend)) {
    throw new BackendError(
      'BACKEND_INVALID_OPTIONS',
      String(backend),
      `unknown backend '${String(backend)}' (expected one of ${BACKEND_NAMES.join(', ')})`,
    );
  }
  if (options.threads !== undefined) normaliseWasmThreads(options.threads); // validates
  const key = `${backend ?? 'auto'}|${options.threads ?? ''}`;
  if (
    current !== undefined &&
    current.key === key &&
    tf.getBackend() === current.info.name &&
    tf.engine().registry[current.info.name] !== undefined
  ) {
    return { ...current.info };
  }

  let info: BackendInfo;
  switch (backend) {
    case undefined: {
      const native = await tryTensorflow();
      info = native ?? (await activateWasm(options));
      break;
    }
    case 'tensorflow':
      info = await activateTensorflow();
      break;
    case 'wasm':
      info = await activateWasm(options);
      break;
    case 'cpu':
      info = await activateCpu();
      break;
  }
  current = { key, info };
  return { ...info };
}

/**
 * Describes the active TF.js backend, or returns null when none is active yet (or the active one is not a
 * backend this module manages). Never initialises anything.
 */
export async function describeBackend(): Promise<BackendInfo | null> {
  // tf.getBackend() only reads the engine's current name; it does not trigger backend initialisation.
  const name: string | null = tf.getBackend();
  if (name === null || !isBackendName(name) || tf.engine().registry[name] === undefined) return null;
  switch (name) {
    case 'wasm': {
      const wasm = await describeWasmBackend();
      if (wasm === undefined) return null;
      return { name, threads: wasm.threads, simd: wasm.simd, version: wasm.version };
    }
    case 'cpu':
      return cpuInfo(await import('@tensorflow/tfjs-backend-cpu'));
    case 'tensorflow':
      return tensorflowInfo(tfjsNodeModule);
  }
}

// ---------------------------------------------------------------------------------------------------------

async function activateWasm(options: SelectBackendOptions): Promise<BackendInfo> {
  const wasm = await initWasmBackend({
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
  return { name: 'wasm', threads: wasm.threads, simd: wasm.simd, version: wasm.version };
}

async function activateCpu(): Promise<BackendInfo> {
  let pkg: typeof import('@tensorflow/tfjs-backend-cpu');
  try {
    pkg = await import('@tensorflow/tfjs-backend-cpu'); // registers 'cpu' as a side effect
  } catch (cause) {
    throw new BackendUnavailableError('cpu', `cannot load @tensorflow/tfjs-backend-cpu: ${messageOf(cause)}`, { cause });
  }
  await activateRegistered('cpu');
  // cpu was asked for explicitly: skip MathBackendCPU's one-time "install tfjs-node to speed things up"
  // banner, which it prints to stderr on first use in Node.
  const instance = tf.engine().registry['cpu'] as (tf.KernelBackend & { firstUse?: boolean }) | undefined;
  if (instance?.firstUse === true) instance.firstUse = false;
  return cpuInfo(pkg);
}

function cpuInfo(pkg: typeof import('@tensorflow/tfjs-backend-cpu')): BackendInfo {
  return { name: 'cpu', threads: 1, simd: false, version: pkg.version_cpu };
}

function tensorflowInfo(mod: TfjsNodeModule | undefined): BackendInfo {
  const fromEnv = Number.parseInt(process.env['TF_NUM_INTRAOP_THREADS'] ?? '', 10);
  return {
    name: 'tensorflow',
    threads: Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : os.availableParallelism(),
    simd: true,
    version: mod?.version?.['tfjs-node'] ?? 'unknown',
  };
}

/** Automatic mode: the native backend if it can be had, else undefined (never throws for a missing package). */
async function tryTensorflow(): Promise<BackendInfo | undefined> {
  if (tfjsNodeFailure !== undefined) return undefined;
  try {
    return await activateTensorflow();
  } catch (e) {
    // A missing package is the normal case here and stays silent; an installed but broken tfjs-node is
    // worth one warning because the user presumably expects it to be used.
    if (e instanceof BackendError && !(e instanceof BackendUnavailableError && isNotInstalled(e.cause))) {
      process.emitWarning(`${e.message}; falling back to the wasm backend`, { code: 'LDF_TFJS_NODE' });
    }
    return undefined;
  }
}

async function activateTensorflow(): Promise<BackendInfo> {
  if (tfjsNodeFailure !== undefined) throw tfjsNodeFailure;
  if (tfjsNodeModule === undefined) {
    try {
      tfjsNodeModule = await loadTfjsNode();
    } catch (e) {
      tfjsNodeFailure =
        e instanceof BackendError
          ? e
          : new BackendUnavailableError('tensorflow', `failed to load ${TFJS_NODE}: ${messageOf(e)}`, { cause: e });
      throw tfjsNodeFailure;
    }
  }
  if (tf.engine().registryFactory['tensorflow'] === undefined) {
    throw new BackendInitError(
      'tensorflow',
      `${TFJS_NODE} loaded but registered its backend with a different copy of @tensorflow/tfjs-core ` +
        `(version mismatch with @tensorflow/tfjs-core ${tf.version_core}?)`,
    );
  }
  await activateRegistered('tensorflow');
  return tensorflowInfo(tfjsNodeModule);
}

async function loadTfjsNode(): Promise<TfjsNodeModule> {
  // Resolve first: "not installed" is then a clean MODULE_NOT_FOUND, whatever loader (node, tsx, vitest)
  // runs this file, and is told apart from an installed package that fails to load (native binding, ...).
  try {
    createRequire(import.meta.url).resolve(TFJS_NODE);
  } catch (cause) {
    if (isNotInstalled(cause)) {
      throw new BackendUnavailableError(
        'tensorflow',
        `the 'tensorflow' backend needs ${TFJS_NODE}, which is not installed ` +
          `(it is an optional dependency: npm install ${TFJS_NODE})`,
        { cause },
      );
    }
    // Anything else (e.g. an exports map without a require condition): let import() have its say.
  }
  const specifier: string = TFJS_NODE; // a variable keeps TypeScript from requiring its type declarations
  try {
    return (await import(specifier)) as TfjsNodeModule;
  } catch (cause) {
    if (isNotInstalled(cause)) {
      throw new BackendUnavailableError('tensorflow', `${TFJS_NODE} is not installed`, { cause });
    }
    throw new BackendUnavailableError('tensorflow', `${TFJS_NODE} is installed but failed to load: ${messageOf(cause)}`, {
      cause,
    });
  }
}

function isNotInstalled(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return (
    (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') &&
    // "Cannot find module '@tensorflow/tfjs-node'" / "Cannot find package '@tensorflow/tfjs-node' ...": the
    // package itself, not one of its own dependencies (those only mention it in the require stack).
    messageOf(e).includes(`'${TFJS_NODE}'`)
  );
}

/**
 * Initialises a registered backend by calling its factory ourselves (tf.setBackend would swallow the
 * error into `false` plus a console warning, and leave tf pointing at the broken backend), then activates it.
 */
async function activateRegistered(name: BackendName): Promise<void> {
  const engine = tf.engine();
  if (engine.registry[name] === undefined) {
    const entry = engine.registryFactory[name];
    if (entry === undefined) throw new BackendInitError(name, `the '${name}' backend is not registered`);
    try {
      engine.registry[name] = await entry.factory();
    } catch (cause) {
      throw new BackendInitError(name, `failed to initialise the '${name}' backend: ${messageOf(cause)}`, { cause });
    }
  }
  if (!(await tf.setBackend(name))) {
    throw new BackendInitError(name, `failed to activate the '${name}' backend`);
  }
}

function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string') {
    return (e as { message: string }).message;
  }
  return String(e);
}
