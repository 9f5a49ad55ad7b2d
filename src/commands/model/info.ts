import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { backendFlags, modelFlag } from '../../cli/flags.js';
import { formatCount } from '../../cli/format-number.js';
import { selectBackend, type BackendName } from '../../model/backend.js';
import { LdfnetModel } from '../../model/ldfnet-model.js';
import { describeModel, type ModelInfo } from '../../model/model-info.js';
import { defaultModelDir } from '../../model/model-registry.js';

export default class ModelInfoCommand extends BaseCommand {
  static override summary = 'Describe a model: identity, training state, size, cost, file hashes and backend.';

  static override description = `Loads the model (verifying every weight file's sha256 against its manifest) and reports its id and version, whether it is trained, parameters per module, multiply-accumulates per face at its input size, the weight files and their hashes, and the TF.js backend that would run it.

${BaseCommand.exitCodesHelp}`;

  static override examples = ['<%= config.bin %> model info', '<%= config.bin %> model info --model models/my-model --json'];

  static override flags = {
    ...modelFlag,
    ...backendFlags,
    json: Flags.boolean({ description: 'Print the report as JSON (schemas/model-info.schema.json).', default: false }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ModelInfoCommand);
    const backend = await selectBackend({ backend: flags.backend as BackendName | undefined, threads: flags.threads });
    const dir = flags.model ?? (await defaultModelDir());
    const model = await LdfnetModel.load(dir);
    try {
      const info = describeModel(model, { name: backend.name, threads: backend.threads, simd: backend.simd }, this.config.version);
      process.stdout.write(flags.json ? `${JSON.stringify(info, null, 2)}\n` : renderInfo(info));
    } finally {
      model.dispose();
    }
  }
}

function renderInfo(info: ModelInfo): string {
  const m = info.model;
  const lines = [
    `model      ${m.id} ${m.version}${m.default ? ' (default)' : ''}`,
    `folder     ${m.dir ?? '(in memory)'}`,
    `trained    ${m.trained ? 'yes' : 'NO: untrained weights, scanning will refuse to give verdicts'}`,
    `network    ${m.variant}, input ${m.inputSize}x${m.inputSize}, crop ${m.crop.name} x${m.crop.scale}`,
    `verdicts   real < ${m.thresholds.real} <= uncertain < ${m.thresholds.fake} <= fake`,
    `parameters ${info.complexity.parameters.toLocaleString('en-US')} trainable (+${info.complexity.nonTrainable.toLocaleString('en-US')} batch-norm statistics)`,
    `MACs       ${formatCount(info.complexity.macs)} per face`,
    `backend    ${info.backend.name}${info.backend.name === 'wasm' ? ` (${info.backend.threads} threads${info.backend.simd ? ', SIMD' : ''})` : ''}`,
    '',
    'module            parameters        MACs',
  ];
  for (const mod of info.complexity.modules) {
    lines.push(`${mod.module.padEnd(16)} ${formatCount(mod.parameters).padStart(11)} ${formatCount(mod.macs).padStart(11)}`);
  }
  lines.push('', 'files');
  for (const f of info.files) lines.push(`  ${f.path}  ${f.bytes} bytes  sha256 ${f.sha256}  verified`);
  return `${lines.join('\n')}\n`;
}
