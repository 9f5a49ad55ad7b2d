import { expect } from 'vitest';
import { describeSchemaErrors, schemaValidator } from '../../src/util/json-schema.js';

/** Asserts `value` is valid against schemas/`file`, with the validator's complaints as the failure message. */
export function expectValidAgainst(file: string, value: unknown): void {
  const validate = schemaValidator(file);
  const ok = validate(value);
  expect(ok, ok ? '' : describeSchemaErrors(validate, 10)).toBe(true);
}
