import { CodedError } from '../../util/coded-error.js';

/** Errors raised by the self-blended-image synthesis. `code` is stable for callers (ldf dataset ...). */
export const SBI_ERROR_CODES = [
  /** A crop that is not a square RGB24 image (length size * size * 3). */
  'BAD_CROP',
  /** Landmarks that are not 68 finite [x, y] points. */
  'BAD_LANDMARKS',
  /** Any other bad argument (seed, sample index, parameter override, preview input). */
  'BAD_ARGUMENT',
] as const;

export type SbiErrorCode = (typeof SBI_ERROR_CODES)[number];

export class SbiError extends CodedError<SbiErrorCode> {}
