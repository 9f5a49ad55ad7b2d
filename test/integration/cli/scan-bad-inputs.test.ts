import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanReport } from '../../../src/report/scan-report.js';
import { canDenyReading, ROOT, runCli, unprivileged } from '../../helpers/run-cli.js';
import { expectValidAgainst } from '../../helpers/schema.js';
import { bundledFfprobePath } from '../../helpers/video-media.js';

/**
 * A folder of 500 files, most of them bad: the batch must finish, report each problem once,
 * exit 2, and lose no result. Run as `nobody` when the tests run as root, so that chmod 000
 * denies reading (root reads everything).
 */
const fixture = (name: string): string => path.join(ROOT, 'fixtures', name);
let dir: string;
let media: string;
let model: string;
let ffprobe: string;
const expected = { ok: [] as string[], errors: new Map<string, string[]>(), skipped: new Map<string, string>(), lockedDir: '' };

const number = (i: number): string => String(i).padStart(3, '0');
/** False for root in a clone that `nobody` cannot reach: chmod 000 then denies nothing, so the locked files become clean stills. */
const denies = canDenyReading();

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ldf-500-'));
  await chmod(dir, 0o755);
  model = path.join(dir, 'model');
  expect((await runCli(['model', 'init', '--out', model, '--seed', '3'])).code).toBe(0);
  media = path.join(dir, 'media');
  const corrupt = await readFile(fixture('corrupt.mp4'));
  const put = async (name: string, content: string | Buffer, mode?: number): Promise<string> => {
    // Spread over a few folders, mixed.
    const file = path.join(media, `sub${name.length % 4}`, name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
    if (mode !== undefined) await chmod(file, mode);
    return file;
  };
  const error = (file: string, ...codes: string[]): void => void expected.errors.set(file, codes);

  for (let i = 0; i < 4; i++) expected.ok.push(await put(`good-still-${i}.jpg`, await readFile(fixture('still.jpg'))));
  for (let i = 0; i < 2; i++) expected.ok.push(await put(`good-clip-${i}.mp4`, await readFile(fixture('one-face.mp4'))));
  for (let i = 0; i < 90; i++) error(await put(`text-${number(i)}.mp4`, `not a video ${i}\n`.repeat(20)), 'UNREADABLE_MEDIA');
  for (let i = 0; i < 90; i++) error(await put(`empty-${number(i)}.mov`, ''), 'EMPTY_FILE');
  for (let i = 0; i < 40; i++) {
    // Truncated at different places: some lose the index (ffprobe fails), the rest the frames.
    error(await put(`corrupt-${number(i)}.mp4`, corrupt.subarray(0, 200 + i * 120)), 'UNREADABLE_MEDIA', 'NO_VIDEO_STREAM', 'DAMAGED_MEDIA');
  }
  for (let i = 0; i < 40; i++) {
    const locked = await put(`locked-${number(i)}.mp4`, await readFile(fixture('still.jpg')), 0o000);
    if (denies) error(locked, 'PERMISSION_DENIED');
    else expected.ok.push(locked);
  }
  for (let i = 0; i < 120; i++) expected.skipped.set(await put(`notes-${number(i)}.txt`, `notes ${i}\n`), 'NOT_MEDIA');
  for (let i = 0; i < 50; i++) expected.skipped.set(await put(`zero-${number(i)}`, ''), 'EMPTY');
  for (let i = 0; i < 40; i++) {
    const noise = Buffer.alloc(3000);
    for (let k = 0; k < noise.length; k++) noise[k] = (k * 131 + i * 17 + ((k * k) % 251)) % 256;
    expected.skipped.set(await put(`blob-${number(i)}.bin`, noise), 'NOT_MEDIA');
  }
  // A folder that cannot be read, with 24 files in it.
  expected.lockedDir = path.join(media, 'locked-folder');
  await mkdir(expected.lockedDir);
  for (let i = 0; i < 24; i++) await copyFile(fixture('still.jpg'), path.join(expected.lockedDir, `hidden-${i}.jpg`));
  await chmod(expected.lockedDir, 0o000);
  if (!denies) console.warn('scan-bad-inputs: running as root in a clone that user nobody cannot reach: chmod 000 denies nothing, so the permission cases are checked as readable files');
  await mkdir(path.join(dir, 'out'), { mode: 0o777 });
  await chmod(path.join(dir, 'out'), 0o777);
  // The bundled ffprobe may be executable by its owner only (as installed here): give the
  // other user a copy it can run.
  ffprobe = bundledFfprobePath;
  if (unprivileged() !== undefined && ((await stat(ffprobe)).mode & 0o001) === 0) {
    ffprobe = path.join(dir, 'out', 'ffprobe');
    await copyFile(bundledFfprobePath, ffprobe);
    await chmod(ffprobe, 0o755);
  }
});
afterAll(async () => {
  await chmod(expected.lockedDir, 0o755).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

describe('a folder of 500 files, most of them bad', () => {
  it('finishes, reports each problem once, exits 2, and loses no result', async () => {
    const total = expected.ok.length + expected.errors.size + expected.skipped.size + 24;
    expect(total).toBe(500);
    const out = path.join(dir, 'out', 'report.json');
    const r = await runCli(['scan', '--model', model, '--allow-untrained', '--frames', '2', '--format', 'json', '--output', out, '--ffprobe-path', ffprobe, media], {
      user: unprivileged(),
      env: { HOME: path.join(dir, 'out') },
    });
    if (r.code !== 2) console.log(r.stderr.slice(-3000));
    expect(r.code).toBe(2);
    const report = JSON.parse(await readFile(out, 'utf8')) as ScanReport;
    expectValidAgainst('scan-report.schema.json', report);

    // Every file outside the unreadable folder is in the report exactly once: scanned or skipped.
    const scanned = report.files.map((f) => f.path);
    expect(new Set(scanned).size).toBe(scanned.length);
    const hidden = denies ? [] : Array.from({ length: 24 }, (_, i) => path.join(expected.lockedDir, `hidden-${i}.jpg`));
    expect([...scanned].sort()).toEqual([...expected.ok, ...expected.errors.keys(), ...hidden].sort());
    expect(report.skipped.map((s) => [s.path, s.reason]).sort()).toEqual([...expected.skipped.entries()].sort());
    for (const f of report.files) {
      if (expected.ok.includes(f.path) || hidden.includes(f.path)) {
        expect(f.status, f.path).toBe('ok');
        expect(f.facesDetected, f.path).toBeGreaterThan(0);
      } else {
        expect(expected.errors.get(f.path), `${f.path}: ${f.error?.code}`).toContain(f.error?.code);
      }
    }
    if (denies) {
      expect(report.problems).toEqual([{ path: expected.lockedDir, code: 'DIR_UNREADABLE', message: 'cannot read folder (EACCES): its files were not scanned', severity: 'error' }]);
      expect(report.summary).toMatchObject({ files: 266, skipped: 210, problems: 1, errors: 261 });
      expect(report.summary.byErrorCode).toMatchObject({ EMPTY_FILE: 90, PERMISSION_DENIED: 40, DIR_UNREADABLE: 1 });
    } else {
      expect(report.problems).toEqual([]);
      expect(report.summary).toMatchObject({ files: 290, skipped: 210, problems: 0, errors: 220 });
      expect(report.summary.byErrorCode).toMatchObject({ EMPTY_FILE: 90 });
    }

    // stderr: one line per problem, naming it; skipped files are not problems.
    const lines = r.stderr.split('\n');
    for (const problem of [...expected.errors.keys(), ...(denies ? [expected.lockedDir] : [])]) {
      expect(lines.filter((l) => l.includes(`${problem}:`)), problem).toHaveLength(1);
    }
    for (const skipped of expected.skipped.keys()) expect(r.stderr).not.toContain(skipped);
  });
});
