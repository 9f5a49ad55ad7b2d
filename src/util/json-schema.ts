import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

/** The package's schemas/ folder (two levels above this file in src/ and in dist/). */
export const SCHEMAS_DIR = fileURLToPath(new URL('../../schemas/', import.meta.url));

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const cache = new Map<string, ValidateFunction>();

/**
 * A compiled validator for `schemas/<file>`; compiled once per process. The
 * other schemas in schemas/ are known to it, so a schema may refer to
 * another by file name (`scan-report.schema.json#/$defs/file`).
 */
export function schemaValidator(file: string): ValidateFunction {
  let validate = cache.get(file);
  if (validate === undefined) {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats(ajv);
    for (const other of readdirSync(SCHEMAS_DIR)) {
      if (other !== file && other.endsWith('.schema.json')) ajv.addSchema(JSON.parse(readFileSync(`${SCHEMAS_DIR}${other}`, 'utf8')) as object);
    }
    validate = ajv.compile(JSON.parse(readFileSync(`${SCHEMAS_DIR}${file}`, 'utf8')) as object);
    cache.set(file, validate);
  }
  return validate;
}

/** Human-readable list of what failed, e.g. "/weights/files/0/sha256 must match pattern ...". */
export function describeSchemaErrors(validate: ValidateFunction, max = 3): string {
  const errors = validate.errors ?? [];
  const lines = errors.slice(0, max).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
  if (errors.length > max) lines.push(`and ${errors.length - max} more`);
  return lines.join('; ');
}
