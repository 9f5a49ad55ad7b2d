import { readFile, writeFile } from 'node:fs/promises';
import sharp from 'sharp';

/** A picture for a report page: the bytes and their type. */
export interface EvidencePicture {
  mimeType: 'image/jpeg';
  data: Buffer;
}

/** Side of the thumbnails a report page embeds (the PNG evidence keeps the full crop). */
export const THUMBNAIL_SIDE_PX = 112;

/**
 * The evidence images of a scan: the exact RGB crops LDFnet scored, written as lossless PNG files
 * (`--evidence DIR`), and the small JPEG thumbnails an HTML page embeds (downscaled so that a page of a
 * 100-file batch stays a few MB).
 */
export class EvidenceImages {
  /** The PNG file of a crop, lossless (the crop LDFnet saw, pixel for pixel). */
  static async writePng(file: string, rgb: Uint8Array, sizePx: number): Promise<void> {
    const png = await sharp(Buffer.from(rgb.buffer, rgb.byteOffset, rgb.byteLength), { raw: { width: sizePx, height: sizePx, channels: 3 } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    await writeFile(file, png);
  }

  /** A page thumbnail of a raw RGB crop. */
  static async thumbnailOfRgb(rgb: Uint8Array, sizePx: number): Promise<EvidencePicture> {
    const data = await sharp(Buffer.from(rgb.buffer, rgb.byteOffset, rgb.byteLength), { raw: { width: sizePx, height: sizePx, channels: 3 } })
      .resize(THUMBNAIL_SIDE_PX, THUMBNAIL_SIDE_PX, { kernel: 'lanczos3' })
      .jpeg({ quality: 80 })
      .toBuffer();
    return { mimeType: 'image/jpeg', data };
  }

  /** A page thumbnail of an evidence PNG file; null when it is missing or not an image. */
  static async thumbnailOfFile(file: string): Promise<EvidencePicture | null> {
    try {
      const data = await sharp(await readFile(file)).resize(THUMBNAIL_SIDE_PX, THUMBNAIL_SIDE_PX, { fit: 'cover' }).jpeg({ quality: 80 }).toBuffer();
      return { mimeType: 'image/jpeg', data };
    } catch {
      return null;
    }
  }
}
