/**
 * npm run fuzz [-- --count N --seed S --out DIR --timeout-ms MS --max-rss-mb MB --ffmpeg-path P --ffprobe-path P --cli bin/run.js]
 *
 * A seeded, reproducible fuzz corpus run through one `ldf scan` batch (test/helpers/fuzz-harness.ts):
 * mutants of every fixture kind (mp4, mov, mkv, webm, gif, jpg, png, webp; the kinds fixtures/ lacks are
 * transcoded from it with the bundled ffmpeg) made by bit flips, byte runs, deleted and duplicated chunks and
 * corrupted size fields (test/helpers/fuzz-mutators.ts). The same --seed and --count give byte-identical
 * mutants. Checks: every mutant in the report once (scanned or skipped), every result a verdict, no-face,
 * too-small or an error with a stable code (never INTERNAL_ERROR), no stack trace on stderr, exit code 0/1/2,
 * the batch never stalls, each file under --timeout-ms, peak RSS under --max-rss-mb. Prints counts by
 * outcome, the slowest file and the peak RSS; exits 1 when there are findings. Needs `npm run build` (the
 * batch runs bin/run.js, i.e. dist/).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildCorpus, checkFuzzRun, formatOutcome, initModel, prepareSeeds, runFuzzScan } from '../test/helpers/fuzz-harness.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '2000' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string' },
    'timeout-ms': { type: 'string', default: '30000' },
    'max-rss-mb': { type: 'string', default: '1536' },
    'ffmpeg-path': { type: 'string' },
    'ffprobe-path': { type: 'string' },
    cli: { type: 'string' },
  },
});
const integer = (name: string, text: string | undefined, min: number): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) {
    console.error(`fuzz: --${name} must be an integer >= ${min}, got ${String(text)}`);
    process.exit(2);
  }
  return n;
};
const count = integer('count', values.count, 1);
const seed = integer('seed', values.seed, 0);
const timeoutMs = integer('timeout-ms', values['timeout-ms'], 1);
const maxRssMb = integer('max-rss-mb', values['max-rss-mb'], 1);
const extraArgs = [
  ...(values['ffmpeg-path'] === undefined ? [] : ['--ffmpeg-path', values['ffmpeg-path']]),
  ...(values['ffprobe-path'] === undefined ? [] : ['--ffprobe-path', values['ffprobe-path']]),
];

const keep = values.out !== undefined;
const work = keep ? path.resolve(values.out as string) : await mkdtemp(path.join(tmpdir(), 'ldf-fuzz-'));
try {
  const started = performance.now();
  const seeds = await prepareSeeds(path.join(work, 'seeds'));
  const corpusDir = path.join(work, 'mutants');
  await rm(corpusDir, { recursive: true, force: true });
  const corpus = await buildCorpus(seeds, { count, seed, dir: corpusDir });
  await writeFile(path.join(work, 'corpus.json'), `${JSON.stringify({ seed, count, seeds, mutants: corpus.mutants }, null, 2)}\n`);
  console.log(`fuzz: ${count} mutants of ${seeds.length} seeds (seed ${seed}) in ${corpusDir}, ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const model = await initModel(path.join(work, 'model'));
  const run = await runFuzzScan({ corpusDir, model, outDir: path.join(work, 'scan'), stallMs: 2 * timeoutMs + 30_000, extraArgs, ...(values.cli === undefined ? {} : { cli: path.resolve(values.cli) }) });
  const outcome = checkFuzzRun(corpus, run, { timeoutMs, maxRssMb });
  console.log(formatOutcome(corpus, run, outcome));
  console.log(`total: ${((performance.now() - started) / 1000).toFixed(1)} s${keep ? `; kept in ${work} (corpus.json, mutants/, scan/report.json)` : ''}`);
  process.exitCode = outcome.findings.length === 0 ? 0 : 1;
} finally {
  if (!keep) await rm(work, { recursive: true, force: true });
}
