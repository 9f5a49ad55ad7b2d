import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli.js';
import { expectValidAgainst } from '../../helpers/schema.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ldf-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ldf model init / info', () => {
  it('writes an untrained model and describes it as JSON valid against its schema', async () => {
    const out = path.join(dir, 'untrained model');
    const init = await runCli(['model', 'init', '--out', out, '--seed', '3']);
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expectValidAgainst('model-manifest.schema.json', JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')));

    const info = await runCli(['model', 'info', '--model', out, '--json']);
    expect(info.code).toBe(0);
    const report = JSON.parse(info.stdout) as {
      model: { trained: boolean; id: string };
      complexity: { parameters: number; macs: number };
      backend: { name: string; threads: number };
      files: { sha256: string }[];
    };
    expectValidAgainst('model-info.schema.json', report);
    expect(report.model.trained).toBe(false);
    expect(report.model.id).toBe('ldfnet-untrained-ldfnet-seed3');
    expect(report.complexity.parameters).toBe(973_135);
    expect(report.backend.name).toBe('wasm');
    expect(report.files[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);

    const table = await runCli(['model', 'info', '--model', out]);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('trained    NO');
    expect(table.stdout).toContain('973,135 trainable');
  });

  it('reports a damaged model folder in one line with exit code 2', async () => {
    const out = path.join(dir, 'damaged');
    expect((await runCli(['model', 'init', '--out', out, '--variant', 'basenet'])).code).toBe(0);
    const weights = path.join(out, 'weights.bin');
    const bytes = await readFile(weights);
    bytes[0] = bytes[0]! ^ 1;
    await writeFile(weights, bytes);
    const info = await runCli(['model', 'info', '--model', out]);
    expect(info.code).toBe(2);
    expect(info.stdout).toBe('');
    expect(info.stderr.trim().split('\n')).toHaveLength(1);
    expect(info.stderr).toContain('WEIGHTS_HASH_MISMATCH');
    expect(info.stderr).toContain(weights);
  });

  it('rejects bad usage with exit code 2 and lists exit codes in --help', async () => {
    const bad = await runCli(['model', 'init']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/out/);
    const help = await runCli(['model', 'info', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('EXIT CODES');
  });

  it('refuses an explicit tensorflow backend when tfjs-node is not installed', async () => {
    const info = await runCli(['model', 'info', '--model', path.join(dir, 'untrained model'), '--backend', 'tensorflow']);
    expect(info.code).toBe(2);
    expect(info.stderr).toContain('BACKEND_UNAVAILABLE');
  });
});
