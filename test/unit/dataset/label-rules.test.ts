import { describe, expect, it } from 'vitest';
import { DatasetError } from '../../../src/dataset/dataset-error.js';
import { labelFromLayout, parseLabelsCsv } from '../../../src/dataset/label-rules.js';

describe('labelFromLayout', () => {
  it('takes the nearest real/ or fake/ folder at any depth, the input folder itself included', () => {
    expect(labelFromLayout('/data', 'real/a.jpg')).toBe('real');
    expect(labelFromLayout('/data', 'fake/x/y/z/a.mp4')).toBe('fake');
    expect(labelFromLayout('/data', 'real/by-fake-tool/fake/a.jpg')).toBe('fake');
    expect(labelFromLayout('/data', 'fake/real/a.jpg')).toBe('real');
    expect(labelFromLayout('/data/Real', 'a.jpg')).toBe('real');
    expect(labelFromLayout('/data/FAKE', 'sub/a.jpg')).toBe('fake');
  });

  it('gives null without such a folder (file names and folders above the root do not count)', () => {
    expect(labelFromLayout('/data', 'a.jpg')).toBeNull();
    expect(labelFromLayout('/real/data', 'a.jpg')).toBeNull();
    expect(labelFromLayout('/data', 'reality/fake.jpg')).toBeNull();
  });
});

describe('parseLabelsCsv', () => {
  it('reads path,label[,identity] relative to the CSV folder, with a header, quotes, comments and 0/1', () => {
    const csv = ['path,label,identity', 'a.jpg,real,alice', '# a comment', '', '"b, c.jpg",FAKE,"bo ""b"""', 'sub/d.mp4,1', '/abs/e.png,0,'].join('\r\n');
    const map = parseLabelsCsv(csv, '/base');
    expect(map.get('/base/a.jpg')).toEqual({ label: 'real', identity: 'alice', line: 2 });
    expect(map.get('/base/b, c.jpg')).toEqual({ label: 'fake', identity: 'bo "b"', line: 5 });
    expect(map.get('/base/sub/d.mp4')).toEqual({ label: 'fake', identity: null, line: 6 });
    expect(map.get('/abs/e.png')).toEqual({ label: 'real', identity: null, line: 7 });
    expect(map.size).toBe(4);
  });

  it('refuses bad lines, naming the line', () => {
    const bad = (text: string): DatasetError => {
      try {
        parseLabelsCsv(text, '/b', 'labels.csv');
      } catch (error) {
        return error as DatasetError;
      }
      throw new Error('no error');
    };
    expect(bad('a.jpg,maybe').message).toMatch(/labels.csv:1: label must be real or fake/);
    expect(bad('a.jpg').code).toBe('BAD_LABELS_FILE');
    expect(bad('a.jpg,real,x,y').message).toMatch(/labels.csv:1/);
    expect(bad('x.jpg,real\n"a.jpg,real').message).toMatch(/labels.csv:2: unterminated/);
    expect(bad('a.jpg,real\n./a.jpg,fake').message).toMatch(/listed again \(line 1\)/);
    expect(parseLabelsCsv('a.jpg,real\n./a.jpg,real', '/b').size).toBe(1);
  });
});
