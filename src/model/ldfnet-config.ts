import { ModelError } from './errors.js';

/**
 * The network variants. `ldfnet` is the full model of the paper; the others
 * are the rows of its ablation (Table III), selectable so it can be reproduced.
 */
export const LDFNET_VARIANTS = [
  'basenet', // BaseNet only
  'basenet-sge', // BaseNet + SGE
  'basenet-gtr', // BaseNet + GTR network, fused by element-wise sum
  'basenet-sge-gtr-sum', // BaseNet + SGE + GTR, fused by element-wise sum
  'ldfnet', // BaseNet + SGE + GTR, fused by the dynamic fusion module (the paper's model)
] as const;
export type LdfnetVariant = (typeof LDFNET_VARIANTS)[number];

export interface LdfnetConfig {
  variant: LdfnetVariant;
  /** Square input side in pixels. The axis-wise MLPs are sized by it. */
  inputSize: number;
  /** Output channels of the five stages (both branches). */
  widths: readonly [number, number, number, number, number];
  /** Strides of the five stages (both branches). */
  strides: readonly [number, number, number, number, number];
  /** SGE groups per stage; each must divide the stage width. */
  sgeGroups: readonly [number, number, number, number, number];
  /** Output channels of the constrained (Bayar) convolution at the head of the GTR branch. */
  constrainedChannels: number;
  /** Kernel size of the constrained convolution. */
  constrainedKernel: number;
}

export const DEFAULT_LDFNET_CONFIG: LdfnetConfig = {
  variant: 'ldfnet',
  inputSize: 256,
  widths: [32, 64, 128, 256, 352],
  strides: [1, 2, 2, 2, 2],
  sgeGroups: [8, 8, 16, 16, 16],
  constrainedChannels: 3,
  constrainedKernel: 5,
};

export function hasSge(variant: LdfnetVariant): boolean {
  return variant === 'basenet-sge' || variant === 'basenet-sge-gtr-sum' || variant === 'ldfnet';
}

export function hasGtr(variant: LdfnetVariant): boolean {
  return variant === 'basenet-gtr' || variant === 'basenet-sge-gtr-sum' || variant === 'ldfnet';
}

export function hasDfm(variant: LdfnetVariant): boolean {
  return variant === 'ldfnet';
}

/** Spatial side after each stage ('same' padding: ceil division). */
export function stageSides(config: LdfnetConfig): number[] {
  const sides: number[] = [];
  let side = config.inputSize;
  for (const stride of config.strides) {
    side = Math.ceil(side / stride);
    sides.push(side);
  }
  return sides;
}

/** Checks a config read from disk or built from flags; throws ModelError('BAD_CONFIG'). */
export function validateConfig(value: unknown): LdfnetConfig {
  const fail = (why: string): never => {
    throw new ModelError('BAD_CONFIG', `invalid LDFnet architecture config: ${why}`);
  };
  if (typeof value !== 'object' || value === null) fail('not an object');
  const c = value as Record<string, unknown>;
  if (!LDFNET_VARIANTS.includes(c.variant as LdfnetVariant)) {
    fail(`variant must be one of ${LDFNET_VARIANTS.join(', ')}`);
  }
  const five = (key: string): [number, number, number, number, number] => {
    const v = c[key];
    if (!Array.isArray(v) || v.length !== 5 || !v.every((n) => Number.isInteger(n) && n > 0)) {
      return fail(`${key} must be five positive integers`);
    }
    return v as [number, number, number, number, number];
  };
  const widths = five('widths');
  const strides = five('strides');
  const sgeGroups = five('sgeGroups');
  const int = (key: string): number => {
    const v = c[key];
    if (!Number.isInteger(v) || (v as number) <= 0) return fail(`${key} must be a positive integer`);
    return v as number;
  };
  const inputSize = int('inputSize');
  const constrainedChannels = int('constrainedChannels');
  const constrainedKernel = int('constrainedKernel');
  if (constrainedKernel % 2 !== 1) fail('constrainedKernel must be odd');
  widths.forEach((w, i) => {
    if (w % (sgeGroups[i] ?? 1) !== 0) fail(`sgeGroups[${i}] must divide widths[${i}]`);
  });
  return {
    variant: c.variant as LdfnetVariant,
    inputSize,
    widths,
    strides,
    sgeGroups,
    constrainedChannels,
    constrainedKernel,
  };
}
