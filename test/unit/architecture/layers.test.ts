import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
// eslint.config.js is the rule set `npm test` runs; LAYERS is the table docs/architecture.md describes.
import { LAYERS, TYPE_IMPORTS } from '../../../eslint.config.js';

const eslint = new ESLint();

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

describe('layer boundaries (eslint.config.js)', () => {
  it('a lower layer may not import a higher one', async () => {
    expect(await problems('src/scan/probe-layers.ts', "import { EXIT } from '../cli/exit-codes.js';\nexport const x = EXIT;\n")).toEqual([
      expect.stringContaining('src/scan may not import src/cli'),
    ]);
    expect(await problems('src/report/probe-layers.ts', "import type { ScanSettings } from '../scan/scan-file.js';\nexport type X = ScanSettings;\n")).toEqual([
      expect.stringContaining('src/report may not import src/scan'),
    ]);
    expect(await problems('src/train/probe-layers.ts', "import { buildEvalReport } from '../eval/build-eval-report.js';\nexport const x = buildEvalReport;\n")).toEqual([
      expect.stringContaining('src/train may not import src/eval'),
    ]);
  });

  it('an allowed import passes', async () => {
    expect(await problems('src/scan/probe-layers.ts', "import { verdictFor } from '../report/verdicts.js';\nexport const x = verdictFor;\n")).toEqual([]);
    expect(await problems('src/commands/probe-layers.ts', "import { runScan } from '../app/run-scan.js';\nexport const x = runScan;\n")).toEqual([]);
  });

  it('commands import values only from cli and app, and types from any layer', async () => {
    expect(LAYERS['commands']).toEqual(['cli', 'app']);
    expect(await problems('src/commands/probe-layers.ts', "import { LdfnetModel } from '../model/ldfnet-model.js';\nexport const x = LdfnetModel;\n")).toEqual([
      expect.stringContaining('src/commands may not import values from src/model'),
    ]);
    expect(await problems('src/commands/probe-layers.ts', "import { writeFileAtomic } from '../util/write-file-atomic.js';\nexport const x = writeFileAtomic;\n")).toEqual([
      expect.stringContaining('src/commands may not import values from src/util'),
    ]);
    // A value and a type in one import is a value import.
    expect(await problems('src/commands/probe-layers.ts', "import { FAIL_ON, type FailOn } from '../report/verdicts.js';\nexport const x: FailOn[] = [...FAIL_ON];\n")).toEqual([
      expect.stringContaining('src/commands may not import values from src/report'),
    ]);
    expect(
      await problems('src/commands/probe-layers.ts', "import type { FailOn } from '../report/verdicts.js';\nimport { type GroupBy } from '../eval/eval-breakdown.js';\nexport type X = FailOn | GroupBy;\n"),
    ).toEqual([]);
    // The exception is the commands' alone: a lower layer may not import a higher one's types either.
    expect(TYPE_IMPORTS).toEqual(['commands']);
  });

  it('only commands and cli use oclif, chalk and cli-progress, or write to the terminal', async () => {
    expect(await problems('src/app/probe-layers.ts', "import chalk from 'chalk';\nexport const x = chalk;\n")).toEqual([
      expect.stringContaining('only src/commands and src/cli use oclif'),
    ]);
    expect(await problems('src/video/probe-layers.ts', "process.stdout.write('x');\nconsole.log('y');\n")).toEqual([
      expect.stringContaining('only src/commands and src/cli write to the terminal'),
      expect.stringContaining('no-console'),
    ]);
    expect(await problems('src/cli/probe-layers.ts', "import chalk from 'chalk';\nprocess.stderr.write(chalk.red('x'));\n")).toEqual([]);
  });

  it('every src folder has a row in the table, and the table only names src folders', async () => {
    const { readdir } = await import('node:fs/promises');
    const folders = (await readdir(new URL('../../../src', import.meta.url), { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(Object.keys(LAYERS).sort()).toEqual(folders.sort());
    for (const allowed of Object.values(LAYERS)) for (const f of allowed) expect(folders).toContain(f);
    for (const f of TYPE_IMPORTS) expect(folders).toContain(f);
  });
});
