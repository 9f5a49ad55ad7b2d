/**
 * Test tool: the fuzz corpus and its checks, shared by `npm run fuzz` (scripts/fuzz.ts) and
 * test/integration/fuzz/fuzz-corpus.test.ts.
 *
 * 1. prepareSeeds: the fixtures, and transcodes of them into the kinds fixtures/ lacks (mov, mkv, webm, gif,
 *    png, webp), made with the bundled ffmpeg with bit-exact, single-threaded settings (reproducible).
 * 2. buildCorpus: `count` mutants (fuzz-mutators.ts), round-robin over the seeds and the mutation kinds.
 * 3. runFuzzScan: one `ldf scan DIR --format json --frames 4` batch over them (the built CLI), with its peak
 *    RSS (/usr/bin/time, else /proc polling) and a watchdog that kills a batch whose journal stops growing.
 * 4. checkFuzzRun: every mutant in the report once, every result ok or a stable error code (never
 *    INTERNAL_ERROR), no stack trace on stderr, exit code 0/1/2, per-file time and peak RSS under bounds.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FileResult, ScanReport } from '../../src/report/scan-report.js';
import { makeMutant, MUTATION_KINDS, type MediaKind, type MutationKind } from './fuzz-mutators.js';
import { ROOT, runCli } from './run-cli.js';
import { runFfmpeg } from './video-media.js';

export interface Seed {
  /** File name, e.g. "one-face.mov". */
  name: string;
  kind: MediaKind;
  path: string;
  sha256: string;
}

const fixture = (name: string): string => path.join(ROOT, 'fixtures', name);
/** Reproducible output: no encoder version strings or random UIDs, one thread. */
const EXACT = ['-fflags', '+bitexact', '-flags', '+bitexact', '-map_metadata', '-1', '-threads', '1'];

/** Seeds made from the fixtures: the name, and the ffmpeg arguments (input first) or null to copy. */
const SEED_RECIPES: readonly { name: string; from: string; args: string[] | null }[] = [
  { name: 'one-face.mp4', from: 'one-face.mp4', args: null },
  { name: 'several-faces.mp4', from: 'several-faces.mp4', args: null },
  { name: 'rotated.mp4', from: 'rotated.mp4', args: null },
  { name: 'no-face.mp4', from: 'no-face.mp4', args: null },
  { name: 'still.jpg', from: 'still.jpg', args: null },
  { name: 'one-face.mov', from: 'one-face.mp4', args: ['-c', 'copy', '-f', 'mov'] },
  { name: 'rotated.mov', from: 'rotated.mp4', args: ['-c', 'copy', '-f', 'mov'] },
  { name: 'several-faces.mkv', from: 'several-faces.mp4', args: ['-c', 'copy', '-f', 'matroska'] },
  { name: 'one-face.mkv', from: 'one-face.mp4', args: ['-c', 'copy', '-f', 'matroska'] },
  { name: 'one-face.webm', from: 'one-face.mp4', args: ['-c:v', 'libvpx', '-b:v', '300k', '-g', '10', '-auto-alt-ref', '0', '-f', 'webm'] },
  { name: 'no-face.webm', from: 'no-face.mp4', args: ['-c:v', 'libvpx-vp9', '-b:v', '200k', '-g', '10', '-deadline', 'realtime', '-cpu-used', '8', '-f', 'webm'] },
  { name: 'one-face.gif', from: 'one-face.mp4', args: ['-vf', 'fps=6,scale=160:-1:flags=bilinear', '-f', 'gif'] },
  { name: 'still.png', from: 'still.jpg', args: ['-c:v', 'png', '-f', 'image2'] },
  { name: 'still.webp', from: 'still.jpg', args: ['-c:v', 'libwebp', '-quality', '75', '-f', 'webp'] },
  { name: 'still-lossless.webp', from: 'still.jpg', args: ['-vf', 'scale=180:-1', '-c:v', 'libwebp', '-lossless', '1', '-f', 'webp'] },
  // The format fixtures: paths of their own in ldf (sharp for animated WebP, EXIF orientation) and other codecs.
  { name: 'animated.webp', from: 'animated.webp', args: null },
  { name: 'animated.gif', from: 'animated.gif', args: null },
  { name: 'vp9.webm', from: 'vp9.webm', args: null },
  { name: 'hevc.mp4', from: 'hevc.mp4', args: null },
  { name: 'still-exif6.jpg', from: 'still-exif6.jpg', args: null },
];

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** Writes the seeds into `dir` (copies of the fixtures, transcodes made with the bundled ffmpeg). */
export async function prepareSeeds(dir: string): Promise<Seed[]> {
  await mkdir(dir, { recursive: true });
  const seeds: Seed[] = [];
  for (const recipe of SEED_RECIPES) {
    const out = path.join(dir, recipe.name);
    if (recipe.args === null) await copyFile(fixture(recipe.from), out);
    else await runFfmpeg(['-i', fixture(recipe.from), '-an', ...EXACT, ...recipe.args, out]);
    const kind = path.extname(recipe.name).slice(1) as MediaKind;
    seeds.push({ name: recipe.name, kind, path: out, sha256: sha256(await readFile(out)) });
  }
  return seeds;
}

