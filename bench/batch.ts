/**
 * npm run bench:batch [-- --runs N --frames N]
 *
 * Batch throughput and memory of `ldf scan DIR` on 20 short clips made once (into .bench/)
 * from the fixtures: 3-5 s at 720p and 1080p, one face, three faces, or none.
 *  1. peak RSS of scanning one file (the 1080p clip with the biggest frames), fresh process;
 *  2. the whole folder with --concurrency 1 and with the default concurrency, runs alternated,
 *     fresh processes: wall time, throughput (files/min), peak RSS, CPU time of ldf and its ffmpeg
 *     children, and how busy the machine was meanwhile (other jobs share these cores);
 *  3. where the time goes (sums of each file's stage timings): decodeMs is time spent *waiting*
 *     for frames, so it is what overlapping decoding with inference can win back.
 * Targets (from the issue): default concurrency >= 1.3x the throughput of --concurrency 1, and
 * peak RSS <= 1.5x that of one file. The model is untrained weights of the default architecture
 * when no trained default model exists (speed does not depend on the weights' values).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultConcurrency } from '../src/cli/scan-flags.js';
import { listModels } from '../src/model/model-registry.js';
import type { ScanReport } from '../src/report/scan-report.js';
import { resolveFfmpegBinaries } from '../src/video/ffmpeg-binaries.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '2' }, frames: { type: 'string' } } });
const runs = Math.max(1, Number(values.runs));
const root = fileURLToPath(new URL('..', import.meta.url));
const work = path.join(root, '.bench');
const clips = path.join(work, 'batch-clips');
mkdirSync(clips, { recursive: true });
const { ffmpeg } = await resolveFfmpegBinaries();
const ff = (args: string[]): void => {
  execFileSync(ffmpeg.path, ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: 'inherit' });
};
const fixture = (name: string): string => path.join(root, 'fixtures', name);
const x264 = ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p', '-r', '30'];

// 20 clips, each different: 5 kinds x 4 variations (size, duration, pan speed, hue).
const CLIPS = 20;
if (readdirSync(clips).filter((f) => f.endsWith('.mp4')).length < CLIPS) {
  console.log(`making ${CLIPS} short clips in ${path.relative(root, clips)} (once)...`);
  for (let i = 0; i < CLIPS; i++) {
    const seconds = String(3 + (i % 3));
    const [w, h] = i % 2 === 0 ? [1920, 1080] : [1280, 720];
    const hue = `hue=h=${i * 17}`;
    const out = path.join(clips, `clip-${String(i).padStart(2, '0')}.mp4`);
    switch (i % 5) {
      case 0: // one face, slow pan over an upscaled photo
      case 3:
        ff(['-loop', '1', '-framerate', '30', '-t', seconds, '-i', fixture('still.jpg'), '-vf', `scale=${w + 240}:${w + 240},crop=${w}:${h}:'120+${i * 3}*t':'${(w - h) / 2}+20*sin(t)',${hue}`, ...x264, out]);
        break;
      case 1: // three faces
        ff(['-stream_loop', '2', '-i', fixture('several-faces.mp4'), '-t', seconds, '-vf', `scale=${w}:${Math.round((w * 512) / 768)},crop=${w}:${h},${hue}`, ...x264, out]);
        break;
      case 2: // one face, padded into a wide frame
        ff(['-stream_loop', '2', '-i', fixture('one-face.mp4'), '-t', seconds, '-vf', `scale=${h}:${h},pad=${w}:${h}:${(w - h) / 2}:0,${hue}`, ...x264, out]);
        break;
      default: // no face
        ff(['-f', 'lavfi', '-i', `testsrc2=size=${w}x${h}:rate=30`, '-t', seconds, '-vf', hue, ...x264, out]);
    }
  }
}
const clipFiles = readdirSync(clips).filter((f) => f.endsWith('.mp4')).sort().map((f) => path.join(clips, f));

const trained = (await listModels()).find((m) => m.manifest.default && m.manifest.trained);
const modelDir = trained?.dir ?? path.join(work, 'untrained-model');
if (trained === undefined && !existsSync(path.join(modelDir, 'manifest.json'))) {
  execFileSync(process.execPath, [path.join(root, 'bin', 'run.js'), 'model', 'init', '--out', modelDir], { stdio: 'inherit' });
}

/** System-wide CPU busy share (0..1 per core, summed) between two /proc/stat readings. */
function cpuTicks(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

interface Run {
  wallMs: number;
  cpuS: number;
  peakRssMiB: number;
  machineBusyCores: number;
  report: ScanReport;
}

const cores = availableParallelism();
function scan(paths: string[], extra: string[]): Run {
  const args = [path.join(root, 'bin', 'run.js'), 'scan', '--quiet', '--format', 'json', '--model', modelDir, ...extra];
  if (trained === undefined) args.push('--allow-untrained');
  if (values.frames !== undefined) args.push('--frames', values.frames);
  args.push(...paths);
  const before = cpuTicks();
  const start = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 256 << 20 });
  const wallMs = performance.now() - start;
  const after = cpuTicks();
  const line = r.stderr.split('\n').find((l) => l.startsWith('TIME '));
  if (line === undefined || r.stdout === '') throw new Error(`scan failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const [, , user, sys, kb] = line.split(' ').map(Number);
  return {
    wallMs,
    cpuS: user! + sys!,
    peakRssMiB: kb! / 1024,
    machineBusyCores: ((after.busy - before.busy) / Math.max(1, after.total - before.total)) * cores,
    report: JSON.parse(r.stdout) as ScanReport,
  };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const load = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

const concurrency = defaultConcurrency();
console.log(`machine: ${cores} cores; load average before: ${load()}; default concurrency here: ${concurrency}`);
console.log(`model: ${trained === undefined ? 'untrained weights (default architecture)' : trained.manifest.id}; sampling: ${values.frames === undefined ? 'default (32 frames)' : `--frames ${values.frames}`}`);

// 1. One file.
const biggest = clipFiles[0]!;
const singles = Array.from({ length: runs }, () => scan([biggest], []));
const singleRss = median(singles.map((s) => s.peakRssMiB));
console.log(`one file (${path.basename(biggest)}, 1080p): ${median(singles.map((s) => s.wallMs)).toFixed(0)} ms wall, peak RSS ${singleRss.toFixed(0)} MiB`);

// 2. The folder, alternating the two settings so that changes in machine load hit both alike.
const byConcurrency = new Map<number, Run[]>([
  [1, []],
  [concurrency, []],
]);
for (let r = 0; r < runs; r++) {
  for (const c of [1, concurrency]) {
    const run = scan([clips], c === concurrency ? [] : ['--concurrency', '1']);
    if (run.report.files.length !== CLIPS) throw new Error(`expected ${CLIPS} results, got ${run.report.files.length}`);
    byConcurrency.get(c)!.push(run);
    console.log(
      `  run ${r + 1}, concurrency ${c}${c === concurrency ? ' (default)' : ''}: ${(run.wallMs / 1000).toFixed(1)} s, ` +
        `ldf+ffmpeg CPU ${run.cpuS.toFixed(1)} s (${(run.cpuS / (run.wallMs / 1000)).toFixed(2)} cores), machine busy ${run.machineBusyCores.toFixed(2)} of ${cores} cores, peak RSS ${run.peakRssMiB.toFixed(0)} MiB`,
    );
  }
}
const throughput = (c: number): number => (CLIPS / median(byConcurrency.get(c)!.map((r) => r.wallMs))) * 60_000;
const t1 = throughput(1);
const tD = throughput(concurrency);
const batchRss = median(byConcurrency.get(concurrency)!.map((r) => r.peakRssMiB));
console.log(`${CLIPS} clips, median of ${runs} (fresh process each, model load included):`);
console.log(`  --concurrency 1           ${t1.toFixed(1)} files/min`);
console.log(`  default (${concurrency})             ${tD.toFixed(1)} files/min`);
console.log(`  ratio default / 1         ${(tD / t1).toFixed(2)} (target >= 1.3)`);
console.log(`  peak RSS default / 1 file ${(batchRss / singleRss).toFixed(2)} (${batchRss.toFixed(0)} / ${singleRss.toFixed(0)} MiB; target <= 1.5)`);

// 3. Where the time goes.
let ceiling = 1;
for (const c of [1, concurrency]) {
  const report = byConcurrency.get(c)![0]!.report;
  const sum = { probeMs: 0, decodeMs: 0, detectMs: 0, cropMs: 0, classifyMs: 0, totalMs: 0 };
  for (const f of report.files) for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] += f.timings[k];
  const share = (k: keyof typeof sum): string => `${k.replace('Ms', '')} ${(sum[k] / 1000).toFixed(1)} s (${((sum[k] / sum.totalMs) * 100).toFixed(0)}%)`;
  console.log(`  stages, concurrency ${c}: ${(['probeMs', 'decodeMs', 'detectMs', 'classifyMs', 'cropMs'] as const).map(share).join(', ')}; ${report.files.reduce((s, f) => s + f.framesSampled, 0)} frames, ${report.files.reduce((s, f) => s + f.facesDetected, 0)} faces`);
  // At concurrency 1 the probe and the frame waits are idle time of the inference thread: all that
  // overlapping files can win back, if the cores are otherwise free.
  if (c === 1) ceiling = 1 / (1 - (sum.probeMs + sum.decodeMs) / sum.totalMs);
}
console.log(`  the most overlap can win here: ${ceiling.toFixed(2)}x (waits for probing and frames at concurrency 1; inference itself is not overlapped, one model on one thread)`);
console.log(`load average after: ${load()}`);
