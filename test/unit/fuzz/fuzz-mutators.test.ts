import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  findSizeFields,
  makeMutant,
  mixSeed,
  mulberry32,
  mutate,
  MUTATION_KINDS,
  readField,
  Rng,
  writeField,
  type MediaKind,
  type SizeField,
} from '../../helpers/fuzz-mutators.js';
import { ROOT } from '../../helpers/run-cli.js';

const fixture = (name: string): Buffer => readFileSync(path.join(ROOT, 'fixtures', name));

// Tiny hand-built files of the kinds fixtures/ has no file of, enough for their size-field parsers.
const u32be = (n: number): Buffer => Buffer.from([(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
const u32le = (n: number): Buffer => Buffer.from([n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff]);
function pngChunk(type: string, data: Buffer): Buffer {
  return Buffer.concat([u32be(data.length), Buffer.from(type, 'latin1'), data, Buffer.alloc(4)]);
}
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  pngChunk('IHDR', Buffer.concat([u32be(16), u32be(8), Buffer.from([8, 2, 0, 0, 0])])),
  pngChunk('IDAT', Buffer.alloc(40, 7)),
  pngChunk('IEND', Buffer.alloc(0)),
]);
// EBML header (0x1a45dfa3, size 4: DocType "webm" as 0x4282 with size... kept simple: one child) + Segment.
const MKV = Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x87, 0x42, 0x82, 0x84, 0x77, 0x65, 0x62, 0x6d, 0x18, 0x53, 0x80, 0x67, 0x85, 0x15, 0x49, 0xa9, 0x66, 0x80]);
const GIF = Buffer.concat([
  Buffer.from('GIF89a', 'latin1'),
  Buffer.from([4, 0, 4, 0, 0x80, 0, 0]), // 4x4, global colour table of 2
  Buffer.from([0, 0, 0, 255, 255, 255]),
  Buffer.from([0x21, 0xf9, 4, 0, 0, 0, 0, 0]), // graphic control extension
  Buffer.from([0x2c, 0, 0, 0, 0, 4, 0, 4, 0, 0, 2, 3, 0x84, 0x1d, 0x81, 0, 0x3b]),
]);
const WEBP = Buffer.concat([Buffer.from('RIFF', 'latin1'), u32le(30), Buffer.from('WEBPVP8 ', 'latin1'), u32le(18), Buffer.from([0x50, 0x01, 0x00, 0x9d, 0x01, 0x2a, 16, 0, 16, 0]), Buffer.alloc(8, 3)]);

const SAMPLES: readonly [MediaKind, Buffer][] = [
  ['mp4', fixture('one-face.mp4')],
  ['mov', fixture('rotated.mp4')],
  ['jpg', fixture('still.jpg')],
  ['png', PNG],
  ['mkv', MKV],
  ['webm', MKV],
  ['gif', GIF],
  ['webp', WEBP],
];

describe('mulberry32 and Rng', () => {
  it('repeat for a seed and differ across seeds', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const xs = Array.from({ length: 8 }, () => a());
    expect(Array.from({ length: 8 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 8 }, () => c())).not.toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
    // Known first value, so that a change to the generator (and to every corpus) is noticed.
    expect(mulberry32(1)()).toBeCloseTo(0.6270739405881613, 12);
  });

  it('mixSeed spreads neighbouring mutants, Rng stays in range', () => {
    expect(new Set(Array.from({ length: 100 }, (_, i) => mixSeed(1, i))).size).toBe(100);
    const rng = new Rng(5);
    for (let i = 0; i < 200; i++) {
      const n = rng.length(50);
      expect(n >= 1 && n <= 50).toBe(true);
      const r = rng.range(3, 6);
      expect(r >= 3 && r <= 6).toBe(true);
    }
  });
});

