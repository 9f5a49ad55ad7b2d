/**
 * npm run bench:train [-- --batch 8 --micro-batch 2 --steps 4 --backend wasm --threads N --variant ldfnet]
 *
 * Training speed of the full-size LDFnet at 256x256 on the backend in use: `--steps` optimisation steps
 * of `--batch` images with self-blended images (half real faces, half their blends, made on the fly as in
 * `ldf train`), forward and backward in micro-batches of `--micro-batch` images, after one warm-up step
 * that is not counted (kernel set-up, first allocations of the wasm heap). Prints training images/s,
 * ms per step, peak RSS, the backend and its threads, and how busy the machine was meanwhile (other jobs
 * on these cores slow training down). Environment variables LDF_BENCH_BATCH, LDF_BENCH_MICRO_BATCH and
 * LDF_BENCH_STEPS set the defaults of the flags.
 *
 * The faces: face-api's demo photos and fixtures/still.jpg, prepared once with `ldf dataset prepare`
 * (up to 5 faces per photo: 23 faces) into .bench/train-faces/. Weights are fresh (seed 7): speed does
 * not depend on their values. Target on a 2-core machine with wasm (issue 4): at least 5 images/s.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { selectBackend, type BackendName } from '../src/model/backend.js';
import { DEFAULT_LDFNET_CONFIG, LDFNET_VARIANTS, type LdfnetVariant } from '../src/model/ldfnet-config.js';
import { DEFAULT_AUGMENT } from '../src/train/augment.js';
import { openDataset } from '../src/dataset/index.js';
import { registerTrainingKernels } from '../src/train/kernels/register-training-kernels.js';
import { TRAIN_DEFAULTS, trainLdfnet, type TrainEvent } from '../src/train/train-ldfnet.js';

const { values } = parseArgs({
  options: {
    batch: { type: 'string', default: process.env.LDF_BENCH_BATCH ?? '8' },
    'micro-batch': { type: 'string', default: process.env.LDF_BENCH_MICRO_BATCH ?? String(TRAIN_DEFAULTS.microBatch) },
    steps: { type: 'string', default: process.env.LDF_BENCH_STEPS ?? '4' },
    backend: { type: 'string' },
    threads: { type: 'string' },
    variant: { type: 'string', default: 'ldfnet' },
  },
});
const positiveInt = (name: string, value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got '${value}'`);
  return n;
};
const batch = positiveInt('batch', values.batch);
const microBatch = positiveInt('micro-batch', values['micro-batch']);
const steps = positiveInt('steps', values.steps);
if (batch % 2 !== 0) throw new Error(`--batch must be even (pairs of a real face and its blend), got ${batch}`);
if (!LDFNET_VARIANTS.includes(values.variant as LdfnetVariant)) throw new Error(`--variant must be one of ${LDFNET_VARIANTS.join(', ')}`);

const root = fileURLToPath(new URL('..', import.meta.url));
const work = path.join(root, '.bench');
const inputs = path.join(work, 'train-inputs');
const dataset = path.join(work, 'train-faces');
const runDir = path.join(work, 'train-run');

// The dataset, once.
if (!existsSync(path.join(dataset, 'dataset.json'))) {
  console.log('preparing the face dataset (once) into .bench/train-faces ...');
  mkdirSync(path.join(inputs, 'real'), { recursive: true });
  const demo = path.join(path.dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'demo');
  for (let i = 1; i <= 6; i++) copyFileSync(path.join(demo, `sample${i}.jpg`), path.join(inputs, 'real', `sample${i}.jpg`));
  copyFileSync(path.join(root, 'fixtures', 'still.jpg'), path.join(inputs, 'real', 'still.jpg'));
  execFileSync(process.execPath, [path.join(root, 'bin', 'run.js'), 'dataset', 'prepare', inputs, '--out', dataset, '--max-faces', '5', '--quiet'], {
    stdio: 'inherit',
  });
}
const faces = (await openDataset(dataset)).items.filter((i) => i.split === 'train' && i.label === 'real').length;

/** System-wide busy and total CPU ticks (/proc/stat), to tell how much else ran meanwhile. */
function cpuTicks(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

const backend = await selectBackend({
  backend: values.backend as BackendName | undefined,
  threads: values.threads === undefined ? undefined : Number(values.threads),
});
registerTrainingKernels();
const cores = availableParallelism();
console.log(`backend ${backend.name} (${backend.threads} threads${backend.simd ? ', SIMD' : ''}), ${cores} cores`);
console.log(
  `LDFnet ${values.variant} at ${DEFAULT_LDFNET_CONFIG.inputSize}x${DEFAULT_LDFNET_CONFIG.inputSize}, batch ${batch} (${batch / 2} faces + their self-blended twins), micro-batch ${microBatch}; ` +
    `${faces} faces in .bench/train-faces; 1 warm-up step + ${steps} timed`,
);

rmSync(runDir, { recursive: true, force: true });
const stepMs: number[] = [];
let timedFrom: { cpu: NodeJS.CpuUsage; ticks: { busy: number; total: number }; wall: number } | undefined;
let timedTo: typeof timedFrom;
const onEvent = (e: TrainEvent): void => {
  if (e.type !== 'step') return;
  const ms = (batch / e.imagesPerSecond) * 1000;
  stepMs.push(ms);
  console.log(`  step ${e.globalStep}${e.globalStep === 1 ? ' (warm-up)' : ''}: ${ms.toFixed(0)} ms, ${e.imagesPerSecond.toFixed(2)} images/s, loss ${e.loss.toFixed(4)}`);
  const mark = { cpu: process.cpuUsage(), ticks: cpuTicks(), wall: performance.now() };
  if (e.globalStep === 1) timedFrom = mark;
  else timedTo = mark;
};
await trainLdfnet(
  {
    dataDir: dataset,
    outDir: runDir,
    epochs: 1_000_000,
    batchSize: batch,
    learningRate: TRAIN_DEFAULTS.learningRate,
    lrDecay: 1,
    seed: TRAIN_DEFAULTS.seed,
    variant: values.variant as LdfnetVariant,
    synthesize: 'sbi',
    augment: DEFAULT_AUGMENT,
    checkpointEverySteps: 1_000_000,
    resume: false,
    maxSteps: steps + 1,
    microBatch,
    maxValItems: 1,
    id: 'bench-train',
    toolVersion: 'bench',
  },
  onEvent,
);
const peakRssMiB = process.resourceUsage().maxRSS / 1024;
rmSync(runDir, { recursive: true, force: true });

const timed = stepMs.slice(1);
if (timed.length === 0) throw new Error('no timed step');
const meanMs = timed.reduce((a, b) => a + b, 0) / timed.length;
const imagesPerSecond = (batch * timed.length) / (timed.reduce((a, b) => a + b, 0) / 1000);
console.log(
  `training: ${imagesPerSecond.toFixed(2)} images/s, ${meanMs.toFixed(0)} ms per step (mean of ${timed.length}; min ${Math.min(...timed).toFixed(0)}, max ${Math.max(...timed).toFixed(0)}; ` +
    `warm-up ${stepMs[0]!.toFixed(0)} ms), peak RSS ${peakRssMiB.toFixed(0)} MiB`,
);
if (timedFrom !== undefined && timedTo !== undefined) {
  const wallS = (timedTo.wall - timedFrom.wall) / 1000;
  const ownCores = (timedTo.cpu.user + timedTo.cpu.system - timedFrom.cpu.user - timedFrom.cpu.system) / 1e6 / wallS;
  const busyCores = ((timedTo.ticks.busy - timedFrom.ticks.busy) / Math.max(1, timedTo.ticks.total - timedFrom.ticks.total)) * cores;
  console.log(
    `during the timed steps: this process used ${ownCores.toFixed(2)} cores, the machine was busy on ${busyCores.toFixed(2)} of ${cores} ` +
      `(${Math.max(0, busyCores - ownCores).toFixed(2)} by other processes: they slow training down)`,
  );
}
console.log(`target on a 2-core machine with wasm: >= 5 images/s`);
