/**
 * npm run bench:html [-- --files 100 --people 2 --runs 3]
 *
 * Size and opening time of the HTML report of a batch: a report of FILES files (default 100), each with
 * PEOPLE persons (default 2) of 32 faces, every person with its 4 evidence crops (2 highest, 2 lowest),
 * the thumbnails made the way `ldf scan --format html` makes them (EvidenceImages.thumbnailOfRgb) from
 * crops of the fixtures' faces, varied per face so no two are alike. Then the page is opened in headless
 * chromium (playwright-core, /usr/bin/chromium or LDF_CHROMIUM) RUNS times, each in a fresh page: time to
 * the load event. Targets (the issue): under 10 MB, and open in under 2 s.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { EvidenceImages, type EvidencePicture } from '../src/faces/evidence-images.js';
import { buildScanReport } from '../src/report/build-report.js';
import { formatHtml } from '../src/report/format-html.js';
import type { FaceResult, FileResult, ScanOptions, TrackResult } from '../src/report/scan-report.js';

const { values } = parseArgs({ options: { files: { type: 'string', default: '100' }, people: { type: 'string', default: '2' }, runs: { type: 'string', default: '3' } } });
const fileCount = Number(values.files);
const people = Number(values.people);
const runs = Math.max(1, Number(values.runs));
const root = fileURLToPath(new URL('..', import.meta.url));
const out = path.join(root, '.bench', 'html');
await mkdir(out, { recursive: true });

// A 256x256 crop of the still fixture's face, shifted and tinted per face.
const SIDE = 256;
const base = await sharp(path.join(root, 'fixtures', 'still.jpg')).resize(SIDE + 32, SIDE + 32).removeAlpha().raw().toBuffer();
function crop(seed: number): Uint8Array {
  const dx = seed % 32;
  const dy = (seed * 7) % 32;
  const rgb = new Uint8Array(SIDE * SIDE * 3);
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      for (let c = 0; c < 3; c++) {
        const v = base[((y + dy) * (SIDE + 32) + (x + dx)) * 3 + c]! + ((seed * (c + 3) + x * y) % 9) - 4;
        rgb[(y * SIDE + x) * 3 + c] = Math.max(0, Math.min(255, v));
      }
    }
  }
  return rgb;
}

const options: ScanOptions = {
  sampling: { mode: 'count', frames: 32, intervalMs: null, fps: null, startMs: null, endMs: null, maxFrames: null },
  minFacePx: 40, minConfidence: 0.5, maxFaces: 10, aggregate: 'mean', topK: 3, minTrackFaces: 3,
  thresholds: { real: 0.1112, fake: 0.6837 }, failOn: 'fake', batchSize: 8, minJudgedFacePx: 128,
};
const pictures = new Map<string, EvidencePicture>();
const files: FileResult[] = [];
let seed = 1;
for (let f = 0; f < fileCount; f++) {
  const sha = createHash('sha256').update(`clip-${f}`).digest('hex');
  const tracks: TrackResult[] = [];
  for (let p = 0; p < people; p++) {
    const faces: FaceResult[] = Array.from({ length: 32 }, (_, i) => ({
      frameIndex: i, timestampMs: i * 1875 + 937.5, box: { x: 100 + p * 300, y: 80, width: 180, height: 220 },
      detectionScore: 0.95, scoreFake: ((f * 31 + p * 17 + i * 7) % 100) / 100, faceSizePx: 220,
    }));
    const scoreFake = faces.reduce((a, x) => a + x.scoreFake, 0) / faces.length;
    const sorted = [...faces].sort((a, b) => b.scoreFake - a.scoreFake);
    const kept = [...sorted.slice(0, 2).map((face) => ({ face, rank: 'highest' as const })), ...sorted.slice(-2).reverse().map((face) => ({ face, rank: 'lowest' as const }))];
    const thumbnails = [];
    for (const { face, rank } of kept) {
      const image = `${sha.slice(0, 16)}-t${p}-f${face.frameIndex}.png`;
      pictures.set(image, await EvidenceImages.thumbnailOfRgb(crop(seed++), SIDE));
      thumbnails.push({ frameIndex: face.frameIndex, timestampMs: face.timestampMs, scoreFake: face.scoreFake, rank, image });
    }
    tracks.push({ id: p, faceCount: 32, scoreFake, verdict: scoreFake >= 0.6837 ? 'fake' : scoreFake < 0.1112 ? 'real' : 'uncertain', counted: true, firstTimestampMs: faces[0]!.timestampMs, lastTimestampMs: faces.at(-1)!.timestampMs, faces, thumbnails });
  }
  const worst = tracks.reduce((a, b) => (b.scoreFake > a.scoreFake ? b : a));
  files.push({
    path: `/archive/batch/clip-${String(f).padStart(3, '0')}.mp4`, status: 'ok', verdict: worst.verdict, scoreFake: worst.scoreFake, worstTrackId: worst.id, error: null,
    sha256: sha, sizeBytes: 12_000_000, media: { container: 'mov,mp4,m4a,3gp,3g2,mj2', codec: 'h264', durationMs: 60_000, width: 1920, height: 1080, rotationDeg: 0, frameRate: 30, variableFrameRate: false, bitDepth: 8, hdr: false, isStillImage: false },
    framesSampled: 32, facesDetected: 32 * people, tracks, timings: { probeMs: 50, decodeMs: 500, detectMs: 7000, cropMs: 300, classifyMs: 3500, totalMs: 12_000 },
  });
}
const report = buildScanReport(files, {
  toolVersion: 'bench', model: { id: 'ldfnet-sbi-v2', version: '1.0.0', dir: null, trained: true, weightsSha256: ['0'.repeat(64)] },
  backend: { name: 'wasm', threads: 2, simd: true }, options, totalMs: 1_200_000,
});
const page = path.join(out, 'report.html');
const html = formatHtml(report, { image: (name) => pictures.get(name) });
await writeFile(page, html);
const sizeMb = Buffer.byteLength(html) / 1024 / 1024;
console.log(`page: ${fileCount} files, ${people} people each, ${pictures.size} thumbnails: ${sizeMb.toFixed(2)} MB (target < 10 MB) -> ${path.relative(root, page)}`);

const executablePath = process.env.LDF_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(executablePath)) {
  console.log(`no chromium at ${executablePath}: opening time not measured (apt install chromium, or set LDF_CHROMIUM)`);
} else {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const tab = await browser.newPage();
    const started = performance.now();
    await tab.goto(pathToFileURL(page).href, { waitUntil: 'load' });
    times.push(performance.now() - started);
    await tab.close();
  }
  await browser.close();
  const sorted = [...times].sort((a, b) => a - b);
  console.log(`open in headless chromium (to the load event), ${runs} runs: median ${(sorted[Math.floor(runs / 2)]! / 1000).toFixed(2)} s, each ${times.map((t) => (t / 1000).toFixed(2)).join(', ')} s (target < 2 s)`);
}
