import { describe, expect, it } from 'vitest';
import { compileGlob, compileGlobs, GlobError } from '../../../src/scan/glob-match.js';

describe('compileGlob', () => {
  it('a pattern without a slash matches the name at any depth', () => {
    const m = compileGlob('*.mp4');
    expect(m('a.mp4')).toBe(true);
    expect(m('x/y/a.mp4')).toBe(true);
    expect(m('a.mp4.txt')).toBe(false);
    expect(m('.hidden.mp4')).toBe(true);
    expect(compileGlob('tmp')('a/tmp')).toBe(true);
    expect(compileGlob('tmp')('a/tmpx')).toBe(false);
  });

  it('a pattern with a slash matches the whole relative path; * never crosses a slash', () => {
    const m = compileGlob('2024/*.mov');
    expect(m('2024/a.mov')).toBe(true);
    expect(m('2024/x/a.mov')).toBe(false);
    expect(m('x/2024/a.mov')).toBe(false);
    expect(compileGlob('/2024/*.mov')('2024/a.mov')).toBe(true);
  });

  it('** matches zero or more folders; dir/** everything inside dir', () => {
    const m = compileGlob('a/**/b.mp4');
    expect(m('a/b.mp4')).toBe(true);
    expect(m('a/x/b.mp4')).toBe(true);
    expect(m('a/x/y/b.mp4')).toBe(true);
    expect(m('b.mp4')).toBe(false);
    const inside = compileGlob('tmp/**');
    expect(inside('tmp/a')).toBe(true);
    expect(inside('tmp/a/b.mp4')).toBe(true);
    expect(inside('tmp')).toBe(false);
    expect(compileGlob('**/*.mp4')('x/y.mp4')).toBe(true);
    expect(compileGlob('**/*.mp4')('y.mp4')).toBe(true);
  });

  it('?, sets, negated sets, alternatives and escapes', () => {
    expect(compileGlob('clip?.mp4')('clip1.mp4')).toBe(true);
    expect(compileGlob('clip?.mp4')('clip12.mp4')).toBe(false);
    expect(compileGlob('clip[0-3].mp4')('clip2.mp4')).toBe(true);
    expect(compileGlob('clip[0-3].mp4')('clip7.mp4')).toBe(false);
    expect(compileGlob('clip[!0-3].mp4')('clip7.mp4')).toBe(true);
    expect(compileGlob('clip[!0-3].mp4')('clip2.mp4')).toBe(false);
    expect(compileGlob('*.{mp4,mov}')('a.mov')).toBe(true);
    expect(compileGlob('*.{mp4,mov}')('a.mkv')).toBe(false);
    expect(compileGlob('a\\*b')('a*b')).toBe(true);
    expect(compileGlob('a\\*b')('axb')).toBe(false);
    expect(compileGlob('a+b (1).mp4')('a+b (1).mp4')).toBe(true); // regex characters are literal
    expect(compileGlob('ünï*')('ünïcode.mp4')).toBe(true);
  });

  it('rejects broken patterns with a stable code', () => {
    for (const bad of ['', 'a[b', 'a{b', 'a\\']) {
      expect(() => compileGlob(bad)).toThrow(GlobError);
    }
    try {
      compileGlob('a[');
    } catch (error) {
      expect((error as GlobError).code).toBe('BAD_GLOB');
    }
  });

  it('compileGlobs: any of them', () => {
    const m = compileGlobs(['*.mp4', 'keep/**']);
    expect(m('x.mp4')).toBe(true);
    expect(m('keep/a.txt')).toBe(true);
    expect(m('a.txt')).toBe(false);
    expect(compileGlobs([])('a')).toBe(false);
  });
});
