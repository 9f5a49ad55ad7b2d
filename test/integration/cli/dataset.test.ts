import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sbiPreviewSheetSize } from '../../../src/train/sbi/index.js';
import { DATASET_INPUTS, makeDatasetInputs } from '../../helpers/dataset-inputs.js';
import { ROOT, runCli } from '../../helpers/run-cli.js';
import { expectValidAgainst } from '../../helpers/schema.js';

let dir: string;
let inputs: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ldf-cli-dataset-'));
  inputs = path.join(dir, 'in');
  await makeDatasetInputs(inputs);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ldf dataset prepare / preview', () => {
  it('prepares a dataset, reports each bad file once on stderr and exits 2; a rerun skips everything and exits 0', async () => {
    const out = path.join(dir, 'out');
    const first = await runCli(['dataset', 'prepare', inputs, '--out', out, '--frames', '2']);
    expect(first.code).toBe(2);
    const lines = first.stderr.trim().split('\n');
    expect(lines).toHaveLength(DATASET_INPUTS.bad.length);
    for (const [rel, code] of DATASET_INPUTS.bad) {
      expect(lines.filter((l) => l.includes(path.join(inputs, rel)))).toEqual([expect.stringMatching(new RegExp(`^ldf: .*\\[${code}\\]$`))]);
    }
    expect(first.stdout).toMatch(/9 files processed \(5 with faces, 0 without, 4 failed\), 0 already done; 6 faces added in [0-9.]+ s, [0-9.]+ images\/s/);
    const manifest = JSON.parse(await readFile(path.join(out, 'dataset.json'), 'utf8')) as { counts: { items: number }; runs: { backend: string }[] };
    expectValidAgainst('dataset-manifest.schema.json', manifest);
    expect(manifest.counts.items).toBe(6);
    expect(manifest.runs[0]!.backend).toBe('wasm');
    const items = (await readFile(path.join(out, 'items.jsonl'), 'utf8')).trim().split('\n');
    expect(items).toHaveLength(6);
    for (const line of items) expectValidAgainst('dataset-item.schema.json', JSON.parse(line));

    const again = await runCli(['dataset', 'prepare', inputs, '--out', out, '--frames', '2']);
    expect(again.code).toBe(0);
    expect(again.stderr).toBe(`ldf: ${out}: 9 of 9 files already done, 0 to go\n`);
    expect(again.stdout).toMatch(/0 files processed .* 9 already done/);
    expect((await readFile(path.join(out, 'items.jsonl'), 'utf8')).trim().split('\n')).toEqual(items);

    const other = await runCli(['dataset', 'prepare', inputs, '--out', out, '--frames', '3', '--quiet']);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/^ldf: \[DATASET_MISMATCH\] .*options\.sampling\.frames 2 there, 3 now/);

    const preview = path.join(dir, 'sheet.png');
    const sheet = await runCli(['dataset', 'preview', out, '--synthesize', 'sbi', '--out', preview, '--count', '3', '--seed', '2']);
    expect(sheet.stderr).toBe('');
    expect(sheet.code).toBe(0);
    const meta = await sharp(preview).metadata();
    const size = sbiPreviewSheetSize(3, 256);
    expect([meta.format, meta.width, meta.height]).toEqual(['png', size.width, size.height]);
  });

  it('exits 3 when there is nothing to process, 2 for a missing input or a bad flag', async () => {
    const empty = path.join(dir, 'empty');
    await mkdir(empty);
    const none = await runCli(['dataset', 'prepare', empty, '--out', path.join(dir, 'none')]);
    expect(none.code).toBe(3);
    expect(none.stderr).toMatch(/nothing to process/);
    const missing = await runCli(['dataset', 'prepare', path.join(dir, 'no-such-folder'), '--out', path.join(dir, 'none')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no-such-folder: no such file or folder \[INPUT_NOT_FOUND\]/);
    const bad = await runCli(['dataset', 'prepare', inputs, '--out', path.join(dir, 'none'), '--val-share', '1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--val-share must be a number/);
    const notDataset = await runCli(['dataset', 'preview', empty, '--out', path.join(dir, 'x.png')]);
    expect(notDataset.code).toBe(2);
    expect(notDataset.stderr).toMatch(/\[NOT_A_DATASET\]/);
  });

  it('stops cleanly on SIGTERM (exit 143) and a rerun finishes the rest without duplicates', async () => {
    const photos = path.join(dir, 'many', 'real');
    await mkdir(photos, { recursive: true });
    for (let i = 0; i < 45; i++) await copyFile(path.join(ROOT, 'fixtures', 'still.jpg'), path.join(photos, `p${String(i).padStart(2, '0')}.jpg`));
    const out = path.join(dir, 'many-out');
    const sourcesFile = path.join(out, 'sources.jsonl');
    const doneLines = async (): Promise<string[]> => (await readFile(sourcesFile, 'utf8').catch(() => '')).split('\n').filter((l) => l !== '');
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'run.js'), 'dataset', 'prepare', photos, '--out', out, '--quiet'], { stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    while ((await doneLines()).length === 0) await new Promise((r) => setTimeout(r, 25));
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    const partial = await doneLines();
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(45);

    const rest = await runCli(['dataset', 'prepare', photos, '--out', out, '--quiet']);
    expect(rest.code).toBe(0);
    const all = (await doneLines()).map((l) => (JSON.parse(l) as { source: { path: string } }).source.path);
    expect(all).toHaveLength(45);
    expect(new Set(all).size).toBe(45);
    const items = (await readFile(path.join(out, 'items.jsonl'), 'utf8')).trim().split('\n');
    expect(new Set(items.map((l) => (JSON.parse(l) as { id: string }).id)).size).toBe(items.length);
  });
});