export interface Mutant {
  /** File name inside the corpus folder, e.g. "00042-one-face-size-field.mov". */
  file: string;
  seed: string;
  kind: MediaKind;
  mutations: MutationKind[];
  descriptions: string[];
  sizeBytes: number;
  sha256: string;
}

export interface Corpus {
  seed: number;
  count: number;
  /** The folder of mutants (nothing else in it). */
  dir: string;
  seeds: Seed[];
  mutants: Mutant[];
}

/**
 * Writes `count` mutants into `dir`: mutant i mutates seed i mod S with mutation kind floor(i / S) mod 5
 * first (so every seed meets every kind), from its own PRNG seeded with (seed, i).
 */
export async function buildCorpus(seeds: readonly Seed[], options: { count: number; seed: number; dir: string }): Promise<Corpus> {
  const { count, seed, dir } = options;
  await mkdir(dir, { recursive: true });
  const inputs = await Promise.all(seeds.map((s) => readFile(s.path)));
  const mutants: Mutant[] = [];
  for (let i = 0; i < count; i++) {
    const s = seeds[i % seeds.length]!;
    const primary = MUTATION_KINDS[Math.floor(i / seeds.length) % MUTATION_KINDS.length]!;
    const spec = makeMutant(inputs[i % seeds.length]!, s.kind, seed, i, primary);
    const base = s.name.slice(0, -path.extname(s.name).length);
    const file = `${String(i).padStart(5, '0')}-${base}-${primary}.${s.kind}`;
    await writeFile(path.join(dir, file), spec.data);
    mutants.push({ file, seed: s.name, kind: s.kind, mutations: spec.mutations, descriptions: spec.descriptions, sizeBytes: spec.data.length, sha256: sha256(spec.data) });
  }
  return { seed, count, dir, seeds: [...seeds], mutants };
}

/** An untrained model for the batch, as the tests make one. */
export async function initModel(dir: string): Promise<string> {
  const r = await runCli(['model', 'init', '--out', dir, '--seed', '1']);
  if (r.code !== 0) throw new Error(`ldf model init failed (${r.code}): ${r.stderr}`);
  return dir;
}

export interface FuzzScanOptions {
  corpusDir: string;
  model: string;
  /** Where report.json (and its journal) go; not inside the corpus. */
  outDir: string;
  /** Kill the batch when its journal has not grown for this long (a hang). */
  stallMs: number;
  /** More arguments for ldf scan (e.g. --ffmpeg-path). */
  extraArgs?: readonly string[];
  /** The CLI's entry (default bin/run.js of this checkout, which runs dist/). */
  cli?: string;
}

export interface FuzzScanRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  report: ScanReport | null;
  /** The files that finished, from the report, or from the journal when no report was written (a killed batch). */
  results: FileResult[];
  /** Peak resident set size in KiB (the scan and the children it waited for, with /usr/bin/time), null if unknown. */
  peakRssKb: number | null;
  rssSource: '/usr/bin/time' | '/proc' | 'none';
  wallMs: number;
  /** The watchdog killed the batch. */
  stalled: boolean;
}

const TIME = '/usr/bin/time';

async function readRss(pid: number): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const hwm = /VmHWM:\s+(\d+)/.exec(status) ?? /VmRSS:\s+(\d+)/.exec(status);
    return hwm === null ? null : Number(hwm[1]);
  } catch {
    return null;
  }
}

/** The results a journal holds (its complete lines after the header). */
async function journalResults(journal: string): Promise<FileResult[]> {
  const text = await readFile(journal, 'utf8').catch(() => '');
  const results: FileResult[] = [];
  for (const line of text.split('\n').slice(1)) {
    try {
      const entry = JSON.parse(line) as { type?: string; result?: FileResult };
      if (entry.type === 'file' && entry.result !== undefined) results.push(entry.result);
    } catch {
      // a line cut by the kill
    }
  }
  return results;
}

