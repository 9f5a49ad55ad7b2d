import { Flags } from '@oclif/core';
import { LDFNET_VARIANTS, runModelInit } from '../../app/run-model-init.js';
import { BaseCommand } from '../../cli/base-command.js';
import { backendFlags } from '../../cli/flags.js';
import type { BackendName } from '../../model/backend.js';
import type { LdfnetVariant } from '../../model/ldfnet-config.js';

export default class ModelInitCommand extends BaseCommand {
  static override summary = 'Write an untrained LDFnet model folder (the start of training; used by tests).';

  static override description = `Creates seeded random weights for the network and writes them with a manifest marked trained: false. Scanning refuses to give verdicts with untrained weights.

EXIT CODES
  0  the model folder was written
  2  an error (a folder that cannot be written, a backend that cannot run,
     bad usage)`;

  static override examples = ['<%= config.bin %> model init --out models/scratch --seed 7'];

  static override flags = {
    ...backendFlags,
    out: Flags.directory({ description: 'Folder to write (created if missing).', required: true }),
    seed: Flags.integer({ description: 'Random seed of the initial weights.', default: 7 }),
    variant: Flags.string({
      description: 'Network variant (the ablation rows of the paper\'s Table III; ldfnet is the full model).',
      options: [...LDFNET_VARIANTS],
      default: 'ldfnet',
    }),
    id: Flags.string({ description: 'Model id to record in the manifest.' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ModelInitCommand);
    const manifest = await runModelInit({
      backend: flags.backend as BackendName | undefined,
      threads: flags.threads,
      outDir: flags.out,
      seed: flags.seed,
      variant: flags.variant as LdfnetVariant,
      id: flags.id,
      toolVersion: this.config.version,
    });
    process.stdout.write(`${flags.out}: ${manifest.id} (untrained, seed ${flags.seed}, ${manifest.weights.files[0]?.bytes ?? 0} bytes of weights)\n`);
  }
}
