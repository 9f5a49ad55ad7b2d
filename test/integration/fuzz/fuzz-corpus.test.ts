import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCorpus, checkFuzzRun, formatOutcome, initModel, prepareSeeds, runFuzzScan, type Corpus, type Seed } from '../../helpers/fuzz-harness.js';
import { MEDIA_KINDS, MUTATION_KINDS } from '../../helpers/fuzz-mutators.js';

/**
 * A few hundred mutants of every fixture kind through one `ldf scan` batch (the built CLI), with the checks of
 * `npm run fuzz` (test/helpers/fuzz-harness.ts): each mutant in the report once, a verdict or a stable error
 * code (never INTERNAL_ERROR), no stack trace, exit 0/1/2, per-file time and peak RSS bounded.
 */
/** LDF_FUZZ_COUNT overrides the count (a quick look, or a longer run). */
const COUNT = Number(process.env.LDF_FUZZ_COUNT ?? 200);
const SEED = 17;
let dir: string;
let seeds: Seed[];
let corpus: Corpus;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ldf-fuzz-test-'));
  seeds = await prepareSeeds(path.join(dir, 'seeds'));
  corpus = await buildCorpus(seeds, { count: COUNT, seed: SEED, dir: path.join(dir, 'mutants') });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the fuzz corpus', () => {
  it('covers every kind and mutation, and is reproducible: the same seed and count give the same bytes', async () => {
    expect(new Set(seeds.map((s) => s.kind))).toEqual(new Set(MEDIA_KINDS));
    // Kind k of the mutation kinds comes first for mutants k * seeds .. (k + 1) * seeds - 1.
    expect(new Set(corpus.mutants.map((m) => m.mutations[0]))).toEqual(new Set(MUTATION_KINDS.slice(0, Math.ceil(COUNT / seeds.length))));
    const again = await buildCorpus(await prepareSeeds(path.join(dir, 'seeds-again')), { count: COUNT, seed: SEED, dir: path.join(dir, 'mutants-again') });
    expect(again.seeds.map((s) => s.sha256)).toEqual(seeds.map((s) => s.sha256));
    expect(again.mutants).toEqual(corpus.mutants);
    const other = await buildCorpus(seeds, { count: 20, seed: SEED + 1, dir: path.join(dir, 'mutants-other') });
    expect(other.mutants.map((m) => m.sha256)).not.toEqual(corpus.mutants.slice(0, 20).map((m) => m.sha256));
    await rm(path.join(dir, 'mutants-again'), { recursive: true });
    await rm(path.join(dir, 'mutants-other'), { recursive: true });
  });

  it(
    `${COUNT} mutants through one ldf scan batch: every one reported once, ok or a stable error code, bounded time and memory`,
    async () => {
      const model = await initModel(path.join(dir, 'model'));
      const timeoutMs = 30_000;
      const run = await runFuzzScan({ corpusDir: corpus.dir, model, outDir: path.join(dir, 'scan'), stallMs: 2 * timeoutMs + 30_000 });
      const outcome = checkFuzzRun(corpus, run, { timeoutMs, maxRssMb: 1536 });
      console.log(formatOutcome(corpus, run, outcome));
      expect(outcome.findings).toEqual([]);
      expect(outcome.scanned + outcome.skipped).toBe(COUNT);
      // The corpus exercises both sides: files that still decode and files that fail.
      const keys = [...outcome.counts.keys()];
      expect(keys.some((k) => k.startsWith('error '))).toBe(true);
      expect(keys.some((k) => !k.startsWith('error ') && !k.startsWith('skipped '))).toBe(true);
    },
    20 * 60_000,
  );
});
