import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileResult, ScanReport } from '../../../src/report/scan-report.js';
import { shardOf, shardKey } from '../../../src/scan/shard.js';
import { schemaValidator } from '../../../src/util/json-schema.js';
import { pathExists } from '../../../src/util/path-exists.js';
import { junitProblems, parseXml } from '../../helpers/junit-xml.js';
import { ROOT, runCli, spawnCli } from '../../helpers/run-cli.js';
import { expectValidAgainst } from '../../helpers/schema.js';
import { bundledFfmpegPath } from '../../helpers/video-media.js';

const fixture = (name: string): string => path.join(ROOT, 'fixtures', name);
let dir: string;
let model: string;
let media: string;

/** The tree scanned below: nested folders, a non-media file, media without an extension, a symlink loop. */
const TREE: [string, string][] = [
  ['b/one-face.mp4', 'one-face.mp4'],
  ['b/still copy.jpg', 'still.jpg'],
  ['a/no-face.mp4', 'no-face.mp4'],
  ['a/deep/rotated.mp4', 'rotated.mp4'],
  ['a/deep/corrupt.mp4', 'corrupt.mp4'],
  ['c/still-no-extension', 'still.jpg'],
  ['c/notes.txt', 'README.md'],
  ['still.jpg', 'still.jpg'],
];

