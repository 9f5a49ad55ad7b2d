import type { ModelInfo } from '../model/model-info.js';
import { formatCount } from './format-number.js';

/** `ldf model info`'s text report (--json prints the ModelInfo itself). */
export function formatModelInfo(info: ModelInfo): string {
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
