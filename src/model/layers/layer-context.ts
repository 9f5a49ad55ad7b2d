import * as tf from '@tensorflow/tfjs-core';
import { ModelError } from '../errors.js';

/** Counts multiply-accumulates per module while a forward pass runs. */
export class MacCounter {
  private readonly scopes: string[] = [];
  readonly byScope = new Map<string, number>();

  enter(name: string): void {
    this.scopes.push(name);
  }

  exit(): void {
    this.scopes.pop();
  }

  /** Adds MACs for one sample (callers divide by the batch size). */
  add(macs: number): void {
    const key = this.scopes.join('.') || '(root)';
    this.byScope.set(key, (this.byScope.get(key) ?? 0) + macs);
  }

  get total(): number {
    let sum = 0;
    for (const v of this.byScope.values()) sum += v;
    return sum;
  }
}

/** Batch-norm statistics observed in a training-mode pass, for the caller to fold into the moving averages. */
export interface BatchNormObservation {
  /** The batch norm's scope, e.g. `local.s0.conv.dw.bn`. */
  name: string;
  mean: tf.Tensor1D;
  /** Biased (population) variance of the batch. */
  variance: tf.Tensor1D;
  /** Values per channel the statistics were computed over (N * H * W). */
  count: number;
}

export const BN_EPSILON = 1e-5;

/** How a parameter is initialised. */
export type ParamInit =
  | { kind: 'zeros' }
  | { kind: 'ones' }
  | { kind: 'normal'; std: number }
  | { kind: 'uniform'; limit: number };

export type ParamInitializer = (name: string, shape: readonly number[], init: ParamInit) => tf.Tensor;

/** He (Kaiming) normal for a ReLU layer with the given fan-in. */
export function heNormal(fanIn: number): ParamInit {
  return { kind: 'normal', std: Math.sqrt(2 / fanIn) };
}

/** PyTorch's default for linear layers: U(-1/sqrt(fanIn), 1/sqrt(fanIn)). */
export function fanInUniform(fanIn: number): ParamInit {
  return { kind: 'uniform', limit: 1 / Math.sqrt(fanIn) };
}

export const ZEROS: ParamInit = { kind: 'zeros' };
export const ONES: ParamInit = { kind: 'ones' };

/**
 * What a forward pass needs: the parameters by name, whether it trains
 * (batch statistics) or infers (moving statistics, or BN folded into the
 * preceding convolution), and an optional MAC counter.
 */
export class LayerContext {
  readonly training: boolean;
  /**
   * Training with frozen batch norm: every BN layer normalises with its moving statistics, as at inference,
   * and records nothing; gamma and beta still learn. Only meaningful with `training`.
   */
  readonly frozenBatchNorm: boolean;
  readonly counter: MacCounter | undefined;
  readonly bnObservations: BatchNormObservation[] = [];
  /** Every parameter name the pass asked for (to find stray weights in a file). */
  readonly usedNames = new Set<string>();
  private readonly params: Map<string, tf.Tensor>;
  private readonly initializer: ParamInitializer | undefined;
  private readonly folded: ReadonlyMap<string, tf.Tensor> | undefined;
  private readonly prefix: string[] = [];

  constructor(options: {
    params: Map<string, tf.Tensor>;
    /** Creates parameters that `params` lacks (model initialisation). */
    initializer?: ParamInitializer;
    training?: boolean;
    /** See LayerContext.frozenBatchNorm. */
    frozenBatchNorm?: boolean;
    counter?: MacCounter;
    /** Convolution weights with their batch norm folded in (inference only). */
    folded?: ReadonlyMap<string, tf.Tensor>;
  }) {
    this.params = options.params;
    this.initializer = options.initializer;
    this.training = options.training ?? false;
    this.frozenBatchNorm = this.training && (options.frozenBatchNorm ?? false);
    this.counter = options.counter;
    this.folded = this.training ? undefined : options.folded;
  }

  /** Runs `fn` inside a named scope: parameter names and MAC counts are prefixed with it. */
  scope<T>(name: string, fn: () => T): T {
    this.prefix.push(name);
    this.counter?.enter(name);
    try {
      // At inference each scope frees its intermediate tensors as soon as it
      // returns, so peak memory is a few activations, not the whole pass
      // (one tidy around the pass would hold every activation until the end).
      // Training keeps them: gradients need them.
      if (!this.training) return tf.tidy(fn as () => tf.TensorContainer) as T;
      return fn();
    } finally {
      this.counter?.exit();
      this.prefix.pop();
    }
  }

  /** True when inference runs on folded weights (see foldForInference). */
  get isFolded(): boolean {
    return this.folded !== undefined;
  }

  fullName(name: string): string {
    return [...this.prefix, name].join('.');
  }

  /**
   * The parameter `name` in the current scope. Layers declare each
   * parameter's shape and initialiser where they use it, so the network's
   * code is the one description of its weights: a context made with an
   * `initializer` creates missing parameters (in forward order, so a seed
   * reproduces them); otherwise a missing or mis-shaped weight is an error.
   */
  param(name: string, shape: readonly number[], init: ParamInit): tf.Tensor {
    const full = this.fullName(name);
    this.usedNames.add(full);
    let t = this.params.get(full);
    if (t === undefined) {
      if (this.initializer === undefined) {
        throw new ModelError('MISSING_WEIGHT', `weight ${full} is missing`);
      }
      t = this.initializer(full, shape, init);
      this.params.set(full, t);
    } else if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new ModelError(
        'WEIGHT_SHAPE_MISMATCH',
        `weight ${full} has shape [${t.shape.join(', ')}], the architecture needs [${shape.join(', ')}]`,
      );
    }
    return t;
  }

  /** The folded (conv+BN) tensor `name` in the current scope, when inference runs folded. */
  foldedParam(name: string): tf.Tensor | undefined {
    return this.folded?.get(this.fullName(name));
  }

  count(macsForBatch: number, batch: number): void {
    this.counter?.add(macsForBatch / batch);
  }
}
