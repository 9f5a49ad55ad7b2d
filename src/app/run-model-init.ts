/**
 * `ldf model init` as a use case: the backend, then seeded random weights written as a model folder whose
 * manifest says trained: false. Prints nothing: the manifest written is returned.
 */
import { selectBackend, type BackendName } from '../model/backend.js';
import { initModelFolder } from '../model/init-model.js';
import type { LdfnetVariant } from '../model/ldfnet-config.js';
import type { ModelManifest } from '../model/manifest.js';

/** The network variants a request may name (the ablation rows of the paper's Table III). */
export { LDFNET_VARIANTS } from '../model/ldfnet-config.js';

export interface ModelInitRequest {
  backend?: BackendName | undefined;
  threads?: number | undefined;
  /** The folder to write (created if missing). */
  outDir: string;
  seed: number;
  variant: LdfnetVariant;
  /** Model id for the manifest; default: initModelFolder's (variant and seed). */
  id?: string | undefined;
  toolVersion: string;
}

/** @throws the backend's errors, and the model folder's (an unwritable folder). */
export async function runModelInit(request: ModelInitRequest): Promise<ModelManifest> {
  await selectBackend({ backend: request.backend, threads: request.threads });
  return initModelFolder(request.outDir, {
    config: { variant: request.variant },
    seed: request.seed,
    id: request.id,
    toolVersion: request.toolVersion,
  });
}
