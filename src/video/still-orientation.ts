/**
 * EXIF orientation of still images. ffmpeg decodes a JPEG as it is stored and (up to at least 5.1) reports
 * no display matrix for its EXIF Orientation tag, so a phone photo taken upright but stored sideways
 * (Orientation 6 or 8) would reach the detector lying on its side. The tag is read here with sharp (libvips,
 * header only) and applied like a video's display matrix: a rotation, plus a mirror for 2, 4, 5 and 7.
 */
import sharp from 'sharp';
import type { MediaInfo, RotationDeg } from './media-info.js';

/** How to display a stored image with EXIF orientation `orientation` (1-8): mirror first, then rotate clockwise. */
export function exifOrientationTransform(orientation: number): { rotationDeg: RotationDeg; mirrored: boolean } {
  switch (orientation) {
    case 2:
      return { rotationDeg: 0, mirrored: true };
    case 3:
      return { rotationDeg: 180, mirrored: false };
    case 4:
      return { rotationDeg: 180, mirrored: true };
    case 5:
      return { rotationDeg: 270, mirrored: true };
    case 6:
      return { rotationDeg: 90, mirrored: false };
    case 7:
      return { rotationDeg: 90, mirrored: true };
    case 8:
      return { rotationDeg: 270, mirrored: false };
    default:
      return { rotationDeg: 0, mirrored: false };
  }
}

/** The EXIF orientation (1-8) of an image file, or null when it has none or sharp cannot read it. */
export async function readExifOrientation(filePath: string): Promise<number | null> {
  try {
    const { orientation } = await sharp(filePath).metadata();
    return orientation !== undefined && Number.isInteger(orientation) && orientation >= 1 && orientation <= 8 ? orientation : null;
  } catch {
    return null; // not an image sharp reads: ffmpeg's view of the file stands
  }
}

/**
 * `media` with a still image's EXIF orientation applied (rotation, mirror, displayed size). Unchanged when
 * it is not a still image, has no orientation other than 1, or ffprobe already reported a rotation (a
 * newer ffmpeg that turns the tag into a display matrix: it must not be applied twice).
 */
export function withExifOrientation(media: MediaInfo, orientation: number | null): MediaInfo {
  if (!media.isStillImage || orientation === null || orientation === 1 || media.video.rotationDeg !== 0) return media;
  const { rotationDeg, mirrored } = exifOrientationTransform(orientation);
  const swap = rotationDeg === 90 || rotationDeg === 270;
  const { width, height } = media.video;
  return {
    ...media,
    video: { ...media.video, rotationDeg, mirrored, displayWidth: swap ? height : width, displayHeight: swap ? width : height },
  };
}
