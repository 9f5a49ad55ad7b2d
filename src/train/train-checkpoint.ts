/**
 * The checkpoint of a run (docs/training.md, "Checkpoints, resume, stopping"): OUT/checkpoint/ is a model
 * folder with the current weights, both Adam moments (adam.bin) and the counters (state.json), replaced as a
 * whole by two renames so that weights, moments and counters always belong together.
 */
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { isTrainable } from '../model/ldfnet-params.js';
import type { ModelManifest } from '../model/manifest.js';
import { loadModelFolder, saveModelFolder } from '../model/model-folder.js';
import { TrainError } from './train-error.js';
import { TrainerState } from './train-step.js';

export const CHECKPOINT_DIR = 'checkpoint';
const STATE_FILE = 'state.json';
const ADAM_FILE = 'adam.bin';
export const STATE_VERSION = 1;

/** A run's counters and identity, as state.json holds them. */
export interface TrainState {
  version: number;
  epoch: number;
  /** Steps done in `epoch`. */
  stepInEpoch: number;
  globalStep: number;
  bestAuc: number | null;
  bestEpoch: number | null;
  trainSeconds: number;
  /** What the state belongs to: resuming another run is refused. */
  fingerprint: string;
  /**
   * The optimisation recipe the steps so far followed (learning rate, its decay, augmentation): resuming
   * under another one is refused too, since the manifest records one recipe for the whole run. Absent in
   * checkpoints written before it was recorded; such a run adopts the recipe it is resumed with.
   */
  recipe?: string;
}

/**
 * Writes a checkpoint as a whole: the files go to a fresh sibling folder, which then replaces `dir` by two
 * renames (dir -> dir.old, new -> dir). A kill at any moment leaves either the previous checkpoint or the new
 * one complete (loadCheckpoint falls back to dir.old when the kill fell between the renames), never new
 * weights with old optimiser moments.
 */
export async function saveCheckpoint(dir: string, base: ModelManifest, state: TrainerState, train: TrainState): Promise<void> {
  const fresh = `${dir}.new-${process.pid}`;
  const old = `${dir}.old`;
  await rm(fresh, { recursive: true, force: true });
  await mkdir(fresh, { recursive: true });
  const fields = { ...base, id: `${base.id}-checkpoint`, trained: false, default: false } as Omit<ModelManifest, 'weights'> & {
    weights?: unknown;
  };
  delete fields.weights;
  await saveModelFolder(fresh, fields, state.params);
  const moments = [...state.m, ...state.v].map((t) => t.dataSync() as Float32Array);
  const bytes = moments.reduce((a, t) => a + t.byteLength, 0);
  const data = new Uint8Array(bytes);
  let offset = 0;
  for (const t of moments) {
    data.set(new Uint8Array(t.buffer, t.byteOffset, t.byteLength), offset);
    offset += t.byteLength;
  }
  await writeFile(path.join(fresh, ADAM_FILE), data);
  await writeFile(path.join(fresh, STATE_FILE), `${JSON.stringify(train, null, 2)}\n`);
  await rm(old, { recursive: true, force: true });
  if (await exists(dir)) await rename(dir, old);
  await rename(fresh, dir);
  await rm(old, { recursive: true, force: true });
}

/** Reads OUT/checkpoint (or what a kill between the two renames left, checkpoint.old): the trainer's tensors and its counters. */
export async function loadCheckpoint(checkpointDir: string): Promise<{ state: TrainerState; train: TrainState }> {
  // A kill between saveCheckpoint's two renames leaves only the previous checkpoint, as dir.old.
  const dir = !(await exists(checkpointDir)) && (await exists(`${checkpointDir}.old`)) ? `${checkpointDir}.old` : checkpointDir;
  const train = JSON.parse(await readFile(path.join(dir, STATE_FILE), 'utf8')) as TrainState;
  if (train.version !== STATE_VERSION) throw new TrainError('RESUME_MISMATCH', `${dir}: checkpoint state version ${train.version}, expected ${STATE_VERSION}`);
  const { params } = await loadModelFolder(dir);
  const names = [...params.keys()].filter(isTrainable);
  const raw = await readFile(path.join(dir, ADAM_FILE));
  const floats = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const sizes = names.map((n) => params.get(n)!.size);
  const total = sizes.reduce((a, s) => a + s, 0);
  if (floats.length !== 2 * total) {
    for (const t of params.values()) t.dispose();
    throw new TrainError('RESUME_MISMATCH', `${dir}: ${ADAM_FILE} holds ${floats.length} values, expected ${2 * total}`);
  }
  let offset = 0;
  const take = (n: string): tf.Tensor => {
    const shape = params.get(n)!.shape;
    const t = tf.tensor(floats.subarray(offset, offset + params.get(n)!.size), shape, 'float32');
    offset += params.get(n)!.size;
    return t;
  };
  const m = names.map(take);
  const v = names.map(take);
  return { state: new TrainerState(params, m, v), train };
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}
