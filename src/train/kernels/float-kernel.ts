/**
 * Runs a gradient kernel written in TypeScript over float32 arrays. On the wasm backend the inputs are read
 * and the output written in place in the wasm heap, as tfjs-backend-wasm's own JavaScript kernels do: no
 * dataSync() copy of each input, no copy of the result into the heap (for a 2x256x256x32 max-pool gradient
 * that is about 36 MB less copying on one thread). Any other backend (or a tensor the wasm backend does not
 * hold) goes through dataSync() and a new tensor.
 */
import * as tf from '@tensorflow/tfjs-core';

/** The parts of tfjs-backend-wasm's BackendWasm that ldf's heap-side kernels use (here and heap-slice.ts). */
export interface HeapBackend {
  dataIdMap: { has(dataId: tf.DataId): boolean };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): tf.TypedArray;
}

/**
 * `compute(inputs, output)` fills `output` (outShape, zeroed first) from the inputs' values (read only).
 * It must not run TF.js ops: on wasm they may grow the heap, which detaches the arrays it was given.
 */
export function runFloatKernel(
  inputs: readonly tf.Tensor[],
  outShape: readonly number[],
  compute: (inputs: Float32Array[], output: Float32Array) => void,
): tf.Tensor {
  const backend = tf.backend() as unknown as Partial<HeapBackend>;
  const onHeap =
    tf.getBackend() === 'wasm' &&
    typeof backend.makeOutput === 'function' &&
    typeof backend.typedArrayFromHeap === 'function' &&
    inputs.every((t) => t.dtype === 'float32' && backend.dataIdMap?.has(t.dataId) === true);
  if (!onHeap) {
    const output = new Float32Array(tf.util.sizeFromShape([...outShape]));
    compute(
      inputs.map((t) => t.dataSync() as Float32Array),
      output,
    );
    return tf.tensor(output, [...outShape], 'float32');
  }
  const heap = backend as HeapBackend;
  // Allocate first: the views below stay valid only while nothing else allocates.
  const out = heap.makeOutput([...outShape], 'float32');
  const output = heap.typedArrayFromHeap(out) as Float32Array;
  output.fill(0);
  compute(
    inputs.map((t) => heap.typedArrayFromHeap(t) as Float32Array),
    output,
  );
  return tf.engine().makeTensorFromTensorInfo(out);
}
