/**
 * npm run bench:scan [-- --runs N --hour]
 *
 * On a 60-second 1080p30 H.264 clip with a face moving through it (made once from fixtures/still.jpg
 * into .bench/; x264 veryfast, a key frame every 2 s), measures:
 *  1. frame extraction of the 32 default frames with ldf's reader vs a plain ffmpeg
 *     command extracting the same frames (the faster of: one process per frame with
 *     input seeking; one process with a select filter), medians of N runs;
 *  2. the whole `ldf scan` (default settings, wasm, fresh process) wall time and peak RSS;
 *  3. peak RSS of the same scan on a 10-minute clip (or 1 hour with --hour), made by
 *     stream-copying the 60 s clip, to show memory does not grow with video length;
 *  4. in the same run, `ffmpeg -i CLIP -f null -` (decoding every frame) on the same clip, and the ratio
 *     of the whole scan's wall time to it (the aim: at most 1.5, 1.0 the goal).
 * The model is untrained weights of the default architecture when no trained default
 * model exists (speed does not depend on the weights' values).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { resolveFfmpegBinaries } from '../src/video/ffmpeg-binaries.js';
import { FfmpegAdapter } from '../src/video/ffmpeg-adapter.js';
import { readFrames } from '../src/video/frame-reader.js';
import { probeMedia } from '../src/video/probe.js';
import { computeSampleTimes } from '../src/video/sample-times.js';
import { listModels } from '../src/model/model-registry.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, hour: { type: 'boolean', default: false } } });
const runs = Math.max(1, Number(values.runs));
const root = fileURLToPath(new URL('..', import.meta.url));
const work = path.join(root, '.bench');
mkdirSync(work, { recursive: true });
const { ffmpeg } = await resolveFfmpegBinaries();
const ff = (args: string[]): void => {
  execFileSync(ffmpeg.path, ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: 'inherit' });
};

const clip = path.join(work, 'face-60s-1080p-gop2.mp4');
if (!existsSync(clip)) {
  console.log('making the 60 s 1080p clip (once)...');
  ff([
    '-loop', '1', '-framerate', '30', '-t', '60', '-i', path.join(root, 'fixtures', 'still.jpg'),
    '-vf', "scale=2160:2160,crop=1920:1080:'120+100*sin(t/3)':'400+100*cos(t/4)'",
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-g', '60', '-pix_fmt', 'yuv420p', clip,
  ]);
}
const longMinutes = values.hour ? 60 : 10;
const longClip = path.join(work, `face-${longMinutes}min-1080p-gop2.mp4`);
if (!existsSync(longClip)) {
  const list = path.join(work, 'concat.txt');
  writeFileSync(list, Array.from({ length: longMinutes }, () => `file '${clip}'`).join('\n'));
  ff(['-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', longClip]);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const time = async (fn: () => Promise<void> | void): Promise<number> => {
  const start = performance.now();
  await fn();
  return performance.now() - start;
};

// 1. Extraction.
const adapter = await FfmpegAdapter.create();
const media = await probeMedia(clip, { adapter });
const timesMs = computeSampleTimes({ sampling: { mode: 'count', frames: 32 }, durationMs: media.durationMs, frameRate: media.video.frameRate });
const ours: number[] = [];
const perFrame: number[] = [];
const selectOne: number[] = [];
for (let r = 0; r < runs; r++) {
  ours.push(
    await time(async () => {
      let n = 0;
      for await (const frame of readFrames(clip, { sampling: { mode: 'count', frames: 32 }, adapter, mediaInfo: media, decode: 'nearest-keyframe' })) n += frame.data.length > 0 ? 1 : 0;
      if (n !== 32) throw new Error(`expected 32 frames, got ${n}`);
    }),
  );
  perFrame.push(
    await time(() => {
      for (const t of timesMs) {
        execFileSync(ffmpeg.path, ['-v', 'error', '-ss', (t / 1000).toFixed(3), '-i', clip, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 64 << 20 });
      }
    }),
  );
  const frameNumbers = timesMs.map((t) => Math.floor((t / 1000) * (media.video.frameRate ?? 30)));
  selectOne.push(
    await time(() => {
      execFileSync(ffmpeg.path, ['-v', 'error', '-i', clip, '-vf', `select='${frameNumbers.map((n) => `eq(n\\,${n})`).join('+')}'`, '-vsync', '0', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 512 << 20 });
    }),
  );
}
const plain = Math.min(median(perFrame), median(selectOne));
console.log(`extraction of 32 frames (1080p, 60 s), median of ${runs}:`);
console.log(`  ldf reader (decode auto)        ${median(ours).toFixed(0)} ms`);
console.log(`  plain ffmpeg, one -ss per frame ${median(perFrame).toFixed(0)} ms`);
console.log(`  plain ffmpeg, select filter     ${median(selectOne).toFixed(0)} ms`);
console.log(`  ratio ldf / fastest plain       ${(median(ours) / plain).toFixed(2)} (target <= 1.2)`);

// 2 and 3. Whole scans in fresh processes.
const trained = (await listModels()).find((m) => m.manifest.default && m.manifest.trained);
const modelDir = trained?.dir ?? path.join(work, 'untrained-model');
if (trained === undefined && !existsSync(path.join(modelDir, 'manifest.json'))) {
  execFileSync(process.execPath, [path.join(root, 'bin', 'run.js'), 'model', 'init', '--out', modelDir], { stdio: 'inherit' });
}
const scan = (file: string): { wallMs: number; peakRssMiB: number; code: number | null } => {
  const args = [path.join(root, 'bin', 'run.js'), 'scan', '--quiet', '--format', 'json', '--model', modelDir];
  if (trained === undefined) args.push('--allow-untrained');
  args.push(file);
  const start = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const wallMs = performance.now() - start;
  const kb = Number(r.stderr.trim().split('\n').at(-1));
  return { wallMs, peakRssMiB: kb / 1024, code: r.status };
};
const fullDecode = (): number => {
  const start = performance.now();
  execFileSync(ffmpeg.path, ['-v', 'error', '-i', clip, '-f', 'null', '-']);
  return performance.now() - start;
};
// Interleaved, so both see the same machine load.
const scans: ReturnType<typeof scan>[] = [];
const decodes: number[] = [];
for (let r = 0; r < runs; r++) {
  decodes.push(fullDecode());
  scans.push(scan(clip));
}
console.log(`whole scan, default settings (${trained === undefined ? 'untrained weights' : trained.manifest.id}), fresh process, median of ${runs}:`);
console.log(`  60 s clip   ${median(scans.map((s) => s.wallMs)).toFixed(0)} ms wall (target <= 6000), peak RSS ${median(scans.map((s) => s.peakRssMiB)).toFixed(0)} MiB (target < 1024)`);
console.log(`  ffmpeg -i CLIP -f null - (every frame decoded) ${median(decodes).toFixed(0)} ms; scan / full decode ${(median(scans.map((s) => s.wallMs)) / median(decodes)).toFixed(2)} (aim <= 1.5, goal 1.0)`);
const long = scan(longClip);
console.log(`  ${longMinutes} min clip ${long.wallMs.toFixed(0)} ms wall, peak RSS ${long.peakRssMiB.toFixed(0)} MiB (same sampling: 32 frames)`);
