import { DEFAULT_LDFNET_CONFIG, type LdfnetConfig } from './ldfnet-config.js';
import { IMAGENET_NORMALIZATION } from './ldfnet.js';
import { initLdfnetParams } from './ldfnet-params.js';
import { DEFAULT_CROP_CONVENTION, MANIFEST_VERSION, type ModelManifest } from './manifest.js';
import { saveModelFolder, type ManifestFields } from './model-folder.js';

export interface InitModelOptions {
  config?: Partial<LdfnetConfig>;
  seed?: number;
  id?: string;
  toolVersion: string;
}

/** Manifest fields for fresh, untrained weights. */
export function untrainedManifestFields(config: LdfnetConfig, seed: number, id: string, toolVersion: string): ManifestFields {
  return {
    manifestVersion: MANIFEST_VERSION,
    id,
    version: '0.0.0',
    description: `Untrained ${config.variant} weights (seed ${seed}). Not a detector: scanning refuses to give verdicts with it.`,
    default: false,
    trained: false,
    architecture: config,
    input: { size: config.inputSize, channels: 3, layout: 'NHWC', colorSpace: 'RGB', normalization: IMAGENET_NORMALIZATION },
    crop: { ...DEFAULT_CROP_CONVENTION, size: config.inputSize },
    output: { classes: ['real', 'fake'], score: 'softmax-fake' },
    thresholds: { real: 0.3, fake: 0.7 },
    training: null,
    metrics: null,
    licenses: [],
    createdAt: new Date().toISOString(),
    tool: { name: 'ldf', version: toolVersion },
  };
}

/** Writes an untrained model folder (the start of training, and the model tests use). */
export async function initModelFolder(dir: string, options: InitModelOptions): Promise<ModelManifest> {
  const config: LdfnetConfig = { ...DEFAULT_LDFNET_CONFIG, ...options.config };
  const seed = options.seed ?? 7;
  const id = options.id ?? `ldfnet-untrained-${config.variant}-seed${seed}`;
  const params = initLdfnetParams(config, seed);
  try {
    return await saveModelFolder(dir, untrainedManifestFields(config, seed, id, options.toolVersion), params);
  } finally {
    for (const t of params.values()) t.dispose();
  }
}