describe('findSizeFields', () => {
  const labels = (kind: MediaKind, data: Buffer): string[] => findSizeFields(data, kind).map((f) => f.label);

  it('walks MP4 boxes, with sample-table entry counts', () => {
    const found = labels('mp4', fixture('one-face.mp4'));
    for (const want of ['box ftyp size', 'box moov size', 'box trak size', 'box mdat size', 'box stsz size', 'box stco size', 'box stsz entry count', 'box stco entry count', 'box avcC size']) {
      expect(found, want).toContain(want);
    }
  });

  it('reads each kind: EBML, PNG, JPEG, GIF, WebP', () => {
    expect(labels('mkv', MKV)).toEqual(['ebml 0x1a45dfa3 size', 'ebml 0x4282 size', 'ebml 0x18538067 size', 'ebml 0x1549a966 size']);
    expect(labels('png', PNG)).toEqual(['png IHDR length', 'png IHDR width', 'png IHDR height', 'png IDAT length', 'png IEND length']);
    expect(labels('jpg', fixture('still.jpg'))).toEqual(expect.arrayContaining(['jpg FFDB length', 'jpg FFC0 length', 'jpg FFC0 width', 'jpg FFC0 height', 'jpg FFDA length']));
    expect(labels('gif', GIF)).toEqual([
      'gif screen width', 'gif screen height', 'gif extension 0xf9 sub-block size', 'gif extension 0xf9 sub-block size',
      'gif image width', 'gif image height', 'gif LZW minimum code size', 'gif image data sub-block size', 'gif image data sub-block size',
    ]);
    expect(labels('webp', WEBP)).toEqual(['webp RIFF size', 'webp VP8 size', 'webp VP8 width', 'webp VP8 height']);
  });

  it('reads the values the fields hold', () => {
    const fields = findSizeFields(PNG, 'png');
    expect(fields.map((f) => readField(PNG, f))).toEqual([13, 16, 8, 40, 0]);
    const segment = findSizeFields(MKV, 'mkv')[2]!;
    expect(readField(MKV, segment)).toBe(5);
  });

  it('writes fields in their own encoding, keeping an EBML length marker', () => {
    const data = Buffer.alloc(4);
    const vint: SizeField = { offset: 0, bytes: 2, encoding: 'vint', label: 'v' };
    writeField(data, vint, 300);
    expect([...data.subarray(0, 2)]).toEqual([0x41, 0x2c]);
    expect(readField(data, vint)).toBe(300);
    const le: SizeField = { offset: 0, bytes: 4, encoding: 'le', label: 'l' };
    writeField(data, le, 0x01020304);
    expect([...data]).toEqual([4, 3, 2, 1]);
    expect(readField(data, le)).toBe(0x01020304);
  });
});

describe('mutate', () => {
  it.each(SAMPLES)('every mutation kind changes the bytes of a %s file', (kind, data) => {
    for (const mutation of MUTATION_KINDS) {
      for (let seed = 0; seed < 25; seed++) {
        const result = mutate(data, kind, mutation, new Rng(seed));
        expect(result.data.equals(data), `${mutation} seed ${seed}: ${result.description}`).toBe(false);
        expect(result.description.startsWith(mutation), result.description).toBe(true);
      }
    }
  });

  it('size-field mutations touch only the bytes of one field', () => {
    const data = fixture('one-face.mp4');
    const fields = findSizeFields(data, 'mp4');
    for (let seed = 0; seed < 40; seed++) {
      const { data: out, description } = mutate(data, 'mp4', 'size-field', new Rng(seed));
      expect(out.length).toBe(data.length);
      const changed = [...out.keys()].filter((k) => out[k] !== data[k]);
      expect(fields.some((f) => changed.every((k) => k >= f.offset && k < f.offset + f.bytes)), description).toBe(true);
      expect(description).toMatch(/^size-field box .{4} (size|largesize|entry count|sample size)@\d+ \d+->\d+$/);
    }
  });

  it('leaves its input alone', () => {
    const data = Buffer.from(PNG);
    for (const mutation of MUTATION_KINDS) mutate(data, 'png', mutation, new Rng(1));
    expect(data.equals(PNG)).toBe(true);
  });
});

describe('makeMutant', () => {
  it('is deterministic: the same seed and index give the same bytes, others differ', () => {
    const data = fixture('one-face.mp4');
    for (const mutation of MUTATION_KINDS) {
      for (let index = 0; index < 10; index++) {
        const a = makeMutant(data, 'mp4', 7, index, mutation);
        const b = makeMutant(data, 'mp4', 7, index, mutation);
        expect(a.data.equals(b.data)).toBe(true);
        expect(a.descriptions).toEqual(b.descriptions);
        expect(a.mutations[0]).toBe(mutation);
      }
    }
    const one = makeMutant(data, 'mp4', 7, 3, 'bit-flip');
    const otherSeed = makeMutant(data, 'mp4', 8, 3, 'bit-flip');
    const otherIndex = makeMutant(data, 'mp4', 7, 4, 'bit-flip');
    expect(one.data.equals(otherSeed.data)).toBe(false);
    expect(one.data.equals(otherIndex.data)).toBe(false);
  });
});
