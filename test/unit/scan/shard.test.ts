import { describe, expect, it } from 'vitest';
import { formatShard, parseShard, ShardError, shardKey, shardOf } from '../../../src/scan/shard.js';

describe('parseShard', () => {
  it('I/N, 1-based', () => {
    expect(parseShard('1/4')).toEqual({ index: 1, count: 4 });
    expect(parseShard('4/4')).toEqual({ index: 4, count: 4 });
    expect(formatShard(parseShard('2/3'))).toBe('2/3');
  });

  it('auto/N reads the Kubernetes completion index (0-based), else GitLab CI_NODE_INDEX (1-based)', () => {
    expect(parseShard('auto/5', { JOB_COMPLETION_INDEX: '0' })).toEqual({ index: 1, count: 5 });
    expect(parseShard('auto/5', { JOB_COMPLETION_INDEX: '4' })).toEqual({ index: 5, count: 5 });
    expect(parseShard('auto/5', { CI_NODE_INDEX: '2' })).toEqual({ index: 2, count: 5 });
    expect(parseShard('auto/5', { JOB_COMPLETION_INDEX: '3', CI_NODE_INDEX: '1' })).toEqual({ index: 4, count: 5 });
    expect(parseShard('auto', { CI_NODE_INDEX: '3', CI_NODE_TOTAL: '3' })).toEqual({ index: 3, count: 3 });
  });

  it('refuses what is out of range or missing', () => {
    for (const [value, env] of [
      ['0/4', {}],
      ['5/4', {}],
      ['1/0', {}],
      ['x/4', {}],
      ['1', {}],
      ['1/2/3', {}],
      ['auto/4', {}],
      ['auto/4', { JOB_COMPLETION_INDEX: '4' }],
      ['auto/4', { JOB_COMPLETION_INDEX: '-1' }],
      ['auto', { CI_NODE_INDEX: '1' }],
    ] as const) {
      expect(() => parseShard(value, env), `${value} ${JSON.stringify(env)}`).toThrow(ShardError);
    }
  });
});

describe('shardOf', () => {
  const keys = Array.from({ length: 2000 }, (_, i) => `folder ${i % 7}/clip-${i}.mp4`);

  it('is a partition: every key in exactly one share, shares roughly even', () => {
    for (const count of [1, 2, 3, 7]) {
      const sizes = new Array<number>(count).fill(0);
      for (const key of keys) {
        const share = shardOf(key, count);
        expect(share).toBeGreaterThanOrEqual(1);
        expect(share).toBeLessThanOrEqual(count);
        sizes[share - 1]!++;
      }
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(keys.length);
      for (const size of sizes) expect(Math.abs(size - keys.length / count)).toBeLessThan((keys.length / count) * 0.2);
    }
  });

  it('is stable: pinned values (a change would reshuffle every CI setup)', () => {
    expect(shardOf('a/b.mp4', 1000)).toBe(PINNED_A_B);
  });

  it('keys: / separators, no leading ./, NFC', () => {
    expect(shardKey('./a\\b.mp4')).toBe('a/b.mp4');
    expect(shardKey('cafe\u0301.mp4')).toBe('caf\u00e9.mp4');
  });
});

// sha256("a/b.mp4") starts b0a066fc4862: 0xb0a066fc4862 mod 1000 + 1 (computed independently).
const PINNED_A_B = 571;
