import { describe, expect, it } from 'vitest';

import { parseDurationMs } from '../../../src/video/parse-duration.js';
import { VideoError } from '../../../src/video/video-error.js';

describe('parseDurationMs', () => {
  it.each([
    ['1s', 1000],
    ['500ms', 500],
    ['1.5s', 1500],
    ['.5s', 500],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['1h2m3.5s', 3_723_500],
    ['2s500ms', 2500],
    ['0s', 0],
    ['0.0005s', 0.5],
    ['1.0000005s', 1000.001],
    [' 10S ', 10_000],
    ['00:01:02.5', 62_500],
    ['01:02.5', 62_500],
    ['1:02', 62_000],
    ['10:00:00', 36_000_000],
    ['00:00:00.001', 1],
    ['0:59.999', 59_999],
    ['123:00', 7_380_000],
  ])('parses %j as %d ms', (text, expected) => {
    expect(parseDurationMs(text)).toBe(expected);
  });

  it.each([
    [''],
    ['   '],
    ['500'],
    ['1.5'],
    ['-1s'],
    ['1x'],
    ['s'],
    ['1s1s'],
    ['30s1m'],
    ['1 s'],
    ['1s junk'],
    ['1:60'],
    ['1:60:00'],
    ['::'],
    ['1:2:3:4'],
    ['NaNs'],
    ['Infinitys'],
    ['1e3ms'],
  ])('rejects %j with BAD_DURATION', (text) => {
    let caught: unknown;
    try {
      parseDurationMs(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(VideoError);
    expect((caught as VideoError).code).toBe('BAD_DURATION');
    expect((caught as VideoError).message).toContain(JSON.stringify(text));
  });

  it('says a unit is missing for bare numbers', () => {
    expect(() => parseDurationMs('500')).toThrow(/missing unit/);
  });
});
