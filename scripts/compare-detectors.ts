/**
 * Faces found by each face detector (SSD MobileNet v1 and TinyFaceDetector) on every video and still of a
 * folder tree (../shared/data/validation by default), split at 60 px (the face box's shorter side), as the
 * markdown table in docs/performance.md. Videos: --frames evenly spaced frames (default 8), decoded once
 * and given to both detectors; stills: the image, with the tight-crop retry as `ldf scan` does it.
 *
 *   node --import tsx scripts/compare-detectors.ts [--frames 8] [DIR]
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { FaceDetector } from '../src/faces/face-detector.js';
import { selectBackend } from '../src/model/backend.js';
import { FfmpegAdapter } from '../src/video/ffmpeg-adapter.js';
import { readFrames } from '../src/video/frame-reader.js';
import { probeMedia } from '../src/video/probe.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { frames: { type: 'string', default: '8' } } });
const root = positionals[0] ?? path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'shared', 'data', 'validation');
const frames = Number(values.frames);
await selectBackend({});
const adapter = await FfmpegAdapter.create();
const detectors = { ssd: await FaceDetector.load({ detector: 'ssd' }), tiny: await FaceDetector.load({ detector: 'tiny' }) };

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (/\.(mp4|mov|mkv|webm|avi|jpe?g|png|webp)$/i.test(e.name)) out.push(p);
  }
  return out;
}

type Row = { files: number; frames: number; ssd: [number, number]; tiny: [number, number]; ssdFiles: number; tinyFiles: number; ms: { ssd: number; tiny: number } };
const rows = new Map<string, Row>();
for (const file of await walk(root)) {
  const rel = path.relative(root, file).split(path.sep);
  const key = rel.length > 2 ? `${rel[0]}/${rel[1]}` : rel[0]!;
  const row = rows.get(key) ?? { files: 0, frames: 0, ssd: [0, 0], tiny: [0, 0], ssdFiles: 0, tinyFiles: 0, ms: { ssd: 0, tiny: 0 } };
  rows.set(key, row);
  row.files++;
  let media;
  try {
    media = await probeMedia(file, { adapter });
  } catch {
    continue;
  }
  const found = { ssd: 0, tiny: 0 };
  for await (const frame of readFrames(file, { sampling: { mode: 'count', frames }, adapter, mediaInfo: media, maxSidePx: 1920 })) {
    row.frames++;
    for (const name of ['ssd', 'tiny'] as const) {
      const t = performance.now();
      const faces = await detectors[name].detect(frame, { landmarks: false, tightCropRetry: media.isStillImage });
      row.ms[name] += performance.now() - t;
      for (const f of faces) row[name][Math.min(f.box.width, f.box.height) >= 60 ? 1 : 0]++;
      found[name] += faces.length;
    }
  }
  if (found.ssd > 0) row.ssdFiles++;
  if (found.tiny > 0) row.tinyFiles++;
}
console.log(`faces found per detector, ${frames} frames per video (stills: 1), split at 60 px (shorter side of the box)`);
console.log('| set | files | frames | SSD < 60 px | SSD >= 60 px | Tiny < 60 px | Tiny >= 60 px | files with a face (SSD / Tiny) | ms per frame (SSD / Tiny) |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const [key, r] of [...rows.entries()].sort()) {
  console.log(`| ${key} | ${r.files} | ${r.frames} | ${r.ssd[0]} | ${r.ssd[1]} | ${r.tiny[0]} | ${r.tiny[1]} | ${r.ssdFiles} / ${r.tinyFiles} | ${(r.ms.ssd / Math.max(1, r.frames)).toFixed(0)} / ${(r.ms.tiny / Math.max(1, r.frames)).toFixed(0)} |`);
}
detectors.ssd.dispose();
detectors.tiny.dispose();
