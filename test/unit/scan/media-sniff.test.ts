import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { extensionOf, MEDIA_EXTENSIONS, sniffBytes } from '../../../src/scan/media-sniff.js';
import { ROOT } from '../../helpers/run-cli.js';

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));

describe('sniffBytes', () => {
  it('recognises the fixtures by content', async () => {
    for (const name of ['one-face.mp4', 'rotated.mp4', 'still.jpg', 'corrupt.mp4']) {
      expect(sniffBytes(await readFile(path.join(ROOT, 'fixtures', name))), name).toBe('media');
    }
    expect(sniffBytes(await readFile(path.join(ROOT, 'fixtures', 'README.md')))).toBe('not-media');
  });

  it('container and image signatures', () => {
    expect(sniffBytes(bytes([0, 0, 0, 0x18], 'ftypqt  '))).toBe('media');
    expect(sniffBytes(bytes([0x1a, 0x45, 0xdf, 0xa3, 0x01]))).toBe('media');
    expect(sniffBytes(bytes('RIFF', [0, 0, 0, 0], 'AVI LIST'))).toBe('media');
    expect(sniffBytes(bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '))).toBe('media');
    expect(sniffBytes(bytes('RIFF', [0, 0, 0, 0], 'WAVEfmt '))).toBe('unknown'); // audio: ffprobe decides (no video)
    expect(sniffBytes(bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a]))).toBe('media');
    expect(sniffBytes(bytes('GIF89a'))).toBe('media');
    const ts = new Uint8Array(376);
    ts[0] = 0x47;
    ts[188] = 0x47;
    expect(sniffBytes(ts)).toBe('media');
  });

  it('text and well-known documents are not media; empty is empty; binary noise is unknown', () => {
    expect(sniffBytes(new Uint8Array())).toBe('empty');
    expect(sniffBytes(bytes('hello\nworld\r\n\ttabs'))).toBe('not-media');
    expect(sniffBytes(new TextEncoder().encode('ünïcode 文字 ok'))).toBe('not-media');
    // A multi-byte character cut by the end of the sample is still text.
    expect(sniffBytes(new TextEncoder().encode('abc文').subarray(0, 5))).toBe('not-media');
    expect(sniffBytes(bytes('%PDF-1.7'))).toBe('not-media');
    expect(sniffBytes(bytes('PK', [3, 4, 20, 0]))).toBe('not-media');
    expect(sniffBytes(bytes([0x7f], 'ELF'))).toBe('not-media');
    expect(sniffBytes(bytes([0x00, 0x01, 0x02, 0xfe, 0x99, 0x10]))).toBe('unknown');
    expect(sniffBytes(bytes('text with a \u0001 control'))).toBe('unknown');
  });
});

describe('extensions', () => {
  it('lower-cases, no dot; the media list has the usual containers and images', () => {
    expect(extensionOf('a/B.MP4')).toBe('mp4');
    expect(extensionOf('noext')).toBe('');
    expect(extensionOf('.hidden')).toBe('');
    for (const e of ['mp4', 'mov', 'mkv', 'webm', 'avi', 'jpg', 'png']) expect(MEDIA_EXTENSIONS.has(e)).toBe(true);
    expect(MEDIA_EXTENSIONS.has('txt')).toBe(false);
  });
});
