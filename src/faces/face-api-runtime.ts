/**
 * Loads @vladmandic/face-api so that it runs on ldf's one TF.js engine and backend, and reads its weight
 * files from the npm package (never from a URL).
 *
 * Which bundle: `dist/face-api.node-wasm.js`. It is CommonJS and does nothing but
 * `require('@tensorflow/tfjs')` + `require('@tensorflow/tfjs-backend-wasm')`: it bundles no TF.js of its
 * own, never calls setBackend / setWasmPaths / tf.ready and loads nothing from a CDN (only its demo does).
 * `@tensorflow/tfjs` (CommonJS `dist/tf.node.js`) requires `@tensorflow/tfjs-core`'s `dist/tf-core.node.js`,
 * the very file Node's ESM loader gives ldf for `import '@tensorflow/tfjs-core'` (the package has no
 * `exports` map, so both loaders resolve `main`); tfjs-core and tfjs-backend-wasm are deduplicated in
 * node_modules, so face-api's `tf.engine()`, `tf.Tensor` and the wasm backend instance are ldf's.
 * {@link loadFaceApi} verifies exactly that on every load (ENGINE_MISMATCH otherwise). Requiring the bundle
 * registers `cpu` (from @tensorflow/tfjs) as an additional backend factory; it never changes the active
 * backend. The other bundles do not fit: `face-api.node.js` / `-node-gpu.js` require @tensorflow/tfjs-node
 * (-gpu), `face-api.js` / `face-api.esm.js` embed a private copy of TF.js (a second engine), and
 * `face-api.esm-nobundle.js` imports tfjs' browser ESM build plus the webgl backend.
 *
 * Module-level state: the bundle itself is cached by Node's require cache (process-wide; face-api's own
 * module keeps its global `nets` singletons and `env`, which ldf never uses). The networks are created per
 * detector with `new SsdMobilenetv1()` / `new FaceLandmark68Net()` and own their weights.
 *
 * Who loads the bundle: only the `face-api` implementation of the detector's networks
 * (src/faces/face-api-nets.ts: the reference for the equivalence tests, and a debug option). The default
 * detector runs its own fused networks on face-api's weight files ({@link loadFaceApiWeights},
 * {@link faceApiModelDir}) and never requires the bundle (nor @tensorflow/tfjs with it).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { FacesError } from './faces-error.js';

const require = createRequire(import.meta.url);

/** Module specifier of the face-api bundle ldf loads. */
export const FACE_API_BUNDLE = '@vladmandic/face-api/dist/face-api.node-wasm.js';

// ---------------------------------------------------------------------------------------------------------
// The few parts of face-api ldf uses, typed structurally (face-api's own typings bundle a private copy of
// the TF.js declarations whose classes are not assignable to @tensorflow/tfjs-core's).

export interface FaceApiPoint {
  x: number;
  y: number;
}

export interface FaceApiDetection {
  score: number;
  /** In pixels of the network input passed to locateFaces. */
  box: { x: number; y: number; width: number; height: number };
}

export interface FaceApiLandmarks {
  /** 68 points, in pixels of the landmark input tensor. */
  positions: FaceApiPoint[];
}

interface FaceApiNet {
  loadFromWeightMap(weightMap: tf.NamedTensorMap): void;
  readonly isLoaded: boolean;
  dispose(throwOnRedispose?: boolean): void;
}

export interface FaceApiSsdMobilenetv1 extends FaceApiNet {
  /**
   * Runs the detector on one image tensor (HxWx3, 0..255). The image is padded to a square (bottom / right)
   * and resized to 512x512 unless it already is that size; boxes come back in the input image's pixels.
   * minConfidence must be in (0, 1).
   */
  locateFaces(input: tf.Tensor3D, options: { minConfidence: number; maxResults: number }): Promise<FaceApiDetection[]>;
}

export interface FaceApiFaceLandmark68Net extends FaceApiNet {
  /** Batch form (array input): one result per input tensor (HxWx3, 0..255; padded to square, resized to 112). */
  detectLandmarks(input: tf.Tensor3D[]): Promise<FaceApiLandmarks[]>;
}

export interface FaceApiModule {
  readonly version: string;
  readonly tf: { engine(): unknown; getBackend(): string | null; Tensor: unknown };
  readonly SsdMobilenetv1: new () => FaceApiSsdMobilenetv1;
  readonly FaceLandmark68Net: new () => FaceApiFaceLandmark68Net;
}

