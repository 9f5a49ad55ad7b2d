import { CodedError } from '../util/coded-error.js';

/**
 * Errors raised by the faces layer (face detection and face cropping). Every error carries a stable `code`
 * (part of the CLI's contract: reports and exit codes depend on it) and the underlying `cause` when there
 * is one.
 */
export const FACES_ERROR_CODES = [
  /** A model's manifest asks for a crop convention cropFace does not implement (see assertCropConvention). */
  'CROP_MISMATCH',
  /** A frame whose dimensions or buffer length are not those of an RGB24 image. */
  'INVALID_FRAME',
  /** A face box with non-finite coordinates or a non-positive width / height. */
  'INVALID_BOX',
  /** A landmark-defined crop without 68 finite landmarks spanning an area. */
  'INVALID_LANDMARKS',
  /** Bad detection / load options (confidence outside [0, 1], non-integer maxFaces, ...). */
  'INVALID_OPTIONS',
  /** No TF.js backend is active yet: call selectBackend() (src/model/backend.ts) before FaceDetector.load(). */
  'BACKEND_NOT_SELECTED',
  /** face-api would run on a different TF.js engine / backend than the rest of ldf (duplicate tfjs-core?). */
  'ENGINE_MISMATCH',
  /** The face-api bundle or its weight files could not be loaded. */
  'FACE_MODEL_LOAD_FAILED',
  /** detect() was called on a FaceDetector after dispose(). */
  'DETECTOR_DISPOSED',
] as const;

export type FacesErrorCode = (typeof FACES_ERROR_CODES)[number];

export class FacesError extends CodedError<FacesErrorCode> {}
