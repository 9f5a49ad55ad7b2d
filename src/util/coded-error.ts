/**
 * The base of every error ldf raises on purpose. `code` is stable and part of the CLI's contract (the
 * `[CODE]` of an exit-2 line, a file's `error.code` in the JSON report, a line of errors.jsonl: see
 * docs/error-codes.md); callers branch on it, never on `message`. `cause` goes through the standard
 * ErrorOptions; `name` is the concrete class's name (VideoError, BackendInitError, ...).
 *
 * Each layer has one subclass with the union of its codes, derived from an exported `..._CODES` list so the
 * codes can be checked at run time (test/unit/util/coded-error.test.ts compares them with the docs).
 */
export abstract class CodedError<Code extends string = string> extends Error {
  readonly code: Code;

  constructor(code: Code, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
