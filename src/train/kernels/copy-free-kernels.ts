/**
 * Two copies the tape makes that cost a training step on wasm about a tenth of its time, removed.
 *
 * - Identity and same-dtype Cast. tfjs-core keeps every tensor an op saves for its gradient as a clone
 *   (engine.saveTensorsForBackwardMode: keep(clone(t)), an Identity kernel), and a clone's gradient is a
 *   Cast to float32. tfjs-backend-wasm runs both as a full copy in JavaScript on one thread, hundreds of them
 *   per micro-batch, some of 16 MB. Tensors are immutable, so the cpu backend's Identity shares the data
 *   instead (one more reference, no copy); {@link copyFreeIdentity} does the same on wasm, whose Reshape
 *   already shares data this way. A Cast to another dtype still runs the backend's kernel.
 * - The gradients of Sum and Mean (tfjs' own multiply dy by `ones(x.shape)`: a typed array filled in
 *   JavaScript and copied into the wasm heap). {@link REDUCTION_GRADIENTS} are the same math, with the ones
 *   made by the backend's Fill kernel in place; about 2.5x faster for a 2x256x256x32 input on wasm.
 */
import * as tf from '@tensorflow/tfjs-core';

type KernelArgs = Parameters<tf.KernelFunc>[0];

interface RefCountingBackend {
  incRef(dataId: tf.DataId): void;
}

/** Identity that shares its input's data (string tensors excepted: they go to `native`). */
export function copyFreeIdentity(native: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype === 'string') return native(args);
    (args.backend as unknown as RefCountingBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}

/** Cast that shares its input's data when the dtype does not change; `native` otherwise. */
export function copyFreeCast(native: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const x = args.inputs.x as tf.TensorInfo;
    const { dtype } = args.attrs as unknown as tf.CastAttrs;
    if (dtype !== x.dtype || x.dtype === 'string') return native(args);
    (args.backend as unknown as RefCountingBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype };
  };
}

/** dy brought back to x's shape: reshaped to keep the reduced axes as 1, then broadcast by a multiply. */
function broadcastBack(dy: tf.Tensor, x: tf.Tensor, axis: number | number[], scale: number): tf.Tensor {
  const axes = tf.util.parseAxisParam(axis, x.shape);
  const expanded = tf.reshape(dy, x.shape.map((d, i) => (axes.includes(i) ? 1 : d)));
  return tf.mul(scale === 1 ? expanded : tf.div(expanded, scale), tf.fill(x.shape, 1, 'float32'));
}

/** Gradients of Sum and Mean, as tfjs defines them, without a JavaScript-filled ones tensor. */
export const REDUCTION_GRADIENTS: readonly tf.GradConfig[] = [
  {
    kernelName: 'Sum',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved as [tf.Tensor];
      const { axis } = attrs as unknown as tf.SumAttrs;
      return { x: () => broadcastBack(dy as tf.Tensor, x, axis, 1) };
    },
  },
  {
    kernelName: 'Mean',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved as [tf.Tensor];
      const { axis } = attrs as unknown as tf.MeanAttrs;
      const axes = tf.util.parseAxisParam(axis, x.shape);
      const reduceSize = axes.reduce((n, a) => n * (x.shape[a] ?? 1), 1);
      return { x: () => broadcastBack(dy as tf.Tensor, x, axis, reduceSize) };
    },
  },
];
