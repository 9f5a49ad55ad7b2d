import { CodedError } from '../util/coded-error.js';

/**
 * Errors raised by the model layer. Every error carries a stable `code`
 * (part of the CLI's contract: reports and exit codes depend on it) and
 * the underlying `cause` when there is one.
 */

/** Stable codes of the model layer itself (model folders, weights, architecture, inference); see also {@link BACKEND_ERROR_CODES}. */
export const MODEL_ERROR_CODES = [
  /** The folder holds no manifest: it is not a model folder. */
  'MODEL_NOT_FOUND',
  /** The manifest exists but cannot be read (permissions, I/O). */
  'MODEL_UNREADABLE',
  /** The manifest is not JSON, does not match its schema, or its thresholds / sizes disagree. */
  'MANIFEST_INVALID',
  /** A weights file named by the manifest cannot be read. */
  'WEIGHTS_MISSING',
  /** A weights file's size differs from the manifest's, or the specs need another total. */
  'WEIGHTS_SIZE_MISMATCH',
  /** A weights file's sha256 differs from the manifest's. */
  'WEIGHTS_HASH_MISMATCH',
  /** A weight that is not float32, or a weight named twice. */
  'BAD_WEIGHTS',
  /** The architecture needs a weight the model does not have. */
  'MISSING_WEIGHT',
  /** A weight's shape is not the one the architecture needs. */
  'WEIGHT_SHAPE_MISMATCH',
  /** The model holds weights the architecture does not use. */
  'UNEXPECTED_WEIGHT',
  /** The LDFnet architecture config is invalid. */
  'BAD_CONFIG',
  /** Crops passed to the network are not size x size RGB. */
  'BAD_INPUT',
  /** The model was used after dispose(). */
  'MODEL_DISPOSED',
  /** No model under the models folder is marked default (pass --model). */
  'NO_DEFAULT_MODEL',
  /** Several models under the models folder are marked default. */
  'AMBIGUOUS_DEFAULT_MODEL',
  /** The model's manifest says trained: false and the command refuses untrained weights (see --allow-untrained). */
  'MODEL_UNTRAINED',
] as const;

/** Stable codes raised while choosing / initialising the TF.js backend (src/model/backend.ts). */
export const BACKEND_ERROR_CODES = [
  /** The requested backend cannot be loaded at all (e.g. tfjs-node is not installed). */
  'BACKEND_UNAVAILABLE',
  /** The backend was found but failed to initialise (wasm binary, pthread workers, ...). */
  'BACKEND_INIT_FAILED',
  /** Bad options passed to selectBackend (unknown name, non-integer thread count, ...). */
  'BACKEND_INVALID_OPTIONS',
  /** The request conflicts with a backend that is already live (e.g. a new wasm thread count while wasm tensors exist). */
  'BACKEND_CONFLICT',
] as const;

export type BackendErrorCode = (typeof BACKEND_ERROR_CODES)[number];

/** Every code a ModelError (or one of its backend subclasses) can carry. */
export type ModelErrorCode = (typeof MODEL_ERROR_CODES)[number] | BackendErrorCode;

export class ModelError extends CodedError<ModelErrorCode> {}

/** Base class of every backend-selection error; `code` is one of {@link BackendErrorCode}. */
export class BackendError extends ModelError {
  declare readonly code: BackendErrorCode;
  /** The backend the failing request was about. */
  readonly backend: string;

  constructor(code: BackendErrorCode, backend: string, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.backend = backend;
  }
}

/** code 'BACKEND_UNAVAILABLE': the backend's package is missing or cannot be loaded. */
export class BackendUnavailableError extends BackendError {
  constructor(backend: string, message: string, options?: ErrorOptions) {
    super('BACKEND_UNAVAILABLE', backend, message, options);
  }
}

/** code 'BACKEND_INIT_FAILED': the backend is present but could not be initialised. Never silently replaced by cpu. */
export class BackendInitError extends BackendError {
  constructor(backend: string, message: string, options?: ErrorOptions) {
    super('BACKEND_INIT_FAILED', backend, message, options);
  }
}
