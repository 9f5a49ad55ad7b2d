import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModelFolder } from '../../../src/model/model-folder.js';
import { defaultModelDir, MODELS_DIR } from '../../../src/model/model-registry.js';
import { useTestBackend } from '../../helpers/backend.js';
import { runCli } from '../../helpers/run-cli.js';
import { expectValidAgainst } from '../../helpers/schema.js';

/**
 * The trained model that ships as the default: it loads, its files match their hashes, and it gives a
 * sane score on a fixture. No accuracy claim here (docs/model-card.md has the measured figures).
 */
describe('the shipped default model', () => {
  beforeAll(async () => {
    await useTestBackend();
  });

  it('is one trained model under models/, with thresholds, licences and held-out metrics in its manifest', async () => {
    const dir = await defaultModelDir(MODELS_DIR);
    const { manifest, params } = await loadModelFolder(dir);
    try {
      expect(manifest.trained).toBe(true);
      expect(manifest.default).toBe(true);
      expect(manifest.architecture.inputSize).toBe(256);
      expect(manifest.thresholds.real).toBeGreaterThanOrEqual(0);
      expect(manifest.thresholds.real).toBeLessThanOrEqual(manifest.thresholds.fake);
      expect(manifest.thresholds.fake).toBeLessThanOrEqual(1);
      expect(manifest.licenses.join(' ')).toMatch(/UTKFace.*non-commercial/);
      expect(manifest.metrics).toHaveProperty('heldOut');
      // Every weight file really is what the manifest says (loadModelFolder checked too; this recomputes).
      let bytes = 0;
      for (const file of manifest.weights.files) {
        const data = await readFile(path.join(dir, file.path));
        expect(createHash('sha256').update(data).digest('hex')).toBe(file.sha256);
        bytes += data.byteLength;
      }
      expect(bytes).toBeGreaterThan(1_000_000); // ~1M float32 parameters
      expect(bytes).toBeLessThan(10_000_000);
      expect(params.size).toBe(manifest.weights.specs.length);
    } finally {
      for (const t of params.values()) t.dispose();
    }
  });

  it('scans a fixture without --model: a verdict from the trained model with a score in [0, 1]', async () => {
    const result = await runCli(['scan', 'fixtures/one-face.mp4', '--format', 'json', '--frames', '8']);
    expect(result.stderr).not.toMatch(/error/i);
    expect([0, 1]).toContain(result.code);
    const report = JSON.parse(result.stdout) as {
      model: { id: string };
      files: { status: string; verdict: string; scoreFake: number | null }[];
    };
    expectValidAgainst('scan-report.schema.json', report);
    expect(report.model.id).toBe(path.basename(await defaultModelDir(MODELS_DIR)));
    const [file] = report.files;
    expect(file!.status).toBe('ok');
    expect(['real', 'uncertain', 'fake']).toContain(file!.verdict);
    expect(file!.scoreFake).toBeGreaterThanOrEqual(0);
    expect(file!.scoreFake).toBeLessThanOrEqual(1);
  }, 120_000);
});
