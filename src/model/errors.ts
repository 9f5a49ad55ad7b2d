/**
 * Errors raised by the model layer. Every error carries a stable `code`
 * (part of the CLI's contract: reports and exit codes depend on it) and
 * the underlying `cause` when there is one.
 */
export class ModelError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModelError';
    this.code = code;
  }
}

/** Stable codes raised while choosing / initialising the TF.js backend (src/model/backend.ts). */
export type BackendErrorCode =
  /** The requested backend cannot be loaded at all (e.g. tfjs-node is not installed). */
  | 'BACKEND_UNAVAILABLE'
  /** The backend was found but failed to initialise (wasm binary, pthread workers, ...). */
  | 'BACKEND_INIT_FAILED'
  /** Bad options passed to selectBackend (unknown name, non-integer thread count, ...). */
  | 'BACKEND_INVALID_OPTIONS'
  /** The request conflicts with a backend that is already live (e.g. a new wasm thread count while wasm tensors exist). */
  | 'BACKEND_CONFLICT';

/** Base class of every backend-selection error; `code` is one of {@link BackendErrorCode}. */
export class BackendError extends ModelError {
  declare readonly code: BackendErrorCode;
  /** The backend the failing request was about. */
  readonly backend: string;

  constructor(code: BackendErrorCode, backend: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'BackendError';
    this.backend = backend;
  }
}

/** code 'BACKEND_UNAVAILABLE': the backend's package is missing or cannot be loaded. */
export class BackendUnavailableError extends BackendError {
  constructor(backend: string, message: string, options?: { cause?: unknown }) {
    super('BACKEND_UNAVAILABLE', backend, message, options);
    this.name = 'BackendUnavailableError';
  }
}

/** code 'BACKEND_INIT_FAILED': the backend is present but could not be initialised. Never silently replaced by cpu. */
export class BackendInitError extends BackendError {
  constructor(backend: string, message: string, options?: { cause?: unknown }) {
    super('BACKEND_INIT_FAILED', backend, message, options);
    this.name = 'BackendInitError';
  }
}
