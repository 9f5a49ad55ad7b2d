import { Args, Flags } from '@oclif/core';
import { runDatasetPreview } from '../../app/run-dataset-preview.js';
import { BaseCommand } from '../../cli/base-command.js';
import { parseNumberFlag } from '../../cli/scan-flags.js';
import type { DatasetSplit, FaceLabel } from '../../dataset/dataset-format.js';

export default class DatasetPreviewCommand extends BaseCommand {
  static override summary = 'Write a sample sheet of a prepared dataset\'s crops (and their self-blended twins) for a person to look at.';

  static override description = `Picks --count crops at random (seeded) and writes a PNG sheet. With --synthesize sbi each row shows the crop, the blending mask, the self-blended forgery made from it (what training feeds the network as fake) and their difference amplified 4x. Without it, a grid of crops with their 68 landmarks drawn (jaw and nose green, eyes red, mouth blue).

EXIT CODES
  0  the sheet was written
  2  an error (not a dataset, no matching crops, bad usage)`;

  static override examples = [
    '<%= config.bin %> dataset preview datasets/faces --synthesize sbi --out sbi.png --count 8 --seed 3',
    '<%= config.bin %> dataset preview datasets/faces --split val --out landmarks.png',
  ];

  static override args = {
    dir: Args.string({ description: 'Dataset folder (made by ldf dataset prepare).', required: true }),
  };

  static override flags = {
    out: Flags.string({ char: 'o', description: 'PNG file to write.', required: true }),
    synthesize: Flags.string({ description: 'Show synthesized forgeries next to the crops: sbi (self-blended images).', options: ['sbi'] }),
    'sbi-parts': Flags.string({ description: 'With --synthesize sbi: probability (0-1) of a mask over some facial parts (eyes, nose, mouth) instead of a face hull.', default: '0' }),
    count: Flags.integer({ description: 'Crops on the sheet.', default: 8, min: 1, max: 256 }),
    seed: Flags.integer({ description: 'Seed of the choice of crops and of the synthesis.', default: 0 }),
    split: Flags.string({ description: 'Only crops of this split.', options: ['train', 'val'] }),
    label: Flags.string({ description: 'Only crops with this label.', options: ['real', 'fake'] }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(DatasetPreviewCommand);
    const result = await runDatasetPreview({
      dir: args.dir,
      outFile: flags.out,
      kind: flags.synthesize === 'sbi' ? 'sbi' : 'landmarks',
      count: flags.count,
      seed: flags.seed,
      split: flags.split as DatasetSplit | undefined,
      label: flags.label as FaceLabel | undefined,
      sbiParts: parseNumberFlag('sbi-parts', flags['sbi-parts'], 0, 1),
    });
    process.stdout.write(`${flags.out}: ${result.itemIds.length} crops, ${result.width}x${result.height} px\n`);
  }
}
