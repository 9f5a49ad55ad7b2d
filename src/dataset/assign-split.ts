/**
 * Identities and the train / val split. Whole identities go to one side, chosen by a seeded hash of the
 * identity string alone: the split of a file does not depend on which other files exist or on the order
 * they are processed in, so datasets prepared in several runs split the same way.
 */
import { createHash } from 'node:crypto';
import { DatasetError } from './dataset-error.js';
import type { DatasetSplit } from './dataset-format.js';

/**
 * Compiles --identity-pattern: a JavaScript regular expression with at least one capture group (the first
 * group is the identity). @throws DatasetError INVALID_OPTIONS
 */
export function compileIdentityPattern(pattern: string): RegExp {
  let re: RegExp;
  try {
    re = new RegExp(pattern);
  } catch (cause) {
    throw new DatasetError('INVALID_OPTIONS', `--identity-pattern is not a valid regular expression: ${(cause as Error).message}`, { cause });
  }
  const groups = (new RegExp(`${pattern}|`).exec('') ?? []).length - 1;
  if (groups < 1) throw new DatasetError('INVALID_OPTIONS', `--identity-pattern needs a capture group, e.g. "^([^/]+)/" (got "${pattern}")`);
  return re;
}

/** The first capture group of `pattern` on `relPath`; null when it does not match or the group is empty. */
export function identityFromPattern(pattern: RegExp, relPath: string): string | null {
  const m = pattern.exec(relPath);
  const id = m?.[1];
  return id === undefined || id === '' ? null : id;
}

/** Where `identity` falls in [0, 1) for seed `seed`: the first 48 bits of sha256(seed NUL identity). */
export function splitPosition(identity: string, seed: number): number {
  const digest = createHash('sha256').update(`${seed}\0${identity}`).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/** 'val' for identities whose splitPosition is below valShare, else 'train'. */
export function splitFor(identity: string, valShare: number, seed: number): DatasetSplit {
  if (valShare <= 0) return 'train';
  return splitPosition(identity, seed) < valShare ? 'val' : 'train';
}

/** Checks --val-share (a number in [0, 1)) and --split-seed (an integer). @throws DatasetError INVALID_OPTIONS */
export function checkSplitOptions(valShare: number, seed: number): void {
  if (typeof valShare !== 'number' || !(valShare >= 0 && valShare < 1)) {
    throw new DatasetError('INVALID_OPTIONS', `--val-share must be a number in [0, 1), got ${String(valShare)}`);
  }
  if (!Number.isSafeInteger(seed)) throw new DatasetError('INVALID_OPTIONS', `--split-seed must be an integer, got ${String(seed)}`);
}
