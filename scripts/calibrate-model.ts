/**
 * Sets a trained model's verdict thresholds and held-out metrics from `ldf eval --json` reports, and
 * (with --default) marks it as the model `ldf scan` uses by default (and unmarks the other model folders
 * beside it).
 *
 *   node --import tsx scripts/calibrate-model.ts --model models/NAME \
 *     --report yonsei=eval-yonsei.json --report videos=eval-videos.json [--fpr 0.05] [--fnr 0.05] [--default] [--write]
 *     [--min-judged-face PX]   (also record the face size below which the model does not judge)
 *
 * Thresholds come from the file-level scores (an image is one file; a video's score is its aggregated
 * track score, as `ldf scan` computes it) pooled over every report:
 * - fake: the lowest threshold at which at most --fpr of the real files would be called fake in every real
 *   subset: each report, each source or method inside it (the items' groups), and all pooled (a forensic
 *   tool must rarely accuse a real file, whatever kind of real file it is);
 * - real: the highest threshold at which at most --fnr of the forged files would be called real, capped
 *   at the fake threshold (with a weak model the uncertain band then shrinks to nothing, and says so).
 * Without --write it prints what it would set. Weight files and their hashes are not touched.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type EvalItem, evaluateScores, scoresFromItems } from '../src/eval/eval-report.js';

interface EvalReport {
  model: { id: string; weightsSha256: string[] };
  items: EvalItem[];
  options?: unknown;
}

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    report: { type: 'string', multiple: true },
    fpr: { type: 'string', default: '0.05' },
    fnr: { type: 'string', default: '0.05' },
    default: { type: 'boolean', default: false },
    write: { type: 'boolean', default: false },
    'min-judged-face': { type: 'string' },
  },
});
if (values.model === undefined || values.report === undefined || values.report.length === 0) {
  console.error('usage: calibrate-model.ts --model DIR --report NAME=FILE [--report NAME=FILE ...] [--fpr 0.05] [--fnr 0.05] [--default] [--write]');
  process.exit(2);
}
const maxFpr = Number(values.fpr);
const maxFnr = Number(values.fnr);

const reports = new Map<string, EvalReport>();
for (const spec of values.report) {
  const at = spec.indexOf('=');
  if (at <= 0) throw new Error(`--report ${spec}: expected NAME=FILE`);
  reports.set(spec.slice(0, at), JSON.parse(await readFile(spec.slice(at + 1), 'utf8')) as EvalReport);
}

const manifestPath = path.join(values.model, 'manifest.json');
const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as Record<string, unknown> & {
  id: string;
  thresholds: { real: number; fake: number };
  metrics: Record<string, unknown> | null;
  licenses: string[];
  default: boolean;
  weights: { files: { sha256: string }[] };
};
const weightsSha256 = manifest.weights.files.map((f) => f.sha256).join();
for (const [name, r] of reports) {
  if (r.model.id !== manifest.id) throw new Error(`report ${name} is of model ${r.model.id}, not ${manifest.id}`);
  if (r.model.weightsSha256.join() !== weightsSha256) {
    throw new Error(`report ${name} was made with other weights than ${manifestPath} holds (sha256 differs)`);
  }
}

const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;
const scored = [...reports.values()].flatMap((r) => r.items.filter((i) => i.status === 'scored' && i.score !== null));
const real = scored.filter((i) => i.label === 'real').map((i) => i.score!).sort((a, b) => a - b);
const fake = scored.filter((i) => i.label === 'fake').map((i) => i.score!).sort((a, b) => a - b);
if (real.length === 0 || fake.length === 0) throw new Error('need scored real and fake files');

/** Lowest t with |{r >= t}| <= maxFpr * n over ascending real scores r: just above the real score at that rank. */
function fakeThresholdOf(reals: readonly number[]): number {
  const allowed = Math.floor(maxFpr * reals.length);
  const boundary = reals[reals.length - 1 - allowed]!; // the highest real score that must stay below t
  return Math.min(1, nextUp(boundary));
}
/**
 * The fake threshold that keeps every real subset at or under maxFpr: each report (data set), and each of
 * its sources or methods (the items' groups, every prefix), and all of them pooled. A subset of n real
 * files allows floor(maxFpr * n) false accusations, so a small subset allows none.
 */
const realSubsets = new Map<string, number[]>();
for (const [name, r] of reports) {
  for (const item of r.items) {
    if (item.label !== 'real' || item.status !== 'scored' || item.score === null) continue;
    const parts = ((item as { group?: string }).group ?? '').split('/').filter((p) => p !== '');
    const keys = [name, ...parts.slice(1).map((_, k) => `${name}/${parts.slice(1, k + 2).join('/')}`)];
    for (const key of keys) realSubsets.set(key, [...(realSubsets.get(key) ?? []), item.score]);
  }
}
const perSubset = [...realSubsets.entries()].map(([subset, scores]) => {
  const sorted = [...scores].sort((a, b) => a - b);
  return { subset, realFiles: sorted.length, fakeThreshold: round4(fakeThresholdOf(sorted)) };
});
function fakeThreshold(): number {
  return Math.max(fakeThresholdOf(real), ...perSubset.map((p) => p.fakeThreshold));
}
/** Highest t with |{fake < t}| <= maxFnr * n. */
function realThreshold(): number {
  const allowed = Math.floor(maxFnr * fake.length);
  return fake[allowed]!; // fakes strictly below it: at most `allowed`
}
function nextUp(x: number): number {
  return Math.round((x + 5e-5) * 1e4) / 1e4 > x ? Math.round((x + 5e-5) * 1e4) / 1e4 : x + 1e-4;
}

