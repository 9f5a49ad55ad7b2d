import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeStill } from '../../../src/dataset/decode-still.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ldf-still-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A 40x20 image, left half red, right half blue. */
const halves = () =>
  sharp({ create: { width: 40, height: 20, channels: 3, background: { r: 255, g: 0, b: 0 } } }).composite([
    { input: { create: { width: 20, height: 20, channels: 3, background: { r: 0, g: 0, b: 255 } } }, left: 20, top: 0 },
  ]);

describe('decodeStill', () => {
  it('applies the EXIF orientation', async () => {
    const file = path.join(dir, 'rotated.jpg');
    await writeFile(file, await sharp(await halves().png().toBuffer()).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer());
    const frame = await decodeStill(file, 1920);
    expect([frame.width, frame.height]).toEqual([20, 40]); // 90 degrees clockwise: red on top
    expect(frame.data[0]).toBeGreaterThan(200);
    expect(frame.data[(39 * 20) * 3 + 2]).toBeGreaterThan(200);
  });

  it('gives 8-bit RGB for grey, alpha and 16-bit images, and shrinks to maxSidePx', async () => {
    const grey = path.join(dir, 'grey.png');
    await sharp({ create: { width: 30, height: 10, channels: 3, background: { r: 90, g: 90, b: 90 } } }).greyscale().png().toFile(grey);
    const rgba16 = path.join(dir, 'rgba16.png');
    await sharp({ create: { width: 30, height: 10, channels: 4, background: { r: 10, g: 200, b: 30, alpha: 0.5 } } }).toColourspace('rgb16').png().toFile(rgba16);
    for (const file of [grey, rgba16]) {
      const frame = await decodeStill(file, 1920);
      expect(frame.data.length).toBe(30 * 10 * 3);
    }
    expect([...(await decodeStill(rgba16, 1920)).data.subarray(0, 3)]).toEqual([10, 200, 30]);
    const small = await decodeStill(grey, 15);
    expect([small.width, small.height]).toEqual([15, 5]);
  });

  it('refuses files that are not images, or truncated', async () => {
    const text = path.join(dir, 'text.jpg');
    await writeFile(text, 'hello');
    await expect(decodeStill(text, 1920)).rejects.toMatchObject({ code: 'UNREADABLE_IMAGE', message: expect.stringContaining(text) });
    const jpeg = await halves().jpeg().toBuffer();
    const cut = path.join(dir, 'cut.jpg');
    await writeFile(cut, jpeg.subarray(0, jpeg.length - 40));
    await expect(decodeStill(cut, 1920)).rejects.toMatchObject({ code: 'UNREADABLE_IMAGE' });
  });
});
