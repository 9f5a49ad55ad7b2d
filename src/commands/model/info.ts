import { Flags } from '@oclif/core';
import { runModelInfo } from '../../app/run-model-info.js';
import { BaseCommand } from '../../cli/base-command.js';
import { backendFlags, modelFlag } from '../../cli/flags.js';
import { formatModelInfo } from '../../cli/model-info-output.js';
import type { BackendName } from '../../model/backend.js';

export default class ModelInfoCommand extends BaseCommand {
  static override summary = 'Describe a model: identity, training state, size, cost, file hashes and backend.';

  static override description = `Loads the model (verifying every weight file's sha256 against its manifest) and reports its id and version, whether it is trained, parameters per module, multiply-accumulates per face at its input size, the weight files and their hashes, and the TF.js backend that would run it.

EXIT CODES
  0  the model was described
  2  an error (no model found, a broken or damaged model folder, a backend
     that cannot run, bad usage)`;

  static override examples = ['<%= config.bin %> model info', '<%= config.bin %> model info --model models/my-model --json'];

  static override flags = {
    ...modelFlag,
    ...backendFlags,
    json: Flags.boolean({ description: 'Print the report as JSON (schemas/model-info.schema.json).', default: false }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ModelInfoCommand);
    const info = await runModelInfo({
      backend: flags.backend as BackendName | undefined,
      threads: flags.threads,
      modelDir: flags.model,
      toolVersion: this.config.version,
    });
    process.stdout.write(flags.json ? `${JSON.stringify(info, null, 2)}\n` : formatModelInfo(info));
  }
}
