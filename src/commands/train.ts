import { Flags } from '@oclif/core';
import { LDFNET_VARIANTS, runTrain, TRAIN_DEFAULTS, type TrainRequest } from '../app/run-train.js';
import { BaseCommand } from '../cli/base-command.js';
import { EXIT } from '../cli/exit-codes.js';
import { backendFlags } from '../cli/flags.js';
import { parseNumberFlag } from '../cli/scan-flags.js';
import { SignalPolicy, signalWord } from '../cli/signal-policy.js';
import { stderrWriter } from '../cli/stderr-writer.js';
import { parseConfigJson, parseCropJitter, parsePositiveFlag } from '../cli/train-flags.js';
import { createTrainProgress } from '../cli/train-progress.js';
import type { BackendName } from '../model/backend.js';
import type { LdfnetVariant } from '../model/ldfnet-config.js';
import type { Synthesis } from '../train/training-batch.js';

export default class TrainCommand extends BaseCommand {
  static override summary = 'Train LDFnet on a prepared face dataset (self-blended images from real faces by default).';

  static override description = `Trains the network on a dataset made by \`ldf dataset prepare\`. With --synthesize sbi (the default) every real face is paired with its self-blended twin (a forgery made from the face itself), so real faces alone train a forgery detector. Adam, learning rate halved after every epoch, seeded and reproducible; flips, small rotations and JPEG re-compression augment the images (--no-augment turns them off).

Checkpoints go to OUT/checkpoint every --checkpoint-every steps and at each epoch end; --resume continues exactly (same data order, optimiser state). After each epoch the model is scored on the validation split (or --val); the epoch with the best validation AUC is written to OUT as a trained model folder. OUT/train-log.jsonl records every step and each epoch's validation metrics.

EXIT CODES
  0    trained: every epoch done, or --max-steps reached (--resume continues)
  2    an error: bad usage, a dataset that cannot be read or has no training faces, a checkpoint that
       --resume cannot continue
  130  interrupted (Ctrl-C), 143 terminated (SIGTERM): a checkpoint was written; --resume continues`;

  static override examples = [
    '<%= config.bin %> train --data datasets/real-faces --out models/my-ldfnet',
    '<%= config.bin %> train --data datasets/real-faces --out models/my-ldfnet --resume',
    '<%= config.bin %> train --data datasets/real-faces --val datasets/val --ablation basenet-sge --out models/ablation-sge',
  ];

