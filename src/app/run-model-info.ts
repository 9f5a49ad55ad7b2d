/**
 * `ldf model info` as a use case: the backend, the model (every weight file's sha256 verified against its
 * manifest) and its description: identity, training state, parameters and cost per module, files, backend.
 * Prints nothing: the description is returned.
 */
import { selectBackend, type BackendName } from '../model/backend.js';
import { LdfnetModel } from '../model/ldfnet-model.js';
import { describeModel, type ModelInfo } from '../model/model-info.js';
import { defaultModelDir } from '../model/model-registry.js';

export interface ModelInfoRequest {
  backend?: BackendName | undefined;
  threads?: number | undefined;
  /** The model folder; default: the model marked default under models/. */
  modelDir?: string | undefined;
  toolVersion: string;
}

/**
 * Selects the backend, loads the model and describes it (the model is released before returning).
 * @throws the backend's errors, ModelError (a missing folder, a bad manifest, a weight hash mismatch).
 */
export async function runModelInfo(request: ModelInfoRequest): Promise<ModelInfo> {
  const backend = await selectBackend({ backend: request.backend, threads: request.threads });
  const dir = request.modelDir ?? (await defaultModelDir());
  const model = await LdfnetModel.load(dir);
  try {
    return describeModel(model, { name: backend.name, threads: backend.threads, simd: backend.simd }, request.toolVersion);
  } finally {
    model.dispose();
  }
}
