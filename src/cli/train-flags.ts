import { DEFAULT_LDFNET_CONFIG, validateConfig, type LdfnetConfig, type LdfnetVariant } from '../model/ldfnet-config.js';
import { UsageError } from '../util/usage-error.js';
import { parseNumberFlag } from './scan-flags.js';

/**
 * --config-json's object over the default LDFnet config, checked whole (the variant is --ablation's).
 * @throws ModelError BAD_CONFIG
 */
export function architectureOverrides(value: object, variant: LdfnetVariant): Partial<LdfnetConfig> {
  return validateConfig({ ...DEFAULT_LDFNET_CONFIG, ...value, variant });
}

/** --crop-jitter "SCALE,SHIFT" as augment fields (undefined when absent). */
export function parseCropJitter(value: string | undefined): { maxScaleJitter: number; maxShiftJitter: number } | undefined {
  if (value === undefined) return undefined;
  const parts = value.split(',');
  if (parts.length !== 2) throw new UsageError(`--crop-jitter must be SCALE,SHIFT (e.g. 0.08,0.04), got "${value}"`);
  return { maxScaleJitter: parseNumberFlag('crop-jitter', parts[0]!, 0, 0.5), maxShiftJitter: parseNumberFlag('crop-jitter', parts[1]!, 0, 0.5) };
}
