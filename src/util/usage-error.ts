/** A request that cannot be run as given (a bad flag value, options that do not fit together): exit 2. */
export class UsageError extends Error {
  readonly code = 'USAGE';
}
