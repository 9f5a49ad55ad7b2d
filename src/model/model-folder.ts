import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describeSchemaErrors, schemaValidator } from '../util/json-schema.js';
import { ModelError } from './errors.js';
import { validateConfig } from './ldfnet-config.js';
import { MANIFEST_FILE, WEIGHTS_FILE, type ModelManifest, type WeightSpec } from './manifest.js';

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Everything in a manifest except what saving computes (the weights section). */
export type ManifestFields = Omit<ModelManifest, 'weights'>;

async function writeAtomic(file: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, file);
}

/**
 * Writes a model folder: `weights.bin` (the TF.js weights format: float32
 * little-endian, tensors back to back in `specs` order) and `manifest.json`
 * with the sha256 and size of the weights file. Files are written
 * atomically (temp file + rename), weights first, manifest last.
 */
export async function saveModelFolder(
  dir: string,
  fields: ManifestFields,
  params: ReadonlyMap<string, tf.Tensor>,
): Promise<ModelManifest> {
  const specs: WeightSpec[] = [];
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for (const [name, t] of params) {
    if (t.dtype !== 'float32') throw new ModelError('BAD_WEIGHTS', `weight ${name} is ${t.dtype}, not float32`);
    const values = t.dataSync() as Float32Array;
    const chunk = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    chunks.push(chunk);
    bytes += chunk.byteLength;
    specs.push({ name, shape: [...t.shape], dtype: 'float32' });
  }
  const data = new Uint8Array(bytes);
  let offset = 0;
  for (const chunk of chunks) {
    data.set(chunk, offset);
    offset += chunk.byteLength;
  }
  const manifest: ModelManifest = {
    ...fields,
    weights: {
      format: 'tfjs-weights',
      files: [{ path: WEIGHTS_FILE, bytes: data.byteLength, sha256: sha256(data) }],
      specs,
    },
  };
  checkManifest(manifest, dir);
  await mkdir(dir, { recursive: true });
  await writeAtomic(path.join(dir, WEIGHTS_FILE), data);
  await writeAtomic(path.join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

function checkManifest(value: unknown, dir: string): ModelManifest {
  const validate = schemaValidator('model-manifest.schema.json');
  if (!validate(value)) {
    throw new ModelError('MANIFEST_INVALID', `${path.join(dir, MANIFEST_FILE)}: ${describeSchemaErrors(validate)}`);
  }
  const manifest = value as ModelManifest;
  validateConfig(manifest.architecture);
  if (manifest.thresholds.real > manifest.thresholds.fake) {
    throw new ModelError('MANIFEST_INVALID', `${path.join(dir, MANIFEST_FILE)}: thresholds.real is above thresholds.fake`);
  }
  if (manifest.input.size !== manifest.architecture.inputSize || manifest.crop.size !== manifest.input.size) {
    throw new ModelError('MANIFEST_INVALID', `${path.join(dir, MANIFEST_FILE)}: input, crop and architecture sizes disagree`);
  }
  return manifest;
}

/** Reads and validates `dir/manifest.json` without touching the weights. */
export async function readManifest(dir: string): Promise<ModelManifest> {
  const file = path.join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new ModelError('MODEL_NOT_FOUND', `${dir} is not a model folder (no ${MANIFEST_FILE})`, { cause });
    }
    throw new ModelError('MODEL_UNREADABLE', `cannot read ${file}: ${(cause as Error).message}`, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ModelError('MANIFEST_INVALID', `${file} is not valid JSON`, { cause });
  }
  return checkManifest(json, dir);
}

export interface LoadedWeights {
  manifest: ModelManifest;
  params: Map<string, tf.Tensor>;
}

/**
 * Reads a model folder: validates the manifest, checks every weight file's
 * size and sha256 (a mismatch is refused: the weights are not what the
 * manifest describes), and decodes the tensors.
 */
export async function loadModelFolder(dir: string): Promise<LoadedWeights> {
  const manifest = await readManifest(dir);
  const buffers: Uint8Array[] = [];
  for (const file of manifest.weights.files) {
    const full = path.join(dir, file.path);
    let data: Uint8Array;
    try {
      data = await readFile(full);
    } catch (cause) {
      throw new ModelError('WEIGHTS_MISSING', `cannot read weights file ${full}: ${(cause as Error).message}`, { cause });
    }
    if (data.byteLength !== file.bytes) {
      throw new ModelError(
        'WEIGHTS_SIZE_MISMATCH',
        `${full} is ${data.byteLength} bytes, the manifest says ${file.bytes}: the model folder is damaged`,
      );
    }
    const actual = sha256(data);
    if (actual !== file.sha256) {
      throw new ModelError(
        'WEIGHTS_HASH_MISMATCH',
        `${full} has sha256 ${actual}, the manifest says ${file.sha256}: refusing weights that are not the ones described`,
      );
    }
    buffers.push(data);
  }
  const total = buffers.reduce((n, b) => n + b.byteLength, 0);
  const all = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    all.set(b, offset);
    offset += b.byteLength;
  }
  const expected = manifest.weights.specs.reduce((n, s) => n + s.shape.reduce((a, d) => a * d, 1) * 4, 0);
  if (expected !== total) {
    throw new ModelError('WEIGHTS_SIZE_MISMATCH', `${dir}: weight specs need ${expected} bytes, files hold ${total}`);
  }
  const params = new Map<string, tf.Tensor>();
  offset = 0;
  for (const spec of manifest.weights.specs) {
    if (params.has(spec.name)) throw new ModelError('BAD_WEIGHTS', `${dir}: weight ${spec.name} appears twice`);
    const size = spec.shape.reduce((a, d) => a * d, 1);
    // Copy into an aligned Float32Array (file offsets are multiples of 4, but the Buffer's may not be).
    const values = new Float32Array(size);
    new Uint8Array(values.buffer).set(all.subarray(offset, offset + size * 4));
    params.set(spec.name, tf.tensor(values, spec.shape, 'float32'));
    offset += size * 4;
  }
  return { manifest, params };
}