/** Runs one `ldf scan` batch over the corpus folder. */
export async function runFuzzScan(options: FuzzScanOptions): Promise<FuzzScanRun> {
  const { corpusDir, model, outDir, stallMs } = options;
  await mkdir(outDir, { recursive: true });
  const output = path.join(outDir, 'report.json');
  const journal = `${output}.journal.jsonl`;
  const rssFile = path.join(outDir, 'time-rss.txt');
  await rm(output, { force: true });
  await rm(journal, { force: true });
  await rm(rssFile, { force: true });
  const cli = [options.cli ?? path.join(ROOT, 'bin', 'run.js'), 'scan', corpusDir, '--format', 'json', '--frames', '4', '--model', model, '--allow-untrained', '--output', output, ...(options.extraArgs ?? [])];
  const useTime = existsSync(TIME);
  const [command, args] = useTime ? [TIME, ['-f', '%M', '-o', rssFile, process.execPath, ...cli]] : [process.execPath, cli];
  const started = performance.now();
  // A process group of its own: the watchdog kills the scan, its ffmpeg children and /usr/bin/time together.
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => (stderr += text));
  let polledRss: number | null = null;
  let stalled = false;
  let journalBytes = -1;
  let lastGrowth = performance.now();
  const poll = setInterval(() => {
    void (async () => {
      if (!useTime && child.pid !== undefined) {
        const rss = await readRss(child.pid);
        if (rss !== null) polledRss = Math.max(polledRss ?? 0, rss);
      }
      const size = await stat(journal).then((s) => s.size, () => -1);
      if (size !== journalBytes) {
        journalBytes = size;
        lastGrowth = performance.now();
      } else if (performance.now() - lastGrowth > stallMs && !stalled) {
        stalled = true;
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      }
    })();
  }, 500);
  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c, s) => resolve({ code: c, signal: s }));
  });
  clearInterval(poll);
  const wallMs = performance.now() - started;
  let peakRssKb: number | null = polledRss;
  if (useTime) {
    const text = await readFile(rssFile, 'utf8').catch(() => '');
    const kb = /(\d+)\s*$/.exec(text.trim());
    peakRssKb = kb === null ? null : Number(kb[1]);
    // /usr/bin/time reports the scan's own exit status as its own; a signal as 128 + n ("Command terminated by signal").
  }
  const report = await readFile(output, 'utf8').then((t) => JSON.parse(t) as ScanReport, () => null);
  const results = report?.files ?? (await journalResults(journal));
  return { code, signal, stderr, report, results, peakRssKb, rssSource: useTime ? TIME : polledRss === null ? 'none' : '/proc', wallMs, stalled };
}

export interface FuzzBounds {
  /** Per file: files[].timings.totalMs above this is a finding. */
  timeoutMs: number;
  /** Peak RSS of the scan above this (MiB) is a finding. */
  maxRssMb: number;
}

export interface Finding {
  /** The mutant's file name, or "batch". */
  file: string;
  problem: string;
}

export interface FuzzOutcome {
  findings: Finding[];
  /** Outcome -> files: "verdict real", "no-face", "too-small", "error UNREADABLE_MEDIA", "skipped NOT_MEDIA", ... */
  counts: Map<string, number>;
  slowest: { file: string; totalMs: number } | null;
  scanned: number;
  skipped: number;
}

const VERDICTS = new Set(['real', 'uncertain', 'fake']);
/** Node's stack frames ("    at fn (file:1:2)"). */
const STACK_LINE = /^\s+at\s+\S/;

function outcomeOf(f: FileResult): string {
  if (f.status === 'ok') return VERDICTS.has(f.verdict) ? `verdict ${f.verdict}` : f.verdict;
  return `error ${f.error?.code ?? '(none)'}`;
}

