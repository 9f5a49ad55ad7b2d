/**
 * npm run bench:memory [-- --minutes-long N --keep]
 *
 * Does a long video cost more memory than a short one? Makes a 1-minute and a 1-hour (or --minutes-long N)
 * low-resolution clip in a temporary folder (a moving face from fixtures/still.jpg at 320x240, 15 fps, x264
 * ultrafast, a key frame every 2 s; the hour is the minute stream-copied 60 times, so making it takes
 * seconds), then runs `ldf scan` (default settings: 32 frames, wasm, a fresh process each) on each and
 * prints each scan's peak RSS and their ratio. Peak RSS comes from /usr/bin/time -f %M when it exists, else
 * from sampling /proc/PID/status (VmHWM) of the scan process. Needs `npm run build` (it runs bin/run.js).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { resolveFfmpegBinaries } from '../src/video/ffmpeg-binaries.js';

const { values } = parseArgs({ options: { 'minutes-long': { type: 'string', default: '60' }, keep: { type: 'boolean', default: false } } });
const longMinutes = Math.max(2, Math.round(Number(values['minutes-long'])));
const root = fileURLToPath(new URL('..', import.meta.url));
const runJs = path.join(root, 'bin', 'run.js');
if (!existsSync(path.join(root, 'dist', 'commands', 'scan.js'))) throw new Error('run `npm run build` first (the bench runs bin/run.js)');
const work = mkdtempSync(path.join(tmpdir(), 'ldf-bench-memory-'));
const { ffmpeg } = await resolveFfmpegBinaries();
const ff = (args: string[]): void => {
  execFileSync(ffmpeg.path, ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: 'inherit' });
};

try {
  const made = performance.now();
  const minute = path.join(work, 'face-1min-320x240.mp4');
  ff([
    '-loop', '1', '-framerate', '15', '-t', '60', '-i', path.join(root, 'fixtures', 'still.jpg'),
    '-vf', "scale=400:400,crop=320:240:'40+30*sin(t/3)':'80+30*cos(t/4)'",
    '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '30', '-g', '30', '-pix_fmt', 'yuv420p', minute,
  ]);
  const long = path.join(work, `face-${longMinutes}min-320x240.mp4`);
  const list = path.join(work, 'concat.txt');
  writeFileSync(list, Array.from({ length: longMinutes }, () => `file '${minute}'`).join('\n'));
  ff(['-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', long]);
  console.log(`clips made in ${((performance.now() - made) / 1000).toFixed(1)} s in ${work} (ffmpeg: ${ffmpeg.path})`);

  const model = path.join(work, 'model');
  execFileSync(process.execPath, [runJs, 'model', 'init', '--out', model], { stdio: 'ignore' });

  const hasTime = existsSync('/usr/bin/time');
  const scan = (file: string): Promise<{ wallMs: number; peakRssMiB: number; code: number | null; frames: number | null }> =>
    new Promise((resolve, reject) => {
      const args = [runJs, 'scan', '--quiet', '--format', 'json', '--model', model, '--allow-untrained', file];
      const start = performance.now();
      const child = hasTime
        ? spawn('/usr/bin/time', ['-f', 'ldf-peak-rss-kb %M', process.execPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
        : spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      let sampledKb = 0;
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      // Without /usr/bin/time: the kernel's high-water mark of the scan process, read until it exits.
      const sampler = hasTime
        ? undefined
        : setInterval(() => {
            try {
              const kb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
              sampledKb = Math.max(sampledKb, kb);
            } catch {
              // exited
            }
          }, 50);
      child.on('error', reject);
      child.on('close', (code) => {
        if (sampler !== undefined) clearInterval(sampler);
        const kb = hasTime ? Number(/ldf-peak-rss-kb (\d+)/.exec(stderr)?.[1] ?? NaN) : sampledKb;
        let frames: number | null = null;
        try {
          frames = (JSON.parse(stdout) as { files: { framesSampled: number }[] }).files[0]?.framesSampled ?? null;
        } catch {
          // no report: the exit code says why
        }
        resolve({ wallMs: performance.now() - start, peakRssMiB: kb / 1024, code, frames });
      });
    });

  const short = await scan(minute);
  const hour = await scan(long);
  const show = (label: string, r: typeof short): string =>
    `  ${label.padEnd(9)} peak RSS ${r.peakRssMiB.toFixed(0).padStart(5)} MiB   wall ${(r.wallMs / 1000).toFixed(1).padStart(6)} s   frames ${r.frames ?? '?'}   exit ${r.code}`;
  console.log(`ldf scan, default settings (32 frames, untrained weights), fresh process each; peak RSS from ${hasTime ? '/usr/bin/time' : '/proc VmHWM sampling'}:`);
  console.log(show('1 min', short));
  console.log(show(`${longMinutes} min`, hour));
  console.log(`  ratio ${longMinutes} min / 1 min peak RSS: ${(hour.peakRssMiB / short.peakRssMiB).toFixed(3)} (aim: 1.0, memory independent of length)`);
} finally {
  if (values.keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
