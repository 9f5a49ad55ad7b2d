import { CodedError } from '../util/coded-error.js';

/** Stable codes of the trainer (src/train/train-ldfnet.ts). */
export const TRAIN_ERROR_CODES = [
  /** The data set has no training items (none labelled real, with --synthesize sbi). */
  'NO_TRAIN_DATA',
  /** The checkpoint to resume belongs to another run: another state version, fingerprint or recipe, or a damaged optimiser state. */
  'RESUME_MISMATCH',
  /** Options the trainer cannot run with: a bad batch size, a starting model it cannot use, validation faces cut another way. */
  'BAD_OPTIONS',
] as const;

export type TrainErrorCode = (typeof TRAIN_ERROR_CODES)[number];

export class TrainError extends CodedError<TrainErrorCode> {}