/** Checks a batch against the corpus; every violation is a finding. */
export function checkFuzzRun(corpus: Corpus, run: FuzzScanRun, bounds: FuzzBounds): FuzzOutcome {
  const findings: Finding[] = [];
  const batch = (problem: string): void => void findings.push({ file: 'batch', problem });
  const counts = new Map<string, number>();
  const count = (key: string): void => void counts.set(key, (counts.get(key) ?? 0) + 1);
  if (run.stalled) batch(`the batch stalled: no file finished for a while, killed after ${Math.round(run.wallMs)} ms`);
  if (run.code === null || ![0, 1, 2].includes(run.code)) batch(`exit code ${String(run.code)}${run.signal === null ? '' : ` (${run.signal})`}, want 0, 1 or 2`);
  const stack = run.stderr.split('\n').filter((l) => STACK_LINE.test(l));
  if (stack.length > 0) batch(`stack trace on stderr: ${stack.slice(0, 3).join(' | ')}`);
  if (run.peakRssKb !== null && run.peakRssKb > bounds.maxRssMb * 1024) batch(`peak RSS ${Math.round(run.peakRssKb / 1024)} MiB, bound ${bounds.maxRssMb} MiB`);

  const seen = new Map<string, number>();
  const known = new Set(corpus.mutants.map((m) => m.file));
  const name = (p: string): string => path.relative(corpus.dir, path.resolve(ROOT, p));
  let slowest: FuzzOutcome['slowest'] = null;
  const report = run.report;
  if (report === null) batch(`no report was written (${run.results.length} results in the journal)`);
  for (const f of run.results) {
    const file = name(f.path);
    seen.set(file, (seen.get(file) ?? 0) + 1);
    if (!known.has(file)) findings.push({ file, problem: 'in the report but not in the corpus' });
    const outcome = outcomeOf(f);
    count(outcome);
    if (f.status === 'ok') {
      if (!VERDICTS.has(f.verdict) && f.verdict !== 'no-face' && f.verdict !== 'too-small') findings.push({ file, problem: `status ok with verdict ${f.verdict}` });
    } else {
      const code = f.error?.code;
      if (code === undefined || !/^[A-Z_]+$/.test(code)) findings.push({ file, problem: `error without a stable code (${String(code)}): ${f.error?.message ?? ''}` });
      else if (code === 'INTERNAL_ERROR') findings.push({ file, problem: `INTERNAL_ERROR: ${f.error?.message ?? ''}` });
    }
    if (f.timings.totalMs > bounds.timeoutMs) findings.push({ file, problem: `took ${Math.round(f.timings.totalMs)} ms, bound ${bounds.timeoutMs} ms` });
    if (slowest === null || f.timings.totalMs > slowest.totalMs) slowest = { file, totalMs: f.timings.totalMs };
  }
  for (const s of report?.skipped ?? []) {
    const file = name(s.path);
    seen.set(file, (seen.get(file) ?? 0) + 1);
    count(`skipped ${s.reason}`);
  }
  for (const m of corpus.mutants) {
    const times = seen.get(m.file) ?? 0;
    if (times !== 1) findings.push({ file: m.file, problem: times === 0 ? 'missing from the report' : `in the report ${times} times` });
  }
  return { findings, counts, slowest, scanned: run.results.length, skipped: report?.skipped.length ?? 0 };
}

/** A few lines for people: counts by outcome, the slowest file, peak RSS, findings. */
export function formatOutcome(corpus: Corpus, run: FuzzScanRun, outcome: FuzzOutcome): string {
  const lines: string[] = [];
  lines.push(`fuzz: ${corpus.mutants.length} mutants of ${corpus.seeds.length} seeds (seed ${corpus.seed}), ${outcome.scanned} scanned, ${outcome.skipped} skipped; ldf scan exit ${String(run.code)}, ${(run.wallMs / 1000).toFixed(1)} s`);
  const decoder = run.report?.decoder;
  if (decoder !== undefined && decoder !== null) lines.push(`decoder: ffmpeg ${decoder.ffmpeg.version ?? '?'} (${decoder.ffmpeg.source}), ffprobe ${decoder.ffprobe.version ?? '?'} (${decoder.ffprobe.source})`);
  const sorted = [...outcome.counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  for (const [key, n] of sorted) lines.push(`  ${String(n).padStart(6)}  ${key}`);
  if (outcome.slowest !== null) lines.push(`slowest: ${outcome.slowest.file} ${Math.round(outcome.slowest.totalMs)} ms`);
  lines.push(`peak RSS: ${run.peakRssKb === null ? 'unknown' : `${Math.round(run.peakRssKb / 1024)} MiB`} (${run.rssSource})`);
  lines.push(outcome.findings.length === 0 ? 'findings: none' : `findings: ${outcome.findings.length}`);
  for (const f of outcome.findings.slice(0, 50)) {
    const mutant = corpus.mutants.find((m) => m.file === f.file);
    lines.push(`  ${f.file}: ${f.problem}${mutant === undefined ? '' : ` [${mutant.descriptions.join('; ')}]`}`);
  }
  if (outcome.findings.length > 50) lines.push(`  ... and ${outcome.findings.length - 50} more`);
  return lines.join('\n');
}