  static override flags = {
    ...backendFlags,
    data: Flags.directory({ description: 'Prepared training dataset (ldf dataset prepare).', required: true, exists: true }),
    val: Flags.directory({ description: 'Prepared validation dataset (default: the val split of --data).', exists: true }),
    out: Flags.string({ char: 'o', description: 'Output model folder (checkpoints and log inside).', required: true }),
    epochs: Flags.integer({ description: 'Epochs.', default: TRAIN_DEFAULTS.epochs, min: 1 }),
    'batch-size': Flags.integer({ description: 'Images per step (even with SBI: pairs of real and fake).', default: TRAIN_DEFAULTS.batchSize, min: 2 }),
    lr: Flags.string({ description: 'Initial learning rate.', default: String(TRAIN_DEFAULTS.learningRate) }),
    'lr-decay': Flags.string({ description: 'Factor applied to the learning rate after each epoch.', default: String(TRAIN_DEFAULTS.lrDecay) }),
    seed: Flags.integer({ description: 'Seed of weights, data order and synthesis.', default: TRAIN_DEFAULTS.seed }),
    ablation: Flags.string({ description: 'Network variant (Table III of the paper).', options: [...LDFNET_VARIANTS], default: TRAIN_DEFAULTS.variant }),
    synthesize: Flags.string({ description: 'Forgery synthesis from real faces: sbi, or none (the dataset has real and fake faces).', options: ['sbi', 'none'], default: 'sbi' }),
    'sbi-parts': Flags.string({
      description: 'With --synthesize sbi: probability (0-1) that a self-blended twin blends only some facial parts (an eye with its brow, the nose, the mouth) with a harder edge, instead of a face hull.',
      default: '0',
    }),
    swap: Flags.string({
      description: 'With --synthesize sbi: probability (0-1) that a forged twin is a cross-identity blend: another training face aligned on the landmarks, colour-matched and pasted through an SBI mask (as Face X-ray).',
      default: '0',
    }),
    degrade: Flags.boolean({
      description: 'Scan-like degradations applied alike to both images of a pair after the forgery: face resolution down to 48 px and enlarged back (p 0.5), blur (0.2), noise (0.2), colour (0.3), JPEG 4:2:0 at quality 30-95 (0.7). Replaces the per-image JPEG augmentation.',
      default: false,
    }),
    'crop-jitter': Flags.string({
      description: 'Crop scale and shift jitter, "SCALE,SHIFT" as fractions (e.g. 0.08,0.04: scale 0.92-1.08, shift +-4% of the crop per axis), applied to both images of a pair. Default none.',
    }),
    'val-synthesize': Flags.string({
      description: 'How validation faces become images (default: as --synthesize). none: score a --val set of real and forged faces as labelled.',
      options: ['sbi', 'none'],
    }),
    'init-from': Flags.directory({
      description: 'Start from this trained model folder\'s weights instead of random ones (fine-tuning under a new recipe). Give it again with --resume.',
      exists: true,
    }),
    'batch-norm': Flags.string({
      description: 'batch: normalise each micro-batch by its own statistics. frozen: keep the --init-from model\'s statistics, as inference uses them (a micro-batch of 2 gives noisy statistics).',
      options: ['batch', 'frozen'],
      default: 'batch',
    }),
    'keep-epochs': Flags.boolean({ description: 'Also write every epoch as a trained model folder, OUT/epochs/epoch-N, to choose among them on other data later.', default: false }),
    augment: Flags.boolean({ description: 'Flip, rotation and JPEG re-compression augmentation.', default: true, allowNo: true }),
    'checkpoint-every': Flags.integer({ description: 'Steps between checkpoints.', default: TRAIN_DEFAULTS.checkpointEverySteps, min: 1 }),
    'max-steps': Flags.integer({ description: 'Stop after this many steps in total (resume later).', min: 1 }),
    'micro-batch': Flags.integer({
      description: 'Images per forward/backward pass (gradients summed over the batch); 2 fits the wasm heap at 256x256.',
      default: TRAIN_DEFAULTS.microBatch,
      min: 1,
    }),
    'epoch-items': Flags.integer({ description: 'Training faces per epoch (default: all): shorter epochs validate and keep the best model more often.', min: 1 }),
    'max-val': Flags.integer({ description: 'Validation faces scored per epoch (a seeded sample).', default: TRAIN_DEFAULTS.maxValItems, min: 1 }),
    resume: Flags.boolean({ description: 'Continue from OUT/checkpoint.', default: false }),
    id: Flags.string({ description: 'Model id for the manifest (default: the OUT folder name).' }),
    quiet: Flags.boolean({ char: 'q', description: 'No progress output.', default: false }),
    'config-json': Flags.string({
      description: 'Architecture overrides as JSON over the default LDFnet config, e.g. {"inputSize":64,"widths":[4,8,8,16,16],"sgeGroups":[2,2,2,4,4]} (for tests and benchmarks: a narrow network trains in seconds).',
      hidden: true,
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(TrainCommand);
    // Every flag value is checked before the backend loads.
    const request: TrainRequest = {
      backend: flags.backend as BackendName | undefined,
      threads: flags.threads,
      config: flags['config-json'] === undefined ? undefined : parseConfigJson(flags['config-json'], flags.ablation as LdfnetVariant),
      dataDir: flags.data,
      valDir: flags.val,
      outDir: flags.out,
      epochs: flags.epochs,
      batchSize: flags['batch-size'],
      learningRate: parsePositiveFlag('lr', flags.lr),
      lrDecay: parsePositiveFlag('lr-decay', flags['lr-decay']),
      seed: flags.seed,
      variant: flags.ablation as LdfnetVariant,
      synthesize: flags.synthesize as Synthesis,
      augment: flags.augment,
      cropJitter: flags.augment ? parseCropJitter(flags['crop-jitter']) : undefined,
      swapProbability: parseNumberFlag('swap', flags.swap, 0, 1),
      degrade: flags.degrade,
      checkpointEverySteps: flags['checkpoint-every'],
      resume: flags.resume,
      maxSteps: flags['max-steps'],
      maxValItems: flags['max-val'],
      microBatch: flags['micro-batch'],
      batchNorm: flags['batch-norm'] as 'batch' | 'frozen',
      epochItems: flags['epoch-items'],
      sbiParts: parseNumberFlag('sbi-parts', flags['sbi-parts'], 0, 1),
      valSynthesize: flags['val-synthesize'] as Synthesis | undefined,
      initFrom: flags['init-from'],
      keepEpochs: flags['keep-epochs'],
      id: flags.id,
      toolVersion: this.config.version,
    };
    const say = stderrWriter(flags.quiet);
    const progress = createTrainProgress({ enabled: !flags.quiet });
    const signals = SignalPolicy.install((s) => {
      progress.stop();
      say(`${signalWord(s)}: stopping after the current step and a checkpoint (again to quit at once; --resume continues)`);
    });
    try {
      await runTrain({ ...request, signal: signals.signal }, { onEvent: (event) => progress.onEvent(event) });
    } finally {
      progress.stop();
      signals.dispose();
    }
    process.exitCode = signals.exitCode() ?? EXIT.OK;
  }
}
