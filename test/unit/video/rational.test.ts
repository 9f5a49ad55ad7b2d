import { describe, expect, it } from 'vitest';

import { parseRational } from '../../../src/video/rational.js';

describe('parseRational', () => {
  it.each([
    ['30000/1001', { num: 30000, den: 1001 }],
    ['25/1', { num: 25, den: 1 }],
    ['1:1', { num: 1, den: 1 }],
    ['25', { num: 25, den: 1 }],
    [24, { num: 24, den: 1 }],
    ['0/0', null],
    ['N/A', null],
    ['', null],
    [undefined, null],
    ['1/0', null],
  ])('%j -> %j', (input, expected) => {
    expect(parseRational(input)).toEqual(expected);
  });
});
