import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { faceApiSamplePath } from './faces-sample-photos.js';
import { ROOT } from './run-cli.js';

/** What makeDatasetInputs lays out (paths relative to its folder). */
export const DATASET_INPUTS = {
  /** Sources that give a face each: [relative path, label, kind]. */
  good: [
    ['fake/deep/er/sample3.jpg', 'fake', 'image'],
    ['fake/sample2-small.jpg', 'fake', 'image'],
    ['real/one-face.mp4', 'real', 'video'],
    ['real/person-a/sample1.jpg', 'real', 'image'],
    ['real/still.jpg', 'real', 'image'],
  ],
  /** Sources that fail: [relative path, code]. */
  bad: [
    ['fake/broken.jpg', 'UNREADABLE_IMAGE'],
    ['fake/corrupt.mp4', 'DAMAGED_MEDIA'],
    ['real/notes.jpg', 'UNREADABLE_IMAGE'],
    ['unlabelled/sample4.jpg', 'NO_LABEL'],
  ],
  /** Files ignored in folders (not images or videos). */
  ignored: ['readme.txt'],
} as const;

/**
 * Lays out a tiny dataset source tree in `dir` from the fixtures and face-api's demo photos: real/ and fake/
 * folders (at several depths; group photos of 1920 px, a 400 px photo, a 360 px photo, a video), plus a
 * truncated JPEG, a text file named .jpg, a truncated video, an unlabelled photo and a text file.
 */
export async function makeDatasetInputs(dir: string): Promise<void> {
  const put = async (rel: string): Promise<string> => {
    const file = path.join(dir, rel);
    await mkdir(path.dirname(file), { recursive: true });
    return file;
  };
  const fixture = (name: string): string => path.join(ROOT, 'fixtures', name);
  await copyFile(fixture('still.jpg'), await put('real/still.jpg'));
  await copyFile(fixture('one-face.mp4'), await put('real/one-face.mp4'));
  await copyFile(faceApiSamplePath(1), await put('real/person-a/sample1.jpg'));
  await copyFile(faceApiSamplePath(3), await put('fake/deep/er/sample3.jpg'));
  await sharp(faceApiSamplePath(2)).resize({ width: 400 }).jpeg({ quality: 90 }).toFile(await put('fake/sample2-small.jpg'));
  const still = await readFile(fixture('still.jpg'));
  await writeFile(await put('fake/broken.jpg'), still.subarray(0, Math.floor(still.length / 3)));
  await copyFile(fixture('corrupt.mp4'), await put('fake/corrupt.mp4'));
  await writeFile(await put('real/notes.jpg'), 'these are not the pixels you are looking for\n');
  await copyFile(faceApiSamplePath(4), await put('unlabelled/sample4.jpg'));
  await writeFile(await put('readme.txt'), 'test inputs\n');
}
