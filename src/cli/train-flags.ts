import { DEFAULT_LDFNET_CONFIG, validateConfig, type LdfnetConfig, type LdfnetVariant } from '../model/ldfnet-config.js';
import { UsageError } from '../util/usage-error.js';
import { parseNumberFlag } from './scan-flags.js';

/** A flag that must be a positive number (--lr, --lr-decay), given as text. */
export function parsePositiveFlag(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number, got '${value}'`);
  return n;
}

/**
 * --config-json: a JSON object of LdfnetConfig fields over the defaults, checked whole (the variant is
 * --ablation's).
 * @throws UsageError (not JSON, not an object, a variant in it), ModelError BAD_CONFIG (not an architecture)
 */
export function parseConfigJson(text: string, variant: LdfnetVariant): Partial<LdfnetConfig> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--config-json is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError('--config-json must be a JSON object');
  if ('variant' in value) throw new UsageError('--config-json: give the variant with --ablation');
  return validateConfig({ ...DEFAULT_LDFNET_CONFIG, ...value, variant });
}

/** --crop-jitter "SCALE,SHIFT" as augment fields (undefined when absent). */
export function parseCropJitter(value: string | undefined): { maxScaleJitter: number; maxShiftJitter: number } | undefined {
  if (value === undefined) return undefined;
  const parts = value.split(',');
  if (parts.length !== 2) throw new UsageError(`--crop-jitter must be SCALE,SHIFT (e.g. 0.08,0.04), got "${value}"`);
  return { maxScaleJitter: parseNumberFlag('crop-jitter', parts[0]!, 0, 0.5), maxShiftJitter: parseNumberFlag('crop-jitter', parts[1]!, 0, 0.5) };
}
