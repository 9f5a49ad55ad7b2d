import { createHash } from 'node:crypto';
import { CodedError } from '../util/coded-error.js';

/** One share of a batch split across N jobs: index is 1-based (1..count). */
export interface Shard {
  index: number;
  count: number;
}

/** A bad --shard value or environment (code 'BAD_SHARD'); the scan flags report it as a UsageError. */
export class ShardError extends CodedError<'BAD_SHARD'> {
  constructor(message: string, options?: ErrorOptions) {
    super('BAD_SHARD', message, options);
  }
}

/** The environment variables `--shard auto` reads. */
export interface ShardEnv {
  /** Kubernetes Indexed Job: the pod's completion index, 0-based. */
  JOB_COMPLETION_INDEX?: string | undefined;
  /** GitLab CI `parallel:`: the job's index, 1-based, and the job count. */
  CI_NODE_INDEX?: string | undefined;
  CI_NODE_TOTAL?: string | undefined;
}

function positiveInteger(text: string, what: string, value: string): number {
  if (!/^\d+$/.test(text.trim())) throw new ShardError(`--shard ${value}: ${what} must be a whole number, got "${text}"`);
  return Number(text.trim());
}

/**
 * Parses `--shard`:
 * - `I/N`: share I of N (1 <= I <= N), e.g. from a CI matrix;
 * - `auto/N`: the index from JOB_COMPLETION_INDEX (Kubernetes Indexed Job, 0-based, so
 *   index 0 is share 1), else CI_NODE_INDEX (GitLab, 1-based);
 * - `auto`: CI_NODE_INDEX of CI_NODE_TOTAL (GitLab `parallel: N`).
 */
export function parseShard(value: string, env: ShardEnv = {}): Shard {
  const [left = '', right, extra] = value.split('/');
  if (extra !== undefined) throw new ShardError(`--shard must be I/N, auto/N or auto, got "${value}"`);
  let index: number;
  let count: number;
  if (left.trim() === 'auto') {
    if (right === undefined) {
      if (env.CI_NODE_INDEX === undefined || env.CI_NODE_TOTAL === undefined) {
        throw new ShardError('--shard auto needs CI_NODE_INDEX and CI_NODE_TOTAL (GitLab parallel jobs); elsewhere give auto/N or I/N');
      }
      index = positiveInteger(env.CI_NODE_INDEX, 'CI_NODE_INDEX', value);
      count = positiveInteger(env.CI_NODE_TOTAL, 'CI_NODE_TOTAL', value);
    } else {
      count = positiveInteger(right, 'N', value);
      if (env.JOB_COMPLETION_INDEX !== undefined && env.JOB_COMPLETION_INDEX !== '') {
        index = positiveInteger(env.JOB_COMPLETION_INDEX, 'JOB_COMPLETION_INDEX', value) + 1;
      } else if (env.CI_NODE_INDEX !== undefined && env.CI_NODE_INDEX !== '') {
        index = positiveInteger(env.CI_NODE_INDEX, 'CI_NODE_INDEX', value);
      } else {
        throw new ShardError(`--shard ${value} needs JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or CI_NODE_INDEX (GitLab) in the environment`);
      }
    }
  } else {
    if (right === undefined) throw new ShardError(`--shard must be I/N, auto/N or auto, got "${value}"`);
    index = positiveInteger(left, 'I', value);
    count = positiveInteger(right, 'N', value);
  }
  if (count < 1) throw new ShardError(`--shard ${value}: N must be at least 1`);
  if (index < 1 || index > count) throw new ShardError(`--shard ${value}: the share must be from 1 to ${count}, got ${index}`);
  return { index, count };
}

/**
 * The key a file is sharded by: its path relative to the folder that was
 * scanned (or the path as given, for a file named on the command line), with
 * `/` separators, no leading `./`, in Unicode NFC. Independent of where the
 * folder is mounted, so jobs that mount it at different places agree.
 */
export function shardKey(relativePath: string): string {
  return relativePath.replace(/\\/g, '/').replace(/^(?:\.\/)+/, '').normalize('NFC');
}

/** The share (1..count) a key belongs to: the first 48 bits of its sha256, modulo count. */
export function shardOf(key: string, count: number): number {
  const digest = createHash('sha256').update(key, 'utf8').digest();
  return (digest.readUIntBE(0, 6) % count) + 1;
}

export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}
