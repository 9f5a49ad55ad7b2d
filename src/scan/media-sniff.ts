import { open } from 'node:fs/promises';
import path from 'node:path';

/**
 * Extensions of files that are scanned without a content check when found
 * in a folder (video containers and still images ffmpeg reads). A file with
 * one of these that turns out unreadable is an error, not "not media".
 */
export const MEDIA_EXTENSIONS: ReadonlySet<string> = new Set([
  // video
  '3g2', '3gp', 'asf', 'avi', 'dv', 'f4v', 'flv', 'h264', 'h265', 'hevc', 'ivf', 'm2t', 'm2ts', 'm2v', 'm4v', 'mkv', 'mov',
  'mp4', 'mpe', 'mpeg', 'mpg', 'mts', 'mxf', 'nut', 'ogv', 'qt', 'rm', 'rmvb', 'ts', 'vob', 'webm', 'wmv', 'y4m',
  // still images
  'avif', 'bmp', 'gif', 'heic', 'heif', 'jpeg', 'jpg', 'jxl', 'png', 'tif', 'tiff', 'webp',
]);

/** The lower-case extension without the dot ("" when none). */
export function extensionOf(filePath: string): string {
  return path.extname(filePath).slice(1).toLowerCase();
}

/**
 * What the first bytes of a file say:
 * - `media`: a container or image signature ffmpeg reads (MP4/MOV, Matroska/WebM, AVI, MPEG-PS/TS,
 *   FLV, ASF, Ogg, IVF, Y4M, JPEG, PNG, GIF, WebP, TIFF, BMP, JPEG 2000/XL);
 * - `not-media`: text (UTF-8 without control characters other than whitespace) or a well-known
 *   non-media signature (PDF, ZIP and office files, ELF, gzip, 7z, rar, SQLite);
 * - `empty`: zero bytes;
 * - `unknown`: anything else (ffprobe decides).
 */
export type SniffResult = 'media' | 'not-media' | 'empty' | 'unknown';

const SNIFF_BYTES = 4096;

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((b, i) => bytes[offset + i] === b);
}

function ascii(text: string): number[] {
  return [...text].map((c) => c.charCodeAt(0));
}

const MEDIA_SIGNATURES: readonly { bytes: number[]; offset?: number }[] = [
  { bytes: ascii('ftyp'), offset: 4 }, // MP4, MOV, 3GP, HEIF, AVIF
  { bytes: ascii('moov'), offset: 4 }, // old QuickTime
  { bytes: ascii('mdat'), offset: 4 },
  { bytes: ascii('wide'), offset: 4 },
  { bytes: ascii('free'), offset: 4 },
  { bytes: [0x1a, 0x45, 0xdf, 0xa3] }, // EBML: Matroska, WebM
  { bytes: [0x00, 0x00, 0x01, 0xba] }, // MPEG program stream
  { bytes: [0x00, 0x00, 0x01, 0xb3] }, // MPEG video sequence
  { bytes: ascii('FLV\x01') },
  { bytes: [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11] }, // ASF, WMV
  { bytes: ascii('OggS') },
  { bytes: ascii('DKIF') }, // IVF
  { bytes: ascii('YUV4MPEG2') },
  { bytes: ascii('nut/multimedia container') },
  { bytes: [0xff, 0xd8, 0xff] }, // JPEG
  { bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] }, // PNG
  { bytes: ascii('GIF87a') },
  { bytes: ascii('GIF89a') },
  { bytes: ascii('II*\x00') }, // TIFF
  { bytes: ascii('MM\x00*') },
  { bytes: [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20] }, // JPEG 2000
  { bytes: [0xff, 0x0a] }, // JPEG XL codestream
  { bytes: [0x00, 0x00, 0x00, 0x0c, 0x4a, 0x58, 0x4c, 0x20] }, // JPEG XL container
];

const NOT_MEDIA_SIGNATURES: readonly number[][] = [
  ascii('%PDF'),
  [0x50, 0x4b, 0x03, 0x04], // ZIP, docx, xlsx, jar
  [0x7f, 0x45, 0x4c, 0x46], // ELF
  [0x1f, 0x8b], // gzip
  [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], // 7z
  ascii('Rar!'),
  ascii('SQLite format 3\x00'),
];

/** Classifies the first bytes of a file (see SniffResult). Pure. */
export function sniffBytes(bytes: Uint8Array): SniffResult {
  if (bytes.length === 0) return 'empty';
  for (const s of MEDIA_SIGNATURES) if (startsWith(bytes, s.bytes, s.offset ?? 0)) return 'media';
  if (startsWith(bytes, ascii('RIFF')) && bytes.length >= 12) {
    const form = String.fromCharCode(...bytes.subarray(8, 12));
    if (form === 'AVI ' || form === 'WEBP' || form === 'AMV ') return 'media';
  }
  if (startsWith(bytes, ascii('BM')) && bytes.length >= 26 && bytes[14] !== undefined && [12, 40, 52, 56, 64, 108, 124].includes(bytes[14])) {
    return 'media';
  }
  // MPEG transport stream: sync byte every 188 bytes.
  if (bytes[0] === 0x47 && bytes.length >= 189 && bytes[188] === 0x47) return 'media';
  for (const s of NOT_MEDIA_SIGNATURES) if (startsWith(bytes, s)) return 'not-media';
  if (looksLikeText(bytes)) return 'not-media';
  return 'unknown';
}

function looksLikeText(bytes: Uint8Array): boolean {
  // The sample may end inside a multi-byte character: allow up to 3 cut bytes at the end.
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (let cut = 0; cut <= Math.min(3, bytes.length - 1); cut++) {
    let text: string;
    try {
      text = decoder.decode(bytes.subarray(0, bytes.length - cut));
    } catch {
      continue;
    }
    // eslint-disable-next-line no-control-regex
    return !/[\u0000-\u0008\u000e-\u001a\u001c-\u001f\u007f]/.test(text);
  }
  return false;
}

/**
 * Reads the first bytes of a file and classifies them.
 * @throws the file system's error (ENOENT, EACCES, EISDIR...) unchanged.
 */
export async function sniffFile(filePath: string): Promise<SniffResult> {
  const handle = await open(filePath, 'r');
  try {
    const buffer = new Uint8Array(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    return sniffBytes(buffer.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}