const fakeT = round4(fakeThreshold());
const realT = round4(Math.min(realThreshold(), fakeT));
const rate = (xs: number[], pred: (x: number) => boolean): number => xs.filter(pred).length / xs.length;
const summary = {
  rule: `fake: lowest threshold calling at most ${maxFpr * 100}% of the held-out real files fake in every real subset (each data set, each of its sources, and all pooled); real: highest threshold calling at most ${maxFnr * 100}% of held-out forged files real, capped at the fake threshold`,
  files: { real: real.length, fake: fake.length },
  perRealSubset: perSubset.map((p) => ({ ...p, realCalledFakeAtThreshold: round4((realSubsets.get(p.subset) ?? []).filter((x) => x >= fakeThreshold()).length / p.realFiles) })),
  thresholds: { real: realT, fake: fakeT },
  atThresholds: {
    realCalledFake: round4(rate(real, (s) => s >= fakeT)),
    fakeCalledFake: round4(rate(fake, (s) => s >= fakeT)),
    fakeCalledReal: round4(rate(fake, (s) => s < realT)),
    realCalledReal: round4(rate(real, (s) => s < realT)),
  },
};

// Recomputed from the reports' items at the new thresholds, so the confusion matrices and accuracies the
// manifest records are those of the thresholds it carries (the reports' own are at the old ones).
function heldOutBlock(set: { scores: number[]; labels: (0 | 1)[] }): Record<string, unknown> | null {
  if (set.scores.length === 0) return null;
  const { calibration: _calibration, ...rest } = evaluateScores(set.scores, set.labels, { thresholds: summary.thresholds }).block;
  return rest;
}
const heldOut: Record<string, unknown> = {};
for (const [name, r] of reports) {
  const { frame, video } = scoresFromItems(r.items);
  heldOut[name] = { frame: heldOutBlock(frame), video: heldOutBlock(video) };
}

console.log(JSON.stringify({ model: manifest.id, ...summary, heldOut }, null, 2));
/** Absolute paths of the machine that trained it, made relative to the repository (the manifest ships). */
function relativePaths(value: unknown): unknown {
  const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
  if (typeof value === 'string') return path.isAbsolute(value) ? path.relative(repo, value) : value;
  if (Array.isArray(value)) return value.map(relativePaths);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, relativePaths(v)]));
  }
  return value;
}

if (values.write) {
  manifest.training = relativePaths(manifest.training) as Record<string, unknown>;
  manifest.thresholds = { real: realT, fake: fakeT };
  if (values['min-judged-face'] !== undefined) {
    const px = Number(values['min-judged-face']);
    if (!Number.isFinite(px) || px < 0) throw new Error(`--min-judged-face must be a number >= 0, got ${values['min-judged-face']}`);
    (manifest as Record<string, unknown>).judging = { minFacePx: px };
  }
  manifest.metrics = { ...(manifest.metrics ?? {}), heldOut, thresholdSelection: summary };
  manifest.default = values.default;
  manifest.licenses = [
    'UTKFace (training faces): non-commercial research use only.',
    'All-Age-Faces (training faces): research use, cite the dataset.',
    'Yonsei Real and Fake Face Detection (threshold selection, validation): research use.',
    'FaceForensics++ and DFDC clips (validation): research use under their own terms of use.',
    'LivePortrait examples (validation): MIT.',
    'FaceForensics++ c40 clips, DFDC crops, Celeb-DF-style clips (validation): research use under the FaceForensics++, DFDC and Celeb-DF terms; the repositories that carried them state no licence of their own (evaluation only, never shipped).',
    'DeepFaceLab documentation images (validation): GPL-3.0 repository. FSGAN examples: CC0. video-retalking examples: Apache-2.0. Classic face-swap results: no stated licence (evaluation only).',
  ];
  await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  console.error(`wrote ${manifestPath}`);
  if (values.default) {
    // One default: the other model folders beside this one stop being it (their weights are untouched).
    const parent = path.dirname(path.resolve(values.model));
    for (const entry of await readdir(parent, { withFileTypes: true })) {
      const other = path.join(parent, entry.name, 'manifest.json');
      if (!entry.isDirectory() || path.resolve(other) === path.resolve(manifestPath)) continue;
      const text = await readFile(other, 'utf8').catch(() => null);
      if (text === null) continue;
      const m = JSON.parse(text) as { default?: boolean };
      if (m.default !== true) continue;
      m.default = false;
      await writeFile(other, `${JSON.stringify(m, null, 2)}\n`);
      console.error(`${other}: no longer the default`);
    }
  }
}