const base = (extra: string[]): string[] => ['scan', '--model', model, '--allow-untrained', '--frames', '2', ...extra];
const readReport = async (file: string): Promise<ScanReport> => {
  const report = JSON.parse(await readFile(file, 'utf8')) as ScanReport;
  expectValidAgainst('scan-report.schema.json', report);
  return report;
};
const essentials = (files: FileResult[]): unknown[] => files.map((f) => [f.path, f.verdict, f.scoreFake, f.framesSampled, f.facesDetected, f.sha256]);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ldf-batch-cli-'));
  model = path.join(dir, 'model');
  expect((await runCli(['model', 'init', '--out', model, '--seed', '1'])).code).toBe(0);
  media = path.join(dir, 'media');
  for (const [to, from] of TREE) {
    await mkdir(path.dirname(path.join(media, to)), { recursive: true });
    await copyFile(fixture(from), path.join(media, to));
  }
  await symlink('..', path.join(media, 'a', 'deep', 'up')); // a loop: reported, not followed
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ldf scan on folders', () => {
  it('walks in a stable order, recognises media by content, reports loops; the same results whatever the concurrency', async () => {
    const one = await runCli(base(['--concurrency', '1', '--format', 'json', media]));
    const three = await runCli(base(['--concurrency', '3', '--format', 'json', media]));
    expect(one.code).toBe(2); // corrupt.mp4
    const [r1, r3] = [JSON.parse(one.stdout) as ScanReport, JSON.parse(three.stdout) as ScanReport];
    expectValidAgainst('scan-report.schema.json', r1);
    const rel = (p: string): string => path.relative(media, p);
    expect(r1.files.map((f) => rel(f.path))).toEqual(['a/deep/corrupt.mp4', 'a/deep/rotated.mp4', 'a/no-face.mp4', 'b/one-face.mp4', 'b/still copy.jpg', 'c/still-no-extension', 'still.jpg']);
    expect(essentials(r3.files)).toEqual(essentials(r1.files));
    expect(r1.skipped.map((s) => [rel(s.path), s.reason])).toEqual([['c/notes.txt', 'NOT_MEDIA']]);
    expect(r1.problems.map((p) => [rel(p.path), p.code, p.severity])).toEqual([['a/deep/up', 'SYMLINK_LOOP', 'warning']]);
    expect(r1.files.find((f) => f.path.endsWith('still-no-extension'))).toMatchObject({ status: 'ok', framesSampled: 1, facesDetected: 1 });
    expect(r1.inputs).toEqual({ paths: [media], include: [], exclude: [], extensions: null, shard: null });
    expect(r1.summary).toMatchObject({ files: 7, skipped: 1, problems: 1, errors: 1, byErrorCode: { DAMAGED_MEDIA: 1, SYMLINK_LOOP: 1 } });
    // The summary on stderr: counts per verdict and per error kind, time, throughput.
    expect(one.stderr).toMatch(/ldf: 7 files: .*1 error; 1 skipped \(not media\)/);
    expect(one.stderr).toContain('ldf: errors and problems: 1 DAMAGED_MEDIA, 1 SYMLINK_LOOP');
    expect(one.stderr).toMatch(/ldf: time [\d.]+s, [\d.]+ files\/min, [\d.]+ frames\/s/);
    expect(one.stderr).toContain(`ldf: warning: ${path.join(media, 'a', 'deep', 'up')}: `);
  });

  it('--include, --exclude and --ext narrow the walk; 3 when nothing is left', async () => {
    const some = await runCli(base(['--format', 'json', '--include', '*.mp4', '--exclude', 'deep', media]));
    expect((JSON.parse(some.stdout) as ScanReport).files.map((f) => path.relative(media, f.path))).toEqual(['a/no-face.mp4', 'b/one-face.mp4']);
    const ext = await runCli(base(['--format', 'json', '--ext', 'JPG', media]));
    expect((JSON.parse(ext.stdout) as ScanReport).files.map((f) => path.relative(media, f.path))).toEqual(['b/still copy.jpg', 'still.jpg']);
    const none = await runCli(base(['--format', 'json', '--include', '*.nothing', media]));
    expect(none.code).toBe(3);
    expectValidAgainst('scan-report.schema.json', JSON.parse(none.stdout));
    const bad = await runCli(base(['--include', 'a[', media]));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--include/--exclude');
  });

  it('--output: journal while running, atomic report at the end; --resume reuses matching results only', async () => {
    const out = path.join(dir, 'resume', 'report.json');
    await mkdir(path.dirname(out));
    const first = await runCli(base(['--format', 'json', '--output', out, '--quiet', media]));
    expect(first.code).toBe(2);
    expect(first.stdout).toBe('');
    const r1 = await readReport(out);
    expect(await pathExists(`${out}.journal.jsonl`)).toBe(false); // the report holds everything now

    const again = await runCli(base(['--format', 'json', '--output', out, '--resume', media]));
    const r2 = await readReport(out);
    // Three of the files are copies of still.jpg: one result serves them all.
    expect(again.stderr).toContain('resuming: 4 finished result(s) reusable (4 from the report, 0 from the journal)');
    expect(r2.summary.resumed).toBe(6); // every file but the corrupt one, which is tried again
    expect(essentials(r2.files)).toEqual(essentials(r1.files));

    const otherOptions = await runCli(base(['--format', 'json', '--output', out, '--resume', '--min-face', '20', media]));
    expect(otherOptions.stderr).toContain('resuming: 0 finished result(s) reusable');
    expect((await readReport(out)).summary.resumed).toBe(0);

    await writeFile(`${out}.journal.jsonl`, '{}\n');
    const blocked = await runCli(base(['--format', 'json', '--output', out, media]));
    expect(blocked.code).toBe(2);
    expect(blocked.stderr).toContain('[JOURNAL_EXISTS]');
    const noOutput = await runCli(base(['--resume', media]));
    expect(noOutput.code).toBe(2);
    expect(noOutput.stderr).toContain('--resume needs --output');
  });

  it('--format junit, and --max-errors stops early (exit 2, the report says what was not scanned)', async () => {
    const broken = path.join(dir, 'broken');
    await mkdir(broken);
    for (const name of ['1.mp4', '2.mp4', '3.mp4', '4.mp4']) await writeFile(path.join(broken, name), 'not a video\n');
    await copyFile(fixture('still.jpg'), path.join(broken, '5.jpg'));
    const junit = await runCli(base(['--format', 'junit', '--max-errors', '2', '--threshold-fake', '0', '--threshold-real', '0', broken]));
    expect(junit.code).toBe(2);
    expect(junitProblems(junit.stdout)).toEqual([]);
    const cases = parseXml(junit.stdout).children[0]!.children.filter((c) => c.name === 'testcase');
    expect(cases.map((c) => [c.attrs.name, c.children[0]?.name, c.children[0]?.attrs.type])).toEqual([
      [path.join(broken, '1.mp4'), 'error', 'UNREADABLE_MEDIA'],
      [path.join(broken, '2.mp4'), 'error', 'UNREADABLE_MEDIA'],
      ['(not scanned)', 'error', 'MAX_ERRORS'],
    ]);
    expect(junit.stderr).toContain('stopped at --max-errors: 3 files not scanned');
    const flagged = await runCli(base(['--format', 'junit', '--threshold-fake', '0', '--threshold-real', '0', fixture('still.jpg')]));
    expect(flagged.code).toBe(1);
    const failure = parseXml(flagged.stdout).children[0]!.children.find((c) => c.name === 'testcase')!.children[0]!;
    expect(failure).toMatchObject({ name: 'failure', attrs: { type: 'fake' } });
    expect(failure.attrs.message).toMatch(/^fake score [01]\.\d{3}, worst: person #0 \(1 faces, 0\.0s-0\.0s\)$/);
  });

  it('shards cover every file exactly once; merged, they equal the unsharded scan', async () => {
    const shards = path.join(dir, 'shards');
    await mkdir(shards);
    const whole = await runCli(base(['--format', 'json', '--output', path.join(shards, 'whole.json'), '--quiet', media]));
    expect(whole.code).toBe(2);
    const count = 3;
    const parts: ScanReport[] = [];
    for (let i = 1; i <= count; i++) {
      // Share 2 the Kubernetes way (JOB_COMPLETION_INDEX is 0-based), the others as a CI matrix would.
      const shardArgs = i === 2 ? ['--shard', `auto/${count}`] : ['--shard', `${i}/${count}`];
      const r = await runCli(base(['--format', 'json', '--output', path.join(shards, `shard-${i}.json`), '--quiet', ...shardArgs, media]), { env: { JOB_COMPLETION_INDEX: '1' } });
      expect([0, 2]).toContain(r.code); // 2 for the share holding corrupt.mp4; an empty share is fine (0)
      parts.push(await readReport(path.join(shards, `shard-${i}.json`)));
    }
    const wholeReport = await readReport(path.join(shards, 'whole.json'));
    const paths = parts.flatMap((p) => [...p.files, ...p.skipped].map((f) => f.path)).sort();
    expect(new Set(paths).size).toBe(paths.length); // disjoint
    expect(paths).toEqual([...wholeReport.files, ...wholeReport.skipped].map((f) => f.path).sort()); // covering
    parts.forEach((p, i) => {
      expect(p.inputs.shard).toEqual({ index: i + 1, count });
      for (const f of p.files) expect(shardOf(shardKey(path.relative(media, f.path)), count)).toBe(i + 1);
    });

    const merged = path.join(shards, 'all.json');
    const m = await runCli(['report', 'merge', ...[1, 2, 3].map((i) => path.join(shards, `shard-${i}.json`)), '--output', merged]);
    expect(m.code).toBe(2);
    const all = await readReport(merged);
    expect(essentials(all.files)).toEqual(essentials(wholeReport.files));
    expect(all.skipped).toEqual(wholeReport.skipped);
    expect(all.merged?.reports.map((r) => r.shard)).toEqual([1, 2, 3].map((index) => ({ index, count })));

    const shown = await runCli(['report', 'show', merged, '--format', 'junit']);
    expect(shown.code).toBe(2);
    expect(junitProblems(shown.stdout)).toEqual([]);
    const table = await runCli(['report', 'show', merged, '--fail-on', 'none']);
    expect(table.stdout).toMatch(/^FILE\s+VERDICT/);
    expect(table.code).toBe(2); // the corrupt file is still an error

    const other = await runCli(base(['--format', 'json', '--output', path.join(shards, 'other.json'), '--quiet', '--min-face', '10', fixture('still.jpg')]));
    expect(other.code).toBe(0);
    const mixed = await runCli(['report', 'merge', merged, path.join(shards, 'other.json')]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('[MIXED_REPORTS]');
    const allowed = await runCli(['report', 'merge', merged, path.join(shards, 'other.json'), '--allow-mixed', '--quiet']);
    expect((JSON.parse(allowed.stdout) as ScanReport).merged?.mixed).toBe(true);
  });

  it('Ctrl-C (SIGINT) stops cleanly: the journal is valid, and --resume finishes the rest', async () => {
    const clips = path.join(dir, 'clips');
    await mkdir(clips);
    // Six different files (equal copies would share one result: resuming goes by content).
    for (let i = 0; i < 6; i++) {
      execFileSync(bundledFfmpegPath, ['-loglevel', 'error', '-i', fixture(i % 2 === 0 ? 'one-face.mp4' : 'several-faces.mp4'), '-vf', `hue=h=${i * 20}`, '-c:v', 'libx264', '-preset', 'ultrafast', path.join(clips, `clip-${i}.mp4`)]);
    }
    const out = path.join(dir, 'interrupted.json');
    const journal = `${out}.journal.jsonl`;
    const args = ['scan', '--model', model, '--allow-untrained', '--frames', '6', '--format', 'json', '--output', out, clips];
    const child = spawnCli(args);
    child.stdin.end();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // Wait for the first finished file in the journal (line 2; line 1 is the header), then Ctrl-C.
    await firstJournalLine(journal, () => stderr);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain('--resume to continue');
    expect(await pathExists(out)).toBe(false); // no partial report pretending to be whole

    const lines = (await readFile(journal, 'utf8')).split('\n').filter((l) => l !== '');
    const validate = schemaValidator('scan-journal.schema.json');
    for (const line of lines) expect(validate(JSON.parse(line)), line.slice(0, 200)).toBe(true);
    const done = lines.length - 1;
    expect(done).toBeGreaterThanOrEqual(1);
    expect(done).toBeLessThan(6);

    const resumed = await runCli([...args, '--resume']);
    expect(resumed.code).toBe(0);
    const report = await readReport(out);
    expect(report.files.map((f) => path.basename(f.path))).toEqual([0, 1, 2, 3, 4, 5].map((i) => `clip-${i}.mp4`));
    expect(report.summary.resumed).toBe(done);
    expect(report.files.every((f) => f.status === 'ok')).toBe(true);
    expect(await pathExists(journal)).toBe(false);
  });

  it('SIGTERM (CI cancellation, pod eviction) stops the same way, exit 143', async () => {
    const out = path.join(dir, 'terminated.json');
    const journal = `${out}.journal.jsonl`;
    const child = spawnCli(['scan', '--model', model, '--allow-untrained', '--frames', '6', '--format', 'json', '--output', out, '--quiet', path.join(dir, 'clips')]);
    child.stdin.end();
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await firstJournalLine(journal, () => '');
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    const lines = (await readFile(journal, 'utf8')).split('\n').filter((l) => l !== '');
    const validate = schemaValidator('scan-journal.schema.json');
    for (const line of lines) expect(validate(JSON.parse(line))).toBe(true);
    expect(await pathExists(out)).toBe(false);
  });
});

async function firstJournalLine(journal: string, stderr: () => string): Promise<void> {
  for (let waited = 0; ; waited += 50) {
    const text = await readFile(journal, 'utf8').catch(() => '');
    if (text.split('\n').filter((l) => l !== '').length >= 2) return;
    if (waited > 90_000) throw new Error(`no journal line after 90 s: ${stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
