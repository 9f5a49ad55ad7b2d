/**
 * Test tool: seeded, reproducible mutations of media files for the fuzz corpus (`npm run fuzz`,
 * test/integration/fuzz/fuzz-corpus.test.ts). Pure functions of (bytes, kind, PRNG): the same seed gives
 * byte-identical mutants on every machine.
 *
 * Mutations: bit flips, byte runs (a run overwritten with 0x00, 0xFF or random bytes), deleted chunks,
 * duplicated chunks, and corrupted size fields found by parsing the container (MP4/MOV box sizes and
 * sample-table entry counts, Matroska/WebM EBML element sizes, PNG chunk lengths and IHDR dimensions, JPEG
 * segment lengths and frame dimensions, GIF sub-block sizes and dimensions, WebP RIFF/chunk sizes and VP8
 * dimensions) set to 0, 1, a huge value or off by a few.
 */
import { mulberry32 } from '../../src/model/ldfnet-params.js';

export const MEDIA_KINDS = ['mp4', 'mov', 'mkv', 'webm', 'gif', 'jpg', 'png', 'webp'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

export const MUTATION_KINDS = ['bit-flip', 'byte-run', 'delete-chunk', 'duplicate-chunk', 'size-field'] as const;
export type MutationKind = (typeof MUTATION_KINDS)[number];

/** mulberry32, the PRNG that seeds ldf's initial weights: floats in [0, 1). */
export { mulberry32 };

/** A 32-bit hash of a few integers (FNV-1a over their bytes, then a final avalanche): per-mutant seeds. */
export function mixSeed(...values: number[]): number {
  let h = 0x811c9dc5;
  for (const v of values) {
    for (let k = 0; k < 4; k++) {
      h ^= (v >>> (k * 8)) & 0xff;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  return h >>> 0;
}

/** Seeded random helpers over mulberry32. */
export class Rng {
  private readonly next: () => number;

  constructor(seed: number) {
    this.next = mulberry32(seed);
  }

  float(): number {
    return this.next();
  }

  /** An integer in [0, maxExclusive). */
  int(maxExclusive: number): number {
    if (!(maxExclusive >= 1)) throw new RangeError(`int(${maxExclusive}): need at least 1`);
    return Math.floor(this.next() * maxExclusive);
  }

  /** An integer in [min, max]. */
  range(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new RangeError('pick from an empty list');
    return item;
  }

  /** A length in [1, max], small lengths more likely (log-uniform). */
  length(max: number): number {
    const top = Math.max(1, Math.floor(max));
    return Math.min(top, Math.max(1, Math.floor(Math.exp(this.float() * Math.log(top + 1)))));
  }
}

/** A size-like field of a container: where it is, how it is stored, and what it says. */
export interface SizeField {
  offset: number;
  /** Bytes of the field. */
  bytes: number;
  /** Big or little endian, or an EBML variable-length integer (its length marker kept). */
  encoding: 'be' | 'le' | 'vint';
  /** What the field is, e.g. "box moov size", "ebml 0x1f43b675 size", "png IHDR length". */
  label: string;
}

/** The largest value a field can hold (EBML: the largest that is not "unknown size"). */
function maxValue(field: SizeField): number {
  if (field.encoding === 'vint') return Math.min(Number.MAX_SAFE_INTEGER, 2 ** (7 * field.bytes) - 2);
  return field.bytes >= 7 ? Number.MAX_SAFE_INTEGER : 2 ** (8 * field.bytes) - 1;
}

export function readField(data: Uint8Array, field: SizeField): number {
  let value = 0;
  for (let k = 0; k < field.bytes; k++) {
    const index = field.encoding === 'le' ? field.offset + field.bytes - 1 - k : field.offset + k;
    let byte = data[index] ?? 0;
    if (field.encoding === 'vint' && k === 0) byte &= 0xff >> field.bytes;
    value = value * 256 + byte;
  }
  return value;
}

export function writeField(data: Uint8Array, field: SizeField, value: number): void {
  let rest = Math.max(0, Math.min(value, field.encoding === 'vint' ? 2 ** (7 * field.bytes) - 1 : maxValue(field)));
  for (let k = field.bytes - 1; k >= 0; k--) {
    const index = field.encoding === 'le' ? field.offset + field.bytes - 1 - k : field.offset + k;
    let byte = rest % 256;
    rest = Math.floor(rest / 256);
    if (field.encoding === 'vint' && k === 0) byte = (byte & (0xff >> field.bytes)) | (0x80 >> (field.bytes - 1));
    data[index] = byte;
  }
}

const u32be = (d: Uint8Array, o: number): number => ((d[o] ?? 0) * 2 ** 24 + ((d[o + 1] ?? 0) << 16) + ((d[o + 2] ?? 0) << 8) + (d[o + 3] ?? 0)) >>> 0;
const u32le = (d: Uint8Array, o: number): number => ((d[o + 3] ?? 0) * 2 ** 24 + ((d[o + 2] ?? 0) << 16) + ((d[o + 1] ?? 0) << 8) + (d[o] ?? 0)) >>> 0;
const u16be = (d: Uint8Array, o: number): number => ((d[o] ?? 0) << 8) | (d[o + 1] ?? 0);
const fourcc = (d: Uint8Array, o: number): string => String.fromCharCode(d[o] ?? 0, d[o + 1] ?? 0, d[o + 2] ?? 0, d[o + 3] ?? 0);

/** Cap on the fields one file reports (a long clip has thousands of blocks). */
const MAX_FIELDS = 4096;

// --- MP4 / MOV ---------------------------------------------------------------------------------------

/** Boxes whose payload is a list of boxes. */
const MP4_CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl', 'dinf', 'edts', 'udta', 'mvex', 'moof', 'traf', 'tref', 'clip', 'matt']);
/** Boxes whose payload starts with fields, then holds boxes: offset of the first child from the box start. */
const MP4_CHILDREN_AT: Record<string, number> = { stsd: 16, dref: 16, avc1: 86, avc3: 86, hvc1: 86, hev1: 86, mp4v: 86, vp08: 86, vp09: 86, av01: 86, mp4a: 36, meta: 12 };
/** Full boxes with an entry count after version/flags (stsz: after the default sample size too). */
const MP4_COUNT_AT: Record<string, number> = { stts: 12, stss: 12, stsc: 12, stco: 12, co64: 12, ctts: 12, elst: 12, stsd: 12, dref: 12, stsz: 16 };

function isBoxType(d: Uint8Array, o: number): boolean {
  for (let k = 0; k < 4; k++) {
    const c = d[o + k] ?? 0;
    if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x20 || c === 0xa9)) return false;
  }
  return true;
}

function mp4Fields(d: Uint8Array): SizeField[] {
  const fields: SizeField[] = [];
  const walk = (start: number, end: number, depth: number): void => {
    let o = start;
    while (o + 8 <= end && fields.length < MAX_FIELDS && depth < 12) {
      const type = fourcc(d, o + 4);
      if (!isBoxType(d, o + 4)) return;
      let size = u32be(d, o);
      let header = 8;
      if (size === 1) {
        if (o + 16 > end) return;
        fields.push({ offset: o + 8, bytes: 8, encoding: 'be', label: `box ${type} largesize` });
        size = u32be(d, o + 8) * 2 ** 32 + u32be(d, o + 12);
        header = 16;
      } else {
        fields.push({ offset: o, bytes: 4, encoding: 'be', label: `box ${type} size` });
        if (size === 0) size = end - o;
      }
      if (size < header || o + size > end) return;
      const countAt = MP4_COUNT_AT[type];
      if (countAt !== undefined && o + countAt + 4 <= o + size) {
        fields.push({ offset: o + countAt, bytes: 4, encoding: 'be', label: `box ${type} entry count` });
      }
      if (type === 'stsz' && o + 16 <= o + size) fields.push({ offset: o + 12, bytes: 4, encoding: 'be', label: 'box stsz sample size' });
      if (MP4_CONTAINERS.has(type)) walk(o + header, o + size, depth + 1);
      else {
        const childrenAt = MP4_CHILDREN_AT[type];
        if (childrenAt !== undefined) {
          // QuickTime's meta has no version/flags: its children start right after the header.
          const at = type === 'meta' && isBoxType(d, o + 12) ? 8 : childrenAt;
          walk(o + at, o + size, depth + 1);
        }
      }
      o += size;
    }
  };
  walk(0, d.length, 0);
  return fields;
}

// --- Matroska / WebM (EBML) --------------------------------------------------------------------------

/** EBML master elements (their payload is elements). */
const EBML_MASTERS = new Set([
  0x1a45dfa3, 0x18538067, 0x114d9b74, 0x4dbb, 0x1549a966, 0x1654ae6b, 0xae, 0xe0, 0xe1, 0x1f43b675, 0xa0, 0x1c53bb6b, 0xbb, 0xb7, 0x1254c367, 0x7373,
  0x67c8, 0x63c0, 0x1043a770, 0x45b9, 0xb6, 0x80, 0x6d80, 0x6240, 0x5034, 0x5035, 0x75a1, 0xa6, 0x1941a469, 0x61a7, 0x8e, 0xe8, 0x55b0,
]);

/** Length of an EBML vint from its first byte (1-8), or 0 when invalid. */
function vintLength(first: number): number {
  for (let n = 1; n <= 8; n++) if (first & (0x80 >> (n - 1))) return n;
  return 0;
}

function ebmlFields(d: Uint8Array): SizeField[] {
  const fields: SizeField[] = [];
  const walk = (start: number, end: number, depth: number): void => {
    let o = start;
    while (o < end && fields.length < MAX_FIELDS && depth < 12) {
      const idLength = vintLength(d[o] ?? 0);
      if (idLength === 0 || idLength > 4 || o + idLength >= end) return;
      let id = 0;
      for (let k = 0; k < idLength; k++) id = id * 256 + (d[o + k] ?? 0);
      const sizeAt = o + idLength;
      const sizeLength = vintLength(d[sizeAt] ?? 0);
      if (sizeLength === 0 || sizeAt + sizeLength > end) return;
      const field: SizeField = { offset: sizeAt, bytes: sizeLength, encoding: 'vint', label: `ebml 0x${id.toString(16)} size` };
      fields.push(field);
      const size = readField(d, field);
      const payload = sizeAt + sizeLength;
      const unknown = size === 2 ** (7 * sizeLength) - 1;
      const payloadEnd = unknown ? end : payload + size;
      if (payloadEnd > end) return;
      if (EBML_MASTERS.has(id)) walk(payload, payloadEnd, depth + 1);
      if (unknown) return;
      o = payloadEnd;
    }
  };
  walk(0, d.length, 0);
  return fields;
}

// --- PNG ---------------------------------------------------------------------------------------------

function pngFields(d: Uint8Array): SizeField[] {
  const fields: SizeField[] = [];
  let o = 8;
  while (o + 12 <= d.length && fields.length < MAX_FIELDS) {
    const length = u32be(d, o);
    const type = fourcc(d, o + 4);
    fields.push({ offset: o, bytes: 4, encoding: 'be', label: `png ${type} length` });
    if (type === 'IHDR') {
      fields.push({ offset: o + 8, bytes: 4, encoding: 'be', label: 'png IHDR width' }, { offset: o + 12, bytes: 4, encoding: 'be', label: 'png IHDR height' });
    }
    if (type === 'IEND') break;
    o += 12 + length;
  }
  return fields;
}

// --- JPEG --------------------------------------------------------------------------------------------

function jpgFields(d: Uint8Array): SizeField[] {
  const fields: SizeField[] = [];
  let o = 2; // after SOI
  while (o + 4 <= d.length && fields.length < MAX_FIELDS) {
    if (d[o] !== 0xff) {
      o++;
      continue;
    }
    const marker = d[o + 1] ?? 0;
    if (marker === 0xff || marker === 0x00 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      o += marker === 0xff ? 1 : 2;
      continue;
    }
    if (marker === 0xd9) break;
    const name = `FF${marker.toString(16).toUpperCase()}`;
    fields.push({ offset: o + 2, bytes: 2, encoding: 'be', label: `jpg ${name} length` });
    if ((marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) || marker === 0xdd) {
      if (marker !== 0xdd) {
        fields.push({ offset: o + 5, bytes: 2, encoding: 'be', label: `jpg ${name} height` }, { offset: o + 7, bytes: 2, encoding: 'be', label: `jpg ${name} width` });
      }
    }
    const length = u16be(d, o + 2);
    o += 2 + length;
    if (marker === 0xda) {
      // Entropy-coded data: up to the next marker that is not a stuffed byte or a restart marker.
      while (o + 1 < d.length && !(d[o] === 0xff && d[o + 1] !== 0x00 && !((d[o + 1] ?? 0) >= 0xd0 && (d[o + 1] ?? 0) <= 0xd7))) o++;
    }
  }
  return fields;
}

// --- GIF ---------------------------------------------------------------------------------------------

function gifFields(d: Uint8Array): SizeField[] {
  if (d.length < 13) return [];
  const fields: SizeField[] = [
    { offset: 6, bytes: 2, encoding: 'le', label: 'gif screen width' },
    { offset: 8, bytes: 2, encoding: 'le', label: 'gif screen height' },
  ];
  const packed = d[10] ?? 0;
  let o = 13 + (packed & 0x80 ? 3 * 2 ** ((packed & 7) + 1) : 0);
  const subBlocks = (what: string): void => {
    while (o < d.length && fields.length < MAX_FIELDS) {
      const size = d[o] ?? 0;
      fields.push({ offset: o, bytes: 1, encoding: 'be', label: `gif ${what} sub-block size` });
      o += 1 + size;
      if (size === 0) return;
    }
  };
  while (o < d.length && fields.length < MAX_FIELDS) {
    const introducer = d[o];
    if (introducer === 0x21) {
      const label = (d[o + 1] ?? 0).toString(16);
      o += 2;
      subBlocks(`extension 0x${label}`);
    } else if (introducer === 0x2c) {
      fields.push({ offset: o + 5, bytes: 2, encoding: 'le', label: 'gif image width' }, { offset: o + 7, bytes: 2, encoding: 'le', label: 'gif image height' });
      const local = d[o + 9] ?? 0;
      o += 10 + (local & 0x80 ? 3 * 2 ** ((local & 7) + 1) : 0);
      fields.push({ offset: o, bytes: 1, encoding: 'be', label: 'gif LZW minimum code size' });
      o += 1;
      subBlocks('image data');
    } else {
      break;
    }
  }
  return fields;
}

// --- WebP --------------------------------------------------------------------------------------------

function webpFields(d: Uint8Array): SizeField[] {
  if (d.length < 12 || fourcc(d, 0) !== 'RIFF') return [];
  const fields: SizeField[] = [{ offset: 4, bytes: 4, encoding: 'le', label: 'webp RIFF size' }];
  let o = 12;
  while (o + 8 <= d.length && fields.length < MAX_FIELDS) {
    const type = fourcc(d, o);
    fields.push({ offset: o + 4, bytes: 4, encoding: 'le', label: `webp ${type.trim()} size` });
    if (type === 'VP8 ' && o + 18 <= d.length) {
      // Frame tag (3), start code 9d 01 2a (3), then 14-bit width and height (2 bits of scale each).
      fields.push({ offset: o + 14, bytes: 2, encoding: 'le', label: 'webp VP8 width' }, { offset: o + 16, bytes: 2, encoding: 'le', label: 'webp VP8 height' });
    }
    if (type === 'VP8X' && o + 18 <= d.length) {
      fields.push({ offset: o + 12, bytes: 3, encoding: 'le', label: 'webp VP8X canvas width' }, { offset: o + 15, bytes: 3, encoding: 'le', label: 'webp VP8X canvas height' });
    }
    const size = u32le(d, o + 4);
    o += 8 + size + (size % 2);
  }
  return fields;
}

/** The size fields of a file of the given kind, in file order (at most a few thousand). */
export function findSizeFields(data: Uint8Array, kind: MediaKind): SizeField[] {
  switch (kind) {
    case 'mp4':
    case 'mov':
      return mp4Fields(data);
    case 'mkv':
    case 'webm':
      return ebmlFields(data);
    case 'png':
      return pngFields(data);
    case 'jpg':
      return jpgFields(data);
    case 'gif':
      return gifFields(data);
    case 'webp':
      return webpFields(data);
  }
}

// --- mutations ---------------------------------------------------------------------------------------

export interface MutationResult {
  data: Buffer;
  /** What was done, e.g. "size-field box stco size@1234 512->0". */
  description: string;
}

function bitFlip(input: Buffer, rng: Rng): MutationResult {
  const data = Buffer.from(input);
  const flips = rng.length(16);
  const bits = new Set<number>();
  while (bits.size < Math.min(flips, data.length * 8)) bits.add(rng.int(data.length * 8));
  const sorted = [...bits].sort((a, b) => a - b);
  for (const bit of sorted) data[bit >> 3] = (data[bit >> 3] ?? 0) ^ (1 << (bit & 7));
  return { data, description: `bit-flip ${sorted.length} bits at ${sorted.slice(0, 4).map((b) => b >> 3).join(',')}${sorted.length > 4 ? ',...' : ''}` };
}

function byteRun(input: Buffer, rng: Rng): MutationResult {
  const data = Buffer.from(input);
  const length = rng.length(Math.min(1024, Math.max(1, data.length >> 3)));
  const offset = rng.int(Math.max(1, data.length - length + 1));
  const fill = rng.pick(['0x00', '0xff', 'random'] as const);
  for (let k = offset; k < Math.min(data.length, offset + length); k++) data[k] = fill === '0x00' ? 0 : fill === '0xff' ? 0xff : rng.int(256);
  if (data.equals(input)) data[offset] = (data[offset] ?? 0) ^ 0xff; // the run was already that: still change a byte
  return { data, description: `byte-run ${fill} x${length} at ${offset}` };
}

function deleteChunk(input: Buffer, rng: Rng): MutationResult {
  const length = Math.min(input.length - 1, rng.length(Math.max(1, input.length >> 2)));
  const offset = rng.int(Math.max(1, input.length - length + 1));
  return { data: Buffer.concat([input.subarray(0, offset), input.subarray(offset + length)]), description: `delete-chunk x${length} at ${offset}` };
}

function duplicateChunk(input: Buffer, rng: Rng): MutationResult {
  const length = rng.length(Math.max(1, input.length >> 2));
  const offset = rng.int(Math.max(1, input.length - length + 1));
  const chunk = input.subarray(offset, offset + length);
  // Right after itself (a repeated block) or somewhere else.
  const at = rng.float() < 0.5 ? offset + chunk.length : rng.int(input.length + 1);
  return { data: Buffer.concat([input.subarray(0, at), chunk, input.subarray(at)]), description: `duplicate-chunk x${chunk.length} from ${offset} to ${at}` };
}

function sizeField(input: Buffer, kind: MediaKind, rng: Rng): MutationResult {
  const fields = findSizeFields(input, kind);
  if (fields.length === 0) {
    const flipped = bitFlip(input, rng);
    return { data: flipped.data, description: `size-field none found, ${flipped.description}` };
  }
  const field = rng.pick(fields);
  const data = Buffer.from(input);
  const old = readField(data, field);
  const top = maxValue(field);
  const candidates = (): number => {
    switch (rng.pick(['zero', 'one', 'huge', 'off'] as const)) {
      case 'zero':
        return 0;
      case 'one':
        return 1;
      case 'huge':
        return rng.float() < 0.5 ? top : Math.max(old + 1, Math.floor(top / 2) + rng.int(Math.max(1, Math.floor(top / 2))));
      case 'off': {
        const delta = rng.range(1, 8);
        return rng.float() < 0.5 ? old - delta : old + delta;
      }
    }
  };
  let value = candidates();
  for (let tries = 0; (value === old || value < 0 || value > top) && tries < 8; tries++) value = candidates();
  if (value === old || value < 0 || value > top) value = old === 0 ? 1 : 0;
  writeField(data, field, value);
  return { data, description: `size-field ${field.label}@${field.offset} ${old}->${value}` };
}

/** Applies one mutation of the given kind. The result always differs from the input (for inputs of 2+ bytes). */
export function mutate(input: Buffer, kind: MediaKind, mutation: MutationKind, rng: Rng): MutationResult {
  if (input.length < 2) throw new RangeError('mutate: need at least 2 bytes');
  switch (mutation) {
    case 'bit-flip':
      return bitFlip(input, rng);
    case 'byte-run':
      return byteRun(input, rng);
    case 'delete-chunk':
      return deleteChunk(input, rng);
    case 'duplicate-chunk':
      return duplicateChunk(input, rng);
    case 'size-field':
      return sizeField(input, kind, rng);
  }
}

export interface MutantSpec {
  /** 0-based mutant number. */
  index: number;
  /** The mutations applied, in order (the first names the mutant). */
  mutations: MutationKind[];
  data: Buffer;
  descriptions: string[];
}

/**
 * Mutant `index` of a corpus seeded `seed`, from `input`: its own PRNG (mixSeed(seed, index)), so mutant i
 * is the same whatever the count. The first mutation is `primary`; a quarter of the mutants get a second,
 * random one on top.
 */
export function makeMutant(input: Buffer, kind: MediaKind, seed: number, index: number, primary: MutationKind): MutantSpec {
  const rng = new Rng(mixSeed(seed, index));
  const mutations: MutationKind[] = [primary];
  if (rng.float() < 0.25) mutations.push(rng.pick(MUTATION_KINDS));
  let data = input;
  const descriptions: string[] = [];
  for (const mutation of mutations) {
    const result = mutate(data.length >= 2 ? data : input, kind, mutation, rng);
    data = result.data;
    descriptions.push(result.description);
  }
  return { index, mutations, data, descriptions };
}
