import { createRequire } from 'node:module';
import * as path from 'node:path';
import sharp from 'sharp';
import type { RgbFrame } from '../../src/faces/rgb-frame.js';

const require = createRequire(import.meta.url);

/** The demo photos that ship in the @vladmandic/face-api package (1920 px wide group photos). */
export const FACE_API_SAMPLE_COUNT = 6;

/** Faces per photo (sample1 ... sample6), counted by looking at the photos. */
export const FACE_API_SAMPLE_FACES: readonly number[] = [3, 3, 3, 4, 5, 4];

export function faceApiSamplePath(index: number): string {
  const root = path.dirname(require.resolve('@vladmandic/face-api/package.json'));
  return path.join(root, 'demo', `sample${index}.jpg`);
}

/** Decodes sample `index` (1-based) to RGB24, optionally resized (fit: cover) to width x height. */
export async function loadFaceApiSample(index: number, size?: { width: number; height: number }): Promise<RgbFrame> {
  let image = sharp(faceApiSamplePath(index)).removeAlpha();
  if (size !== undefined) image = image.resize(size.width, size.height, { fit: 'cover' });
  const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}
