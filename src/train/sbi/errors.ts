/** Errors raised by the self-blended-image synthesis. `code` is stable for callers (ldf dataset ...). */
export type SbiErrorCode =
  /** A crop that is not a square RGB24 image (length size * size * 3). */
  | 'BAD_CROP'
  /** Landmarks that are not 68 finite [x, y] points. */
  | 'BAD_LANDMARKS'
  /** Any other bad argument (seed, sample index, parameter override, preview input). */
  | 'BAD_ARGUMENT';

export class SbiError extends Error {
  readonly code: SbiErrorCode;

  constructor(code: SbiErrorCode, message: string) {
    super(message);
    this.name = 'SbiError';
    this.code = code;
  }
}
