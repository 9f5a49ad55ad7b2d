import { CodedError } from '../util/coded-error.js';

/** Stable codes scanning one file raises itself (the video, faces and model layers' codes pass through unchanged). */
export const SCAN_ERROR_CODES = [
  /** The scan's AbortSignal fired while the file's frames were being read. */
  'ABORTED',
  /** The file probed fine but not one frame could be decoded in the sampled range. */
  'NO_FRAMES',
  /**
   * Some sampled times have no decodable frame: the file is cut short of its declared duration or its data
   * is damaged. The report keeps what was decoded (`damage`, the tracks) but gives no verdict or score.
   */
  'DAMAGED_MEDIA',
] as const;

export type ScanErrorCode = (typeof SCAN_ERROR_CODES)[number];

/** An error of src/scan/scan-file.ts; it ends up as the file's `error` in the report. */
export class ScanError extends CodedError<ScanErrorCode> {}
