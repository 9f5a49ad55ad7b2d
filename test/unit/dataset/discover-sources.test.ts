import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverSources, sourceKindOf } from '../../../src/dataset/discover-sources.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ldf-discover-'));
  const files = ['in/real/b.jpg', 'in/real/a.PNG', 'in/real/sub/c.mp4', 'in/fake/d.webp', 'in/fake/notes.txt', 'in/.hidden.jpg', 'in/.cache/e.jpg', 'in/out/old.jpg', 'other/f.jpg', 'other/g'];
  for (const f of files) {
    await mkdir(path.dirname(path.join(dir, f)), { recursive: true });
    await writeFile(path.join(dir, f), 'x');
  }
  await symlink(path.join(dir, 'other'), path.join(dir, 'in', 'linked'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('discoverSources', () => {
  it('walks folders in name order, keeps images and videos, skips hidden entries and excluded folders', async () => {
    const result = await discoverSources([path.join(dir, 'in')], { excludeDirs: [path.join(dir, 'in', 'out')] });
    expect(result.sources.map((s) => [s.relPath, s.kind])).toEqual([
      ['fake/d.webp', 'image'],
      ['linked/f.jpg', 'image'],
      ['real/a.PNG', 'image'],
      ['real/b.jpg', 'image'],
      ['real/sub/c.mp4', 'video'],
    ]);
    expect(result.sources.every((s) => s.rootPath === path.join(dir, 'in') && path.isAbsolute(s.file))).toBe(true);
    expect(result.ignored).toBe(3); // notes.txt, .hidden.jpg, linked/g
    expect(result.problems).toEqual([]);
  });

  it('takes input files whatever their extension, under their own folder, once', async () => {
    const result = await discoverSources([path.join(dir, 'other', 'g'), path.join(dir, 'other'), path.join(dir, 'in', 'linked', 'f.jpg'), path.join(dir, 'missing')]);
    expect(result.sources.map((s) => [path.basename(s.rootPath), s.relPath, s.kind])).toEqual([
      ['other', 'g', 'video'],
      ['other', 'f.jpg', 'image'],
    ]);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ code: 'INPUT_NOT_FOUND', message: expect.stringMatching(/missing: no such file or folder/) });
  });

  it('classifies by extension', () => {
    expect(sourceKindOf('a.JPEG')).toBe('image');
    expect(sourceKindOf('a.mov')).toBe('video');
    expect(sourceKindOf('a.bmp')).toBe('video'); // sharp has no BMP reader; ffmpeg does
    expect(sourceKindOf('a.csv')).toBeNull();
  });
});
