/**
 * npm run fixtures: rebuilds the tiny media in fixtures/ from the demo photos
 * that ship inside the @vladmandic/face-api npm package (see
 * fixtures/README.md for provenance). Deterministic apart from encoder
 * versions; uses the same ffmpeg ldf resolves.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { resolveFfmpegBinaries } from '../src/video/ffmpeg-binaries.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = path.join(root, 'fixtures');
const demo = path.join(path.dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'demo');
const tmp = path.join(out, '.work');
mkdirSync(tmp, { recursive: true });

const { ffmpeg } = await resolveFfmpegBinaries();
const run = (args: string[]): void => {
  execFileSync(ffmpeg.path, ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: 'inherit' });
};
const x264 = ['-c:v', 'libx264', '-preset', 'medium', '-crf', '26', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', '-an'];

// One face: the woman on the right of sample1.jpg (1920x1280), a 720 px square around her face.
const oneFace = path.join(tmp, 'one-face.png');
await sharp(path.join(demo, 'sample1.jpg')).extract({ left: 1180, top: 20, width: 720, height: 720 }).resize(360, 360).png().toFile(oneFace);
// Several faces: the whole of sample1.jpg (three people).
const group = path.join(tmp, 'group.png');
await sharp(path.join(demo, 'sample1.jpg')).resize(800, 534).png().toFile(group);

// A 2 s, 15 fps clip of a still picture with a slow pan, so frames differ.
const pan = (input: string, w: number, h: number, file: string, extra: string[] = []): void =>
  run([
    '-loop', '1', '-framerate', '15', '-t', '2', '-i', input,
    '-vf', `scale=${w + 16}:${h + 16},crop=${w}:${h}:'4*t':'4*t'`,
    ...x264, ...extra, path.join(out, file),
  ]);

pan(oneFace, 320, 320, 'one-face.mp4');
pan(group, 768, 512, 'several-faces.mp4');
// No face: a synthetic test pattern.
run(['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=15', '-t', '2', ...x264, path.join(out, 'no-face.mp4')]);
// Rotated: the one-face picture stored lying on its side (landscape 320x240 pixels), with a
// display matrix saying "show rotated 90 degrees clockwise", as phones record portrait video.
// The bundled ffmpeg ignores `-metadata rotate=`, so the matrix in the track header is set here.
const sideways = path.join(tmp, 'sideways.png');
// (sharp rotates before it resizes, so the two steps are separate pipelines.)
const portrait = await sharp(oneFace).resize(240, 320, { fit: 'cover' }).png().toBuffer();
await sharp(portrait).rotate(-90).png().toFile(sideways);
const rotated = path.join(out, 'rotated.mp4');
run(['-loop', '1', '-framerate', '15', '-t', '2', '-i', sideways, ...x264, rotated]);
writeFileSync(rotated, withRotationMatrix(readFileSync(rotated)));
// Corrupt: the one-face clip cut to its first 40% (index intact, most media data missing).
const full = readFileSync(path.join(out, 'one-face.mp4'));
writeFileSync(path.join(out, 'corrupt.mp4'), full.subarray(0, Math.floor(full.length * 0.4)));
// Truncated: a 6 s one-face clip with a key frame every second and its index first (+faststart), cut in
// half: the index declares 6 s, the frames stop near 3 s. ldf must call it damaged, never scan it as clean.
const longer = path.join(tmp, 'one-face-6s.mp4');
run([
  '-loop', '1', '-framerate', '15', '-t', '6', '-i', oneFace,
  '-vf', "scale=336:336,crop=320:320:'2*t':'2*t'", ...x264, '-g', '15', longer,
]);
const whole = readFileSync(longer);
writeFileSync(path.join(out, 'truncated.mp4'), whole.subarray(0, Math.floor(whole.length / 2)));
// Still image.
await sharp(oneFace).jpeg({ quality: 85 }).toFile(path.join(out, 'still.jpg'));

// The media people actually have (issue 17). Each is small, made from the same one-face picture or photos.
// The one-face clip encoded as VP9 in WebM, and as HEVC (H.265) in MP4, as phones and browsers record them.
pan(oneFace, 320, 320, 'vp9.webm', ['-c:v', 'libvpx-vp9', '-b:v', '0', '-crf', '40', '-deadline', 'good', '-cpu-used', '4', '-threads', '1', '-row-mt', '0', '-f', 'webm']);
const x265 = (params: string): string[] => ['-c:v', 'libx265', '-preset', 'fast', '-crf', '30', '-tag:v', 'hvc1', '-x265-params', `log-level=error:pools=1:frame-threads=1:${params}`];
pan(oneFace, 320, 320, 'hevc.mp4', [...x265('keyint=30')]);
// 10-bit HDR: HEVC Main 10 tagged as PQ (SMPTE ST 2084) with BT.2020 primaries, as HDR10 phone video is.
// (The pixels are the SDR picture: the file tests that ldf reads and reports such input, not tone mapping.)
pan(oneFace, 320, 320, 'hdr10-pq.mp4', [
  ...x265('keyint=30:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc:range=limited'),
  '-pix_fmt', 'yuv420p10le', '-color_primaries', 'bt2020', '-color_trc', 'smpte2084', '-colorspace', 'bt2020nc',
]);
// Variable frame rate: 30 fps for the first second, then every third frame (10 fps), timestamps kept (-vsync vfr).
run([
  '-loop', '1', '-framerate', '30', '-t', '2', '-i', oneFace,
  '-vf', "scale=336:336,crop=320:320:'8*t':'8*t',select='lt(t\\,1)+not(mod(n\\,3))'",
  '-vsync', 'vfr', ...x264, path.join(out, 'vfr.mp4'),
]);
// Frames smaller than the detector's 64 px: the one-face picture as a 48x48 clip.
run(['-loop', '1', '-framerate', '15', '-t', '2', '-i', oneFace, '-vf', 'scale=48:48', ...x264, path.join(out, 'tiny-48px.mp4')]);
// Animated GIF and animated WebP: 10 frames of 100 ms (the one-face picture at 240 px, a marker moving
// along the bottom so that every frame differs), drawn by sharp, encoded by ffmpeg (gif with a palette,
// libwebp_anim): both store only the part of each frame that changed.
await Promise.all(
  Array.from({ length: 10 }, (_, i) =>
    sharp(oneFace)
      .resize(240, 240)
      .composite([{ input: { create: { width: 16, height: 16, channels: 3, background: { r: 255, g: 255, b: 255 } } }, left: 8 + 22 * i, top: 216 }])
      .png()
      .toFile(path.join(tmp, `frame-${String(i).padStart(2, '0')}.png`)),
  ),
);
const frames = ['-framerate', '10', '-i', path.join(tmp, 'frame-%02d.png')];
run([...frames, '-vf', 'split[a][b];[a]palettegen=max_colors=128[p];[b][p]paletteuse=dither=none:diff_mode=rectangle', '-loop', '0', path.join(out, 'animated.gif')]);
run([...frames, '-c:v', 'libwebp_anim', '-q:v', '70', '-loop', '0', path.join(out, 'animated.webp')]);
// A JPEG still with EXIF orientation 6 (display: rotate 90 degrees clockwise), as phones store photos:
// the one-face picture stored lying on its side.
await sharp(await sharp(oneFace).rotate(-90).png().toBuffer()).jpeg({ quality: 85 }).withMetadata({ orientation: 6 }).toFile(path.join(out, 'still-exif6.jpg'));
// An 8K (7680x4320) still: flat grey with a 2160 px one-face picture in the middle (mozjpeg keeps the flat part
// small; it is still ~110 KB of the file, one code per 8x8 block).
const faceAt2160 = await sharp(path.join(demo, 'sample1.jpg')).extract({ left: 1180, top: 20, width: 720, height: 720 }).resize(2160, 2160).png().toBuffer();
await sharp({ create: { width: 7680, height: 4320, channels: 3, background: { r: 128, g: 128, b: 128 } } })
  .composite([{ input: faceAt2160, left: 2760, top: 1080 }])
  .jpeg({ quality: 40, mozjpeg: true })
  .toFile(path.join(out, 'still-8k.jpg'));
// 30 faces in one frame: the 22 faces of sample1..6.jpg (boxes found once with ldf's SSD detector), each
// cropped to a square 1.6x its box and scaled to 128 px, then the 8 most confident again mirrored, tiled 6x5.
const FACE_BOXES: readonly (readonly [number, number, number, number, number])[] = [
  // sample, x, y, width, height
  [1, 412, 354, 179, 239], [1, 838, 418, 190, 226], [1, 1474, 198, 202, 238],
  [2, 1446, 153, 194, 243], [2, 899, 224, 153, 224], [2, 361, 134, 150, 252],
  [3, 585, 330, 199, 270], [3, 1514, 288, 169, 284], [3, 1073, 215, 223, 297],
  [4, 663, 49, 185, 264], [4, 256, 183, 162, 249], [4, 988, 178, 171, 228], [4, 1276, 132, 148, 258],
  [5, 787, 109, 154, 212], [5, 1112, 199, 159, 236], [5, 597, 414, 165, 249], [5, 1404, 387, 169, 273], [5, 377, 862, 171, 297],
  [6, 679, 319, 160, 307], [6, 1179, 308, 189, 275], [6, 1485, 260, 211, 298], [6, 250, 466, 209, 293],
];
const MIRRORED = [0, 1, 2, 3, 6, 13, 14, 9]; // indexes into FACE_BOXES
const faceTile = async ([sample, x, y, w, h]: readonly [number, number, number, number, number], mirror: boolean): Promise<Buffer> => {
  const file = path.join(demo, `sample${sample}.jpg`);
  const meta = await sharp(file).metadata();
  const side = Math.round(1.6 * Math.max(w, h));
  const left = Math.max(0, Math.min(meta.width! - side, Math.round(x + w / 2 - side / 2)));
  const top = Math.max(0, Math.min(meta.height! - side, Math.round(y + h / 2 - side / 2)));
  const tile = sharp(await sharp(file).extract({ left, top, width: side, height: side }).resize(128, 128).png().toBuffer());
  return (mirror ? tile.flop() : tile).png().toBuffer();
};
const tiles = [
  ...(await Promise.all(FACE_BOXES.map((b) => faceTile(b, false)))),
  ...(await Promise.all(MIRRORED.map((i) => faceTile(FACE_BOXES[i]!, true)))),
];
await sharp({ create: { width: 6 * 128, height: 5 * 128, channels: 3, background: { r: 0, g: 0, b: 0 } } })
  .composite(tiles.map((input, i) => ({ input, left: (i % 6) * 128, top: Math.floor(i / 6) * 128 })))
  .jpeg({ quality: 80, mozjpeg: true })
  .toFile(path.join(out, 'thirty-faces.jpg'));

rmSync(tmp, { recursive: true, force: true });
console.log('fixtures written to', out);

/** Sets the display matrix of the (single) track header of an MP4 to a 90 degree clockwise rotation. */
function withRotationMatrix(mp4: Buffer): Buffer {
  const at = mp4.indexOf('tkhd');
  if (at < 4 || mp4[at + 4] !== 0) throw new Error('expected one version-0 tkhd box');
  // tkhd v0 body: version+flags 4, times and ids 20, reserved 8, layer/group/volume/reserved 8, then the matrix.
  const matrixAt = at + 4 + 40;
  const fixed = 0x10000;
  const matrix = [0, fixed, 0, -fixed, 0, 0, 0, 0, 0x40000000];
  const copy = Buffer.from(mp4);
  matrix.forEach((v, i) => copy.writeInt32BE(v, matrixAt + 4 * i));
  return copy;
}
