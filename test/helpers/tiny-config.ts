import { DEFAULT_LDFNET_CONFIG, type LdfnetConfig } from '../../src/model/ldfnet-config.js';

/** A small LDFnet (same modules, 32x32 input, narrow) for fast plumbing tests. */
export const TINY_CONFIG: LdfnetConfig = {
  ...DEFAULT_LDFNET_CONFIG,
  inputSize: 32,
  widths: [4, 8, 8, 16, 16],
  sgeGroups: [2, 2, 2, 4, 4],
};
