/**
 * Slice and SplitV for the wasm backend without the whole-input copy. tfjs-backend-wasm 4.22's Slice reads its
 * entire input out of the heap (readSync: a copy in JavaScript) before copying the slice's elements back in,
 * so cutting a small piece out of a large tensor costs a copy of the large one; its SplitV does that once per
 * part. These read the input in place (a view of the heap) and copy only the slice, one contiguous run at a
 * time. Same results; string tensors still go to the backend's own kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { HeapBackend } from './float-kernel.js';

type KernelArgs = Parameters<tf.KernelFunc>[0];

/** Copies the block `begin` + `size` of a row-major array of `shape` into `out`, run by run. */
export function copyBlock(src: tf.TypedArray, shape: readonly number[], begin: readonly number[], size: readonly number[], out: tf.TypedArray): void {
  const rank = shape.length;
  if (rank === 0 || size.some((s) => s === 0)) {
    if (rank === 0) out[0] = src[0]!;
    return;
  }
  // Trailing axes taken whole merge into one contiguous run with the first partial axis before them.
  let inner = rank - 1;
  let run = size[inner]!;
  while (inner > 0 && size[inner] === shape[inner]) {
    inner--;
    run *= size[inner]!;
  }
  const strides = new Array<number>(rank);
  strides[rank - 1] = 1;
  for (let a = rank - 2; a >= 0; a--) strides[a] = strides[a + 1]! * shape[a + 1]!;
  // Odometer over the axes before `inner` (the axes whose index changes between runs).
  const index = new Array<number>(inner).fill(0);
  let dst = 0;
  for (;;) {
    let offset = begin[inner]! * strides[inner]!;
    for (let a = 0; a < inner; a++) offset += (begin[a]! + index[a]!) * strides[a]!;
    out.set(src.subarray(offset, offset + run), dst);
    dst += run;
    let a = inner - 1;
    while (a >= 0 && ++index[a]! === size[a]) index[a--] = 0;
    if (a < 0) return;
  }
}

function heapSlice(backend: HeapBackend, x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
  // Allocate first: the input's view must be taken after the last allocation.
  const out = backend.makeOutput(size, x.dtype);
  copyBlock(backend.typedArrayFromHeap(x), x.shape, begin, size, backend.typedArrayFromHeap(out));
  return out;
}

/** Slice reading its input in place; `native` for strings. */
export function heapSliceKernel(native: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype === 'string') return native(args);
    const { begin, size } = args.attrs as unknown as tf.SliceAttrs;
    const [begin_, size_] = tf.slice_util.parseSliceParams(x, begin, size) as [number[], number[]];
    return heapSlice(args.backend as unknown as HeapBackend, x, begin_, size_);
  };
}

/** SplitV as heap slices, one per part; `native` for strings. */
export function heapSplitVKernel(native: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype === 'string') return native(args);
    const { numOrSizeSplits, axis } = args.attrs as unknown as tf.SplitVAttrs;
    const a = tf.util.parseAxisParam(axis, x.shape)[0]!;
    const sizes = tf.backend_util.prepareSplitSize(x, numOrSizeSplits, a);
    const begin = x.shape.map(() => 0);
    return sizes.map((s) => {
      const size = x.shape.slice();
      size[a] = s;
      const part = heapSlice(args.backend as unknown as HeapBackend, x, begin, size);
      begin[a]! += s;
      return part;
    });
  };
}
