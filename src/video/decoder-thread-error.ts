import { CodedError } from '../util/coded-error.js';

/**
 * An error the decoder thread of a DecodePool raised that is not a VideoError (a bug, a Node error): it
 * crosses the thread boundary as name, code and message (decode-protocol.ts), and comes back with the code
 * it had there, 'INTERNAL_ERROR' when it had none. Its codes are therefore open, not a closed union.
 */
export class DecoderThreadError extends CodedError {
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}
