/**
 * Makes the active backend able to train LDFnet: registers the gradient functions of every op (tfjs-core
 * ships them in @tensorflow/tfjs, not in tfjs-core's own entry point) and, on backends that lack them, the
 * convolution gradient kernels of conv-gradient-kernels.ts. Backends that have native kernels (tfjs-node,
 * cpu) keep theirs. On wasm it also fixes MaxPoolGrad, makes Identity and Cast copy-free (copy-free-kernels.ts,
 * which also has the Sum and Mean gradients registered for every backend) and Slice and SplitV copy only
 * the slice (heap-slice.ts). Idempotent.
 */
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import {
  conv2dBackpropFilter,
  conv2dBackpropInputPointwise,
  depthwiseConv2dBackpropFilter,
  depthwiseConv2dBackpropInput,
} from './conv-gradient-kernels.js';
import { copyFreeCast, copyFreeIdentity, REDUCTION_GRADIENTS } from './copy-free-kernels.js';
import { heapSliceKernel, heapSplitVKernel } from './heap-slice.js';
import { maxPoolGrad } from './max-pool-gradient-kernel.js';

type KernelArgs = Parameters<tf.KernelFunc>[0];

/** The kernels this module can supply, by name. */
export const TRAINING_KERNELS = [
  'Conv2DBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
  'DepthwiseConv2dNativeBackpropFilter',
] as const;

let gradientsRegistered = false;

function ensureGradientsRegistered(): void {
  if (gradientsRegistered) return;
  // @tensorflow/tfjs registers every op's gradient on the tfjs-core instance it shares with ldf.
  createRequire(import.meta.url)('@tensorflow/tfjs');
  // Then Sum's and Mean's are replaced by the same math without a JavaScript-filled ones tensor.
  for (const config of REDUCTION_GRADIENTS) tf.registerGradient(config);
  gradientsRegistered = true;
}

function tensor4(info: tf.TensorInfo): tf.Tensor4D {
  if (info instanceof tf.Tensor) return info as tf.Tensor4D;
  throw new Error('training kernels expect Tensor inputs');
}

const implementations: Record<(typeof TRAINING_KERNELS)[number], (args: KernelArgs) => tf.Tensor> = {
  Conv2DBackpropFilter: ({ inputs, attrs }) => {
    const a = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
    if (a.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter: only NHWC is supported');
    return conv2dBackpropFilter(tensor4(inputs.x!), tensor4(inputs.dy!), a.filterShape, a);
  },
  DepthwiseConv2dNativeBackpropInput: ({ inputs, attrs }) => {
    const a = attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
    return depthwiseConv2dBackpropInput(a.inputShape, tensor4(inputs.dy!), tensor4(inputs.filter!), a);
  },
  DepthwiseConv2dNativeBackpropFilter: ({ inputs, attrs }) => {
    const a = attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
    return depthwiseConv2dBackpropFilter(tensor4(inputs.x!), tensor4(inputs.dy!), a.filterShape, a);
  },
};

const maxPoolGradKernel: tf.KernelFunc = ({ inputs, attrs }: KernelArgs) =>
  maxPoolGrad(tensor4(inputs.dy!), tensor4(inputs.input!), attrs as unknown as tf.MaxPoolGradAttrs);

/** Every kernel function ldf supplies, by kernel name (tests swap them into the cpu backend to compare). */
export const LDF_KERNEL_FUNCS: Readonly<Record<string, tf.KernelFunc>> = {
  ...(implementations as unknown as Record<string, tf.KernelFunc>),
  MaxPoolGrad: maxPoolGradKernel,
};

/**
 * Replaces `kernelName`'s kernel on `backendName` by `make(native)` (native: the kernel registered there, or
 * undefined). Idempotent: returns false when ldf's wrapper is already in place, or when `requireNative` and
 * the backend has no such kernel.
 */
function wrapKernel(
  kernelName: string,
  backendName: string,
  make: (native: tf.KernelFunc | undefined) => tf.KernelFunc,
  requireNative = true,
): boolean {
  const native = tf.getKernel(kernelName, backendName);
  if ((native?.kernelFunc as { ldfWrapped?: boolean } | undefined)?.ldfWrapped) return false;
  if (native === undefined && requireNative) return false;
  const kernelFunc = make(native?.kernelFunc) as tf.KernelFunc & { ldfWrapped?: boolean };
  kernelFunc.ldfWrapped = true;
  if (native !== undefined) tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel({ ...native, kernelName, backendName, kernelFunc });
  return true;
}

/** Replaces wasm's native MaxPoolGrad, which loses the gradient of windows whose maximum is <= 0. */
function replaceMaxPoolGrad(backendName: string): boolean {
  return wrapKernel('MaxPoolGrad', backendName, () => (args: KernelArgs) => maxPoolGradKernel(args), false);
}

/**
 * Wraps the backend's own Conv2DBackpropInput so 1x1 stride-1 convolutions (most of LDFnet's) take the
 * fast matMul path; every other geometry still runs the backend's kernel.
 */
function wrapConv2dBackpropInput(backendName: string): boolean {
  return wrapKernel('Conv2DBackpropInput', backendName, (native) => (args: KernelArgs) => {
    const a = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
    const { dy, filter } = args.inputs;
    if (a.dataFormat !== 'NCHW' && dy instanceof tf.Tensor && filter instanceof tf.Tensor) {
      const fast = conv2dBackpropInputPointwise(a.inputShape, dy as tf.Tensor4D, filter as tf.Tensor4D, a);
      if (fast !== undefined) return fast;
    }
    return native!(args);
  });
}

/** Slice and SplitV copy only the slice on wasm, not the whole input first (heap-slice.ts). */
function sliceInPlace(backendName: string): boolean {
  const slice = wrapKernel('Slice', backendName, (native) => heapSliceKernel(native!));
  const split = wrapKernel('SplitV', backendName, (native) => heapSplitVKernel(native!));
  return slice || split;
}

/** Identity and same-dtype Cast share their input's data on wasm instead of copying it (copy-free-kernels.ts). */
function shareIdentityAndCast(backendName: string): boolean {
  const identity = wrapKernel('Identity', backendName, (native) => copyFreeIdentity(native!));
  const cast = wrapKernel('Cast', backendName, (native) => copyFreeCast(native!));
  return identity || cast;
}

/**
 * Prepares `backendName` (default: the active backend) for training. Returns the kernels it added
 * (empty where the backend has them all).
 */
export function registerTrainingKernels(backendName: string = tf.getBackend()): string[] {
  ensureGradientsRegistered();
  const added: string[] = [];
  for (const name of TRAINING_KERNELS) {
    if (tf.getKernel(name, backendName) !== undefined) continue;
    tf.registerKernel({ kernelName: name, backendName, kernelFunc: implementations[name] as unknown as tf.KernelFunc });
    added.push(name);
  }
  if (backendName === 'wasm' && wrapConv2dBackpropInput(backendName)) added.push('Conv2DBackpropInput (1x1 fast path)');
  if (backendName === 'wasm' && replaceMaxPoolGrad(backendName)) added.push('MaxPoolGrad (first maximum, any sign)');
  if (backendName === 'wasm' && shareIdentityAndCast(backendName)) added.push('Identity and Cast (shared data, no copy)');
  if (backendName === 'wasm' && sliceInPlace(backendName)) added.push('Slice and SplitV (no copy of the whole input)');
  return added;
}
