/**
 * npm run bench:model [-- --backend wasm --threads N --iterations K --model DIR]
 *
 * Milliseconds per face at batch 1 and batch 8, and effective GFLOP/s
 * (2 x MACs counted by the network itself / time), on the backend in use.
 * Uses the default model when there is one, else fresh untrained weights of
 * the default architecture (speed does not depend on the weights' values).
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, type BackendName } from '../src/model/backend.js';
import { DEFAULT_LDFNET_CONFIG } from '../src/model/ldfnet-config.js';
import { LdfnetModel } from '../src/model/ldfnet-model.js';
import { countComplexity, initLdfnetParams } from '../src/model/ldfnet-params.js';
import { untrainedManifestFields } from '../src/model/init-model.js';
import { defaultModelDir } from '../src/model/model-registry.js';

const { values } = parseArgs({
  options: {
    backend: { type: 'string' },
    threads: { type: 'string' },
    iterations: { type: 'string', default: '10' },
    model: { type: 'string' },
  },
});

const backend = await selectBackend({
  backend: values.backend as BackendName | undefined,
  threads: values.threads === undefined ? undefined : Number(values.threads),
});

async function loadModel(): Promise<LdfnetModel> {
  const dir = values.model ?? (await defaultModelDir().catch(() => undefined));
  if (dir !== undefined) return LdfnetModel.load(dir);
  const config = DEFAULT_LDFNET_CONFIG;
  const fields = untrainedManifestFields(config, 7, 'bench-untrained', 'bench');
  return LdfnetModel.fromParams({ ...fields, weights: { format: 'tfjs-weights', files: [], specs: [] } }, initLdfnetParams(config, 7));
}

const model = await loadModel();
const { macs } = countComplexity(model.config, model.params, 1);
const iterations = Math.max(1, Number(values.iterations));
const size = model.inputSize;

console.log(`backend ${backend.name} (${backend.threads} threads${backend.simd ? ', SIMD' : ''}), model ${model.manifest.id}`);
console.log(`network ${(macs / 1e6).toFixed(1)}M MACs = ${((2 * macs) / 1e9).toFixed(2)} GFLOP per face at ${size}x${size}`);

for (const batch of [1, 8]) {
  const input = tf.randomUniform([batch, size, size, 3], 0, 255, 'float32', 1) as tf.Tensor4D;
  for (let i = 0; i < 2; i++) {
    const s = model.scoreTensor(input);
    await s.data();
    s.dispose();
  }
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    const s = model.scoreTensor(input);
    await s.data();
    s.dispose();
    times.push(performance.now() - start);
  }
  input.dispose();
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  const perFace = median / batch;
  const gflops = (2 * macs) / (perFace / 1000) / 1e9;
  console.log(
    `batch ${batch}: ${perFace.toFixed(1)} ms per face (median of ${iterations}; min ${(times[0]! / batch).toFixed(1)}, max ${(times.at(-1)! / batch).toFixed(1)}), ${gflops.toFixed(1)} GFLOP/s effective`,
  );
}
model.dispose();
