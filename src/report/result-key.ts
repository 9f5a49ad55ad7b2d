import { createHash } from 'node:crypto';
import type { ScanOptions, ScanReport } from './scan-report.js';

/** JSON with object keys sorted at every level: equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The model identity that results depend on: id, version and the weight files' hashes. */
export function modelIdentity(model: ScanReport['model']): { id: string; version: string; weightsSha256: string[] } {
  return { id: model.id, version: model.version, weightsSha256: model.weightsSha256 };
}

/** The options that shape a file's result: every scan option except --fail-on (a gate, not an input). */
export function resultOptions(options: ScanOptions): Omit<ScanOptions, 'failOn'> {
  const { failOn: _failOn, ...rest } = options;
  return rest;
}

/**
 * A digest of what a file's result depends on besides the file itself (the
 * model and the result-shaping options). Two results for files with the same
 * sha256 and the same key are interchangeable: --resume reuses them, and
 * `ldf report merge` refuses to join reports whose keys differ.
 */
export function resultKey(model: ScanReport['model'], options: ScanOptions): string {
  return createHash('sha256')
    .update(canonicalJson({ model: modelIdentity(model), options: resultOptions(options) }))
    .digest('hex');
}
