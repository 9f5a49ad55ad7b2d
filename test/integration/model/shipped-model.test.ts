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

  it('scans a fixture without --model: too small for the model at its measured cut-off, a score in [0, 1] without it', async () => {
    const manifest = JSON.parse(await readFile(path.join(await defaultModelDir(MODELS_DIR), 'manifest.json'), 'utf8')) as {
      judging?: { minFacePx: number };
    };
    type Report = {
      model: { id: string };
      options: { minJudgedFacePx?: number };
      files: { status: string; verdict: string; scoreFake: number | null; facesTooSmall?: number; tracks: { faces: { faceSizePx?: number }[] }[] }[];
    };
    const scan = async (extra: string[]): Promise<Report> => {
      const result = await runCli(['scan', 'fixtures/one-face.mp4', '--format', 'json', '--frames', '8', ...extra]);
      expect(result.stderr).not.toMatch(/error/i);
      expect([0, 1]).toContain(result.code);
      const report = JSON.parse(result.stdout) as Report;
      expectValidAgainst('scan-report.schema.json', report);
      expect(report.model.id).toBe(path.basename(await defaultModelDir(MODELS_DIR)));
      expect(report.files[0]!.status).toBe('ok');
      return report;
    };
    // Judged: the trained model's score and verdict.
    const judged = (await scan(['--min-judged-face', '0'])).files[0]!;
    expect(['real', 'uncertain', 'fake']).toContain(judged.verdict);
    expect(judged.scoreFake).toBeGreaterThanOrEqual(0);
    expect(judged.scoreFake).toBeLessThanOrEqual(1);
    const sizes = judged.tracks.flatMap((t) => t.faces.map((f) => f.faceSizePx!));
    // At the defaults: the model's cut-off decides; faces below it never make a verdict or a score.
    const cutoff = manifest.judging?.minFacePx ?? 0;
    const report = await scan([]);
    expect(report.options.minJudgedFacePx ?? 0).toBe(cutoff);
    const file = report.files[0]!;
    if (sizes.every((px) => px < cutoff)) {
      expect(file.verdict).toBe('too-small');
      expect(file.scoreFake).toBeNull();
      expect(file.facesTooSmall).toBe(sizes.length);
    } else {
      expect(['real', 'uncertain', 'fake']).toContain(file.verdict);
    }
  }, 180_000);
});
