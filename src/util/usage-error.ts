import { CodedError } from './coded-error.js';

/** A request that cannot be run as given (a bad flag value, options that do not fit together): exit 2. */
export class UsageError extends CodedError<'USAGE'> {
  constructor(message: string, options?: ErrorOptions) {
    super('USAGE', message, options);
  }
}