/** The network input side of face-api's SSD MobileNet v1 (fixed: its 5118 anchor boxes are baked in). */
export { SSD_INPUT_SIZE as SSD_INPUT_PX } from './ssd-mobilenet-v1.js';
/** The input side of face-api's 68-point landmark net. */
export { LANDMARK_NET_INPUT_SIZE as LANDMARK_INPUT_PX } from './landmark-net.js';

/**
 * Requires the face-api bundle and checks that it shares ldf's TF.js engine, Tensor class and active
 * backend. Call it only after selectBackend() (src/model/backend.ts).
 *
 * @throws FacesError BACKEND_NOT_SELECTED when no TF.js backend is active yet, FACE_MODEL_LOAD_FAILED when
 *   the bundle cannot be loaded, ENGINE_MISMATCH when it would run on another engine / backend.
 */
export function loadFaceApi(): FaceApiModule {
  const backend = assertBackendSelected();
  let faceapi: FaceApiModule;
  try {
    faceapi = require(FACE_API_BUNDLE) as FaceApiModule;
  } catch (cause) {
    throw new FacesError('FACE_MODEL_LOAD_FAILED', `cannot load ${FACE_API_BUNDLE}: ${messageOf(cause)}`, { cause });
  }
  if (faceapi.tf.engine() !== tf.engine() || faceapi.tf.Tensor !== tf.Tensor) {
    throw new FacesError(
      'ENGINE_MISMATCH',
      'face-api loaded a different copy of @tensorflow/tfjs-core than ldf (duplicate installs?); ' +
        'it would run on its own TF.js engine',
    );
  }
  const faceApiBackend = faceapi.tf.getBackend();
  if (faceApiBackend !== backend) {
    throw new FacesError(
      'ENGINE_MISMATCH',
      `face-api sees the TF.js backend '${String(faceApiBackend)}' while ldf uses '${backend}'`,
    );
  }
  return faceapi;
}

/**
 * The active TF.js backend's name.
 *
 * @throws FacesError BACKEND_NOT_SELECTED when no backend is active yet (never starts one itself).
 */
export function assertBackendSelected(): string {
  const backend = activeBackend();
  if (backend === null) {
    throw new FacesError(
      'BACKEND_NOT_SELECTED',
      'no TF.js backend is active: call selectBackend() (src/model/backend.ts) before loading the face detector',
    );
  }
  return backend;
}

/** Version of the installed @vladmandic/face-api package (its weight files), read from its package.json. */
export function faceApiPackageVersion(): string {
  const pkg = require('@vladmandic/face-api/package.json') as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

/**
 * The active backend's name, or null when none is. tf.getBackend() only reads the engine's field (undefined
 * until a backend is set); it initialises nothing.
 */
function activeBackend(): string | null {
  const name: unknown = tf.getBackend();
  return typeof name === 'string' && tf.engine().registry[name] !== undefined ? name : null;
}

/** Directory holding the weight files that ship inside the face-api npm package. */
export function faceApiModelDir(): string {
  return path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
}

/**
 * Reads `<modelDir>/<name>-weights_manifest.json` and its shards and decodes them into tensors on the active
 * backend. The caller owns (and must dispose) the returned tensors.
 *
 * @throws FacesError FACE_MODEL_LOAD_FAILED when a file is missing or malformed.
 */
export async function loadFaceApiWeights(modelDir: string, name: string): Promise<tf.NamedTensorMap> {
  const manifestPath = path.join(modelDir, `${name}-weights_manifest.json`);
  try {
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as tf.io.WeightsManifestConfig;
    if (!Array.isArray(manifest)) throw new Error('the manifest is not an array of weight groups');
    const weights: tf.NamedTensorMap = {};
    for (const group of manifest) {
      const shards = await Promise.all(group.paths.map((p) => readFile(path.join(modelDir, p))));
      const joined = Buffer.concat(shards);
      const buffer = joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength) as ArrayBuffer;
      Object.assign(weights, tf.io.decodeWeights(buffer, group.weights));
    }
    return weights;
  } catch (cause) {
    const message = `cannot load face-api weights ${manifestPath}: ${messageOf(cause)}`;
    throw new FacesError('FACE_MODEL_LOAD_FAILED', message, { cause });
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
