import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelError } from './errors.js';
import type { ModelManifest } from './manifest.js';
import { readManifest } from './model-folder.js';

/** The package's models/ folder (two levels above this file in src/ and in dist/). */
export const MODELS_DIR = fileURLToPath(new URL('../../models/', import.meta.url));

export interface ModelEntry {
  dir: string;
  manifest: ModelManifest;
}

/** Every readable model folder under `modelsDir`, sorted by folder name. */
export async function listModels(modelsDir = MODELS_DIR): Promise<ModelEntry[]> {
  let names: string[];
  try {
    names = (await readdir(modelsDir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch {
    return [];
  }
  const entries: ModelEntry[] = [];
  for (const name of names.sort()) {
    const dir = path.join(modelsDir, name);
    try {
      entries.push({ dir, manifest: await readManifest(dir) });
    } catch {
      // A folder without a valid manifest is not a model; `ldf model info --model` reports why.
    }
  }
  return entries;
}

/** The folder of the model marked `default: true` under `modelsDir`. */
export async function defaultModelDir(modelsDir = MODELS_DIR): Promise<string> {
  const defaults = (await listModels(modelsDir)).filter((m) => m.manifest.default);
  if (defaults.length === 0) {
    throw new ModelError(
      'NO_DEFAULT_MODEL',
      `no model under ${modelsDir} is marked default; pass --model DIR (a trained model folder)`,
    );
  }
  if (defaults.length > 1) {
    throw new ModelError('AMBIGUOUS_DEFAULT_MODEL', `several models under ${modelsDir} are marked default: ${defaults.map((d) => d.manifest.id).join(', ')}`);
  }
  return defaults[0]!.dir;
}
