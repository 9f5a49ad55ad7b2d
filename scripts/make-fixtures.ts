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
