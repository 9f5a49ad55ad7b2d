import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverInputs } from '../../../src/scan/discover-inputs.js';

let dir: string;
const p = (...parts: string[]): string => path.join(dir, ...parts);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ldf-discover-'));
  for (const f of ['b.mp4', 'a.MOV', 'notes.txt', 'noext', 'sub/z.jpg', 'sub/deeper/y.mkv', 'sub/deeper/x.bin', 'tmp/skip.mp4', 'Z/upper.mp4', 'a b/ü.webm']) {
    await mkdir(path.dirname(p('root', f)), { recursive: true });
    await writeFile(p('root', f), 'x');
  }
  await symlink('..', p('root', 'sub', 'loop')); // back to root: a loop
  await symlink('missing.mp4', p('root', 'dangling.mp4'));
  await symlink('self', p('root', 'self')); // ELOOP
  await symlink(p('root', 'b.mp4'), p('root', 'sub', 'link-to-b.mp4')); // a file reached twice
  await mkdir(p('other'));
  await writeFile(p('other', 'c.mp4'), 'x');
});
afterAll(async () => {
  await chmod(p('root'), 0o755).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

describe('discoverInputs', () => {
  it('walks depth first in code-unit name order; media by extension, the rest marked for a content check', async () => {
    const { entries, problems } = await discoverInputs([p('root')]);
    expect(entries.map((e) => e.relativePath)).toEqual([
      'Z/upper.mp4',
      'a b/ü.webm',
      'a.MOV',
      'b.mp4',
      'noext',
      'notes.txt',
      'sub/deeper/x.bin',
      'sub/deeper/y.mkv',
      'sub/z.jpg',
      'tmp/skip.mp4',
    ]);
    const byRel = Object.fromEntries(entries.map((e) => [e.relativePath, e]));
    expect(byRel['a.MOV']!.needsContentCheck).toBe(false);
    expect(byRel['notes.txt']!.needsContentCheck).toBe(true);
    expect(byRel['noext']!.needsContentCheck).toBe(true);
    expect(byRel['sub/z.jpg']).toMatchObject({ path: p('root', 'sub', 'z.jpg'), root: p('root'), origin: 'walk', shardKey: 'sub/z.jpg' });
    // link-to-b.mp4 is b.mp4 again: listed once. The loop and the dangling links are warnings.
    expect(problems.map((q) => [path.relative(p('root'), q.path), q.code, q.severity]).sort()).toEqual([
      ['dangling.mp4', 'BROKEN_SYMLINK', 'warning'],
      ['self', 'SYMLINK_LOOP', 'warning'],
      [path.join('sub', 'loop'), 'SYMLINK_LOOP', 'warning'],
    ]);
  });

  it('--include, --exclude (folders pruned), --ext', async () => {
    const only = await discoverInputs([p('root')], { include: ['*.mp4'], exclude: ['tmp'] });
    expect(only.entries.map((e) => e.relativePath)).toEqual(['Z/upper.mp4', 'b.mp4']);
    const anchored = await discoverInputs([p('root')], { include: ['sub/**'] });
    // The link to b.mp4 counts here: b.mp4 itself was not included.
    expect(anchored.entries.map((e) => e.relativePath)).toEqual(['sub/deeper/x.bin', 'sub/deeper/y.mkv', 'sub/link-to-b.mp4', 'sub/z.jpg']);
    const ext = await discoverInputs([p('root')], { extensions: ['mkv', 'JPG', '.txt'] });
    expect(ext.entries.map((e) => [e.relativePath, e.needsContentCheck])).toEqual([
      ['notes.txt', false],
      ['sub/deeper/y.mkv', false],
      ['sub/z.jpg', false],
    ]);
    expect(ext.ignored).toBeGreaterThan(0);
  });

  it('files as given (missing ones too), folders walked, overlaps listed once, argument order kept', async () => {
    const { entries } = await discoverInputs([p('other'), p('root', 'sub'), p('nope.mp4'), p('root', 'b.mp4'), p('root', 'sub', 'z.jpg')], { include: ['*.jpg', '*.mp4'], exclude: ['loop'] });
    expect(entries.map((e) => [path.relative(dir, e.path), e.origin, e.relativePath === e.path ? 'as given' : e.relativePath])).toEqual([
      [path.join('other', 'c.mp4'), 'walk', 'c.mp4'],
      [path.join('root', 'sub', 'link-to-b.mp4'), 'walk', 'link-to-b.mp4'],
      [path.join('root', 'sub', 'z.jpg'), 'walk', 'z.jpg'],
      ['nope.mp4', 'argument', 'as given'],
    ]);
  });

  it.skipIf(process.getuid?.() === 0)('an unreadable folder is an error, and the walk goes on', async () => {
    await chmod(p('root', 'sub'), 0o000);
    try {
      const { entries, problems } = await discoverInputs([p('root')]);
      expect(problems.find((q) => q.code === 'DIR_UNREADABLE')).toMatchObject({ path: p('root', 'sub'), severity: 'error' });
      expect(entries.map((e) => e.relativePath)).toContain('tmp/skip.mp4');
    } finally {
      await chmod(p('root', 'sub'), 0o755);
    }
  });
});
