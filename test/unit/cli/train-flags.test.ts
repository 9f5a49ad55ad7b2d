import { describe, expect, it } from 'vitest';
import { parseConfigJson, parseCropJitter, parsePositiveFlag } from '../../../src/cli/train-flags.js';
import { DEFAULT_LDFNET_CONFIG } from '../../../src/model/ldfnet-config.js';
import { ModelError } from '../../../src/model/errors.js';
import { UsageError } from '../../../src/util/usage-error.js';

describe('ldf train flag values', () => {
  it('--lr and --lr-decay: a positive number, else a usage error', () => {
    expect(parsePositiveFlag('lr', '4e-4')).toBe(4e-4);
    for (const bad of ['0', '-1', 'abc', 'Infinity']) {
      expect(() => parsePositiveFlag('lr', bad)).toThrow(UsageError);
      expect(() => parsePositiveFlag('lr-decay', bad)).toThrow(`--lr-decay must be a positive number, got '${bad}'`);
    }
  });

  it('--config-json: an object of architecture fields over the defaults, with --ablation\'s variant', () => {
    const config = parseConfigJson('{"inputSize":64,"widths":[4,8,8,16,16],"sgeGroups":[2,2,2,4,4]}', 'basenet');
    expect(config).toEqual({ ...DEFAULT_LDFNET_CONFIG, inputSize: 64, widths: [4, 8, 8, 16, 16], sgeGroups: [2, 2, 2, 4, 4], variant: 'basenet' });
  });

  it('--config-json: not JSON, not an object or a variant in it is a usage error; a bad architecture is BAD_CONFIG', () => {
    for (const [text, message] of [
      ['{inputSize', '--config-json is not valid JSON'],
      ['[1]', '--config-json must be a JSON object'],
      ['null', '--config-json must be a JSON object'],
      ['{"variant":"ldfnet"}', '--config-json: give the variant with --ablation'],
    ] as const) {
      let error: unknown;
      try {
        parseConfigJson(text, 'ldfnet');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UsageError);
      expect(error).toMatchObject({ code: 'USAGE', message: expect.stringContaining(message) });
    }
    expect(() => parseConfigJson('{"widths":[1]}', 'ldfnet')).toThrow(ModelError);
  });

  it('--crop-jitter: SCALE,SHIFT, each 0 to 0.5', () => {
    expect(parseCropJitter(undefined)).toBeUndefined();
    expect(parseCropJitter('0.08,0.04')).toEqual({ maxScaleJitter: 0.08, maxShiftJitter: 0.04 });
    expect(() => parseCropJitter('0.08')).toThrow(UsageError);
    expect(() => parseCropJitter('0.08,0.9')).toThrow(UsageError);
  });
});
