import { CodedError } from '../util/coded-error.js';

/**
 * Errors raised by the face-dataset modules (ldf dataset prepare / preview, and the trainer's reader).
 * `code` is stable: the CLI prints it, errors.jsonl records it, callers branch on it.
 */
export const DATASET_ERROR_CODES = [
  /** Bad options: a --val-share outside [0, 1), an identity pattern without a capture group, ... */
  'INVALID_OPTIONS',
  /** An input path that does not exist or cannot be listed. */
  'INPUT_NOT_FOUND',
  /** The --labels CSV cannot be read or has a malformed line. */
  'BAD_LABELS_FILE',
  /** The output folder is not a dataset (not empty, no dataset.json) or its files do not parse. */
  'NOT_A_DATASET',
  /** dataset.json or an item is not valid against its schema. */
  'INVALID_DATASET',
  /** The folder was prepared with a different format, crop convention, detector or options. */
  'DATASET_MISMATCH',
  /** Another `ldf dataset prepare` is writing to the folder (see its .lock file). */
  'DATASET_LOCKED',
  /** A source file has no label (no real/ or fake/ folder above it, no --label, not in --labels). */
  'NO_LABEL',
  /** --label and the real/ or fake/ folder above a file disagree. */
  'LABEL_CONFLICT',
  /** --identity-pattern does not match a file's relative path. */
  'NO_IDENTITY',
  /** An image file that cannot be decoded (corrupt, truncated, not an image). */
  'UNREADABLE_IMAGE',
  /** A crop file that is missing or not a size x size RGB image. */
  'BAD_CROP',
  /** The dataset has no item matching the request (preview). */
  'NO_ITEMS',
] as const;

export type DatasetErrorCode = (typeof DATASET_ERROR_CODES)[number];

export class DatasetError extends CodedError<DatasetErrorCode> {
  /** The file the error is about, when there is one. */
  readonly path: string | undefined;

  constructor(code: DatasetErrorCode, message: string, options: { cause?: unknown; path?: string } = {}) {
    super(code, message, options.cause === undefined ? undefined : { cause: options.cause });
    this.path = options.path;
  }
}
