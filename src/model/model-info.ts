import path from 'node:path';
import type { LdfnetModel } from './ldfnet-model.js';
import { countComplexity, type ModuleCount } from './ldfnet-params.js';
import type { CropConvention, VerdictThresholds, WeightFile } from './manifest.js';

export const MODEL_INFO_SCHEMA_VERSION = 1;

export interface ModelInfo {
  schemaVersion: typeof MODEL_INFO_SCHEMA_VERSION;
  kind: 'ldf.model-info';
  tool: { name: 'ldf'; version: string };
  model: {
    dir: string | null;
    id: string;
    version: string;
    description: string;
    trained: boolean;
    default: boolean;
    variant: string;
    inputSize: number;
    crop: CropConvention;
    thresholds: VerdictThresholds;
  };
  complexity: {
    parameters: number;
    nonTrainable: number;
    macs: number;
    modules: ModuleCount[];
  };
  /** Weight files; their sizes and hashes were verified when the model loaded. */
  files: (WeightFile & { verified: true })[];
  backend: { name: string; threads: number; simd: boolean };
}

/** What `ldf model info` reports about a loaded (hence verified) model. */
export function describeModel(
  model: LdfnetModel,
  backend: { name: string; threads: number; simd: boolean },
  toolVersion: string,
): ModelInfo {
  const m = model.manifest;
  const complexity = countComplexity(m.architecture, model.params, 2);
  return {
    schemaVersion: MODEL_INFO_SCHEMA_VERSION,
    kind: 'ldf.model-info',
    tool: { name: 'ldf', version: toolVersion },
    model: {
      dir: model.dir === undefined ? null : path.resolve(model.dir),
      id: m.id,
      version: m.version,
      description: m.description,
      trained: m.trained,
      default: m.default,
      variant: m.architecture.variant,
      inputSize: m.input.size,
      crop: m.crop,
      thresholds: m.thresholds,
    },
    complexity,
    files: m.weights.files.map((f) => ({ ...f, verified: true as const })),
    backend,
  };
}
