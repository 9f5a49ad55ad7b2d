import { execFileSync, spawnSync } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveFfmpegBinaries } from '../../../src/video/ffmpeg-binaries.js';
import type { ScanReport } from '../../../src/report/scan-report.js';
import { ROOT, runCli } from '../../helpers/run-cli.js';
import { expectValidAgainst } from '../../helpers/schema.js';

const fixture = (name: string): string => path.join(ROOT, 'fixtures', name);
let dir: string;
let model: string;
let ffmpeg: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ldf-scan-'));
  model = path.join(dir, 'model');
  expect((await runCli(['model', 'init', '--out', model, '--seed', '1'])).code).toBe(0);
  ffmpeg = (await resolveFfmpegBinaries()).ffmpeg.path;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const scanJson = async (args: string[]): Promise<{ code: number | null; report: ScanReport; stderr: string }> => {
  const r = await runCli(['scan', '--model', model, '--allow-untrained', '--format', 'json', ...args]);
  const report = JSON.parse(r.stdout) as ScanReport;
  expectValidAgainst('scan-report.schema.json', report);
  return { code: r.code, report, stderr: r.stderr };
};

describe('ldf scan', () => {
  it('refuses an untrained model without the testing flag', async () => {
    const r = await runCli(['scan', '--model', model, fixture('still.jpg')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('MODEL_UNTRAINED');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('scans the fixtures end to end: faces, tracks, rotation, stills, errors; JSON valid against the schema', async () => {
    const { code, report, stderr } = await scanJson([
      '--frames', '6',
      fixture('one-face.mp4'),
      fixture('several-faces.mp4'),
      fixture('no-face.mp4'),
      fixture('rotated.mp4'),
      fixture('corrupt.mp4'),
      fixture('still.jpg'),
    ]);
    expect(code).toBe(2); // corrupt.mp4 failed: an error outranks findings
    const byName = Object.fromEntries(report.files.map((f) => [path.basename(f.path), f]));
    expect(report.files.map((f) => path.basename(f.path))).toEqual([
      'one-face.mp4', 'several-faces.mp4', 'no-face.mp4', 'rotated.mp4', 'corrupt.mp4', 'still.jpg',
    ]);

    const one = byName['one-face.mp4']!;
    expect(one.status).toBe('ok');
    expect(one.framesSampled).toBe(6);
    expect(one.facesDetected).toBe(6);
    expect(one.tracks).toHaveLength(1);
    expect(one.tracks[0]!.faces.map((f) => f.frameIndex)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(one.scoreFake).toBe(one.tracks[0]!.scoreFake);
    expect(['real', 'uncertain', 'fake']).toContain(one.verdict);
    expect(one.sha256).toMatch(/^[0-9a-f]{64}$/);
    const times = one.tracks[0]!.faces.map((f) => f.timestampMs);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    // decode auto: the first sample (at 1/12 of the clip) takes the key frame at 0 ms, its real timestamp;
    // the clip has no other key frame, so the other five are exact frames.
    expect(times[0]).toBeGreaterThanOrEqual(0);
    expect(times.at(-1)).toBeLessThan(2000);
    expect(one.decode).toEqual({ mode: 'auto', keyframeFrames: 1, exactFrames: 5 });
    expect(new Set(times).size).toBe(times.length);

    const several = byName['several-faces.mp4']!;
    expect(several.tracks.filter((t) => t.counted)).toHaveLength(3);
    expect(several.tracks.every((t) => t.faceCount === 6)).toBe(true);

    const none = byName['no-face.mp4']!;
    expect(none.verdict).toBe('no-face');
    expect(none.scoreFake).toBeNull();
    expect(none.framesSampled).toBe(6);

    const rotated = byName['rotated.mp4']!;
    expect(rotated.media).toMatchObject({ width: 240, height: 320, rotationDeg: 90 });
    expect(rotated.facesDetected).toBe(6);
    // Frames reach the detector upright (a face lying on its side is not found at all) and
    // boxes are in displayed-frame coordinates.
    const box = rotated.tracks[0]!.faces[0]!.box;
    expect(box.x + box.width).toBeLessThanOrEqual(240);
    expect(box.y + box.height).toBeLessThanOrEqual(320);

    const corrupt = byName['corrupt.mp4']!;
    expect(corrupt).toMatchObject({ status: 'error', verdict: 'error', scoreFake: null });
    expect(corrupt.error!.message.length).toBeGreaterThan(0);
    expect(stderr).toContain(`${fixture('corrupt.mp4')}: `);

    const still = byName['still.jpg']!;
    expect(still.media!.isStillImage).toBe(true);
    expect(still.framesSampled).toBe(1);
    expect(still.tracks).toHaveLength(1);
    expect(still.tracks[0]!.counted).toBe(true); // min-track-faces is capped at the frames sampled

    expect(report.summary.byVerdict.error).toBe(1);
    expect(report.summary.byVerdict['no-face']).toBe(1);
    expect(report.model.trained).toBe(false);
    expect(report.options.sampling).toMatchObject({ mode: 'count', frames: 6 });
  });

  it('calls a truncated file damaged (DAMAGED_MEDIA, exit 2), with where its frames end, distinct frames, and no verdict', async () => {
    // fixtures/truncated.mp4: a 6 s clip with its index first, cut in half (scripts/make-fixtures.ts).
    for (const decode of ['auto', 'exact']) {
      const { code, report, stderr } = await scanJson(['--frames', '12', '--decode', decode, '--min-judged-face', '0', fixture('truncated.mp4')]);
      expect(code, decode).toBe(2);
      const [file] = report.files;
      expect(file).toMatchObject({ status: 'error', verdict: 'error', scoreFake: null, worstTrackId: null, error: { code: 'DAMAGED_MEDIA' } });
      expect(file!.damage).toMatchObject({ truncated: true, declaredDurationMs: 6000, samplesPlanned: 12 });
      expect(file!.damage!.decodedUntilMs).toBeGreaterThan(1000);
      expect(file!.damage!.decodedUntilMs).toBeLessThan(4000);
      expect(file!.damage!.samplesMissing + file!.framesSampled).toBe(12);
      expect(file!.damage!.missingTimestampsMs.every((t) => t > file!.damage!.decodedUntilMs!)).toBe(true);
      // What was decoded is kept for the record: distinct frames, none past the end of the data.
      const times = file!.tracks.flatMap((t) => t.faces.map((f) => f.timestampMs));
      expect(times.length).toBeGreaterThan(0);
      expect(new Set(times).size).toBe(times.length);
      expect(Math.max(...times)).toBeLessThanOrEqual(file!.damage!.decodedUntilMs!);
      expect(report.summary.byErrorCode).toMatchObject({ DAMAGED_MEDIA: 1 });
      const lines = stderr.split('\n').filter((l) => l.includes(fixture('truncated.mp4')));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/frames end at \d+\.\d\d s of 6\.00 s declared.*\[DAMAGED_MEDIA\]/);
    }
    // The same clip with its index last (as most encoders write it), cut in half: no index is left.
    const indexLast = path.join(dir, 'index-last.mp4');
    execFileSync(ffmpeg, ['-loglevel', 'error', '-i', fixture('one-face.mp4'), '-c', 'copy', '-movflags', '-faststart', indexLast]);
    const cut = path.join(dir, 'index-last-cut.mp4');
    const whole = await readFile(indexLast);
    await writeFile(cut, whole.subarray(0, Math.floor(whole.length / 2)));
    const { code, report } = await scanJson(['--frames', '4', cut]);
    expect(code).toBe(2);
    expect(report.files[0]).toMatchObject({ status: 'error', verdict: 'error', scoreFake: null, error: { code: 'UNREADABLE_MEDIA' } });
  }, 240_000);

  it('calls a file whose data the decoder finds corrupt damaged, even though ffmpeg concealed it into whole frames', async () => {
    // several-faces.mp4 with 1500 bytes of its frame data zeroed at 60 %: every sample still decodes.
    const whole = await readFile(fixture('several-faces.mp4'));
    const zeroed = Buffer.from(whole);
    zeroed.fill(0, Math.floor(whole.length * 0.6), Math.floor(whole.length * 0.6) + 1500);
    const file = path.join(dir, 'zeroed.mp4');
    await writeFile(file, zeroed);
    const { code, report } = await scanJson(['--frames', '8', file, fixture('several-faces.mp4')]);
    expect(code).toBe(2);
    const [damaged, clean] = report.files;
    expect(damaged).toMatchObject({ status: 'error', verdict: 'error', scoreFake: null, error: { code: 'DAMAGED_MEDIA' }, damage: { samplesMissing: 0, truncated: false } });
    expect(damaged!.damage!.decodeErrors).toBeGreaterThan(0);
    expect(damaged!.error!.message).toContain('the decoder reported');
    expect(clean).toMatchObject({ status: 'ok', error: null });
    expect(clean!.damage).toBeUndefined();
  });

  it('never lets a playlist make ffmpeg open another file or the network (HLS, also disguised as .mp4)', async () => {
    const secret = path.join(dir, 'secret.ts');
    execFileSync(ffmpeg, ['-loglevel', 'error', '-i', fixture('one-face.mp4'), '-c', 'copy', '-f', 'mpegts', secret]);
    const playlist = (segment: string): string => `#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\n${segment}\n#EXT-X-ENDLIST\n`;
    const local = path.join(dir, 'local.m3u8');
    await writeFile(local, playlist(secret));
    const disguised = path.join(dir, 'playlist.mp4');
    await writeFile(disguised, playlist(secret));
    const network = path.join(dir, 'network.m3u8');
    await writeFile(network, playlist('http://127.0.0.1:9/segment.ts'));
    // The control: this ffprobe, left to itself, follows the playlist to the segment.
    const ffprobe = (await resolveFfmpegBinaries()).ffprobe.path;
    const followed = spawnSync(ffprobe, ['-v', 'info', '-show_entries', 'format=format_name', `file:${local}`], { encoding: 'utf8' });
    expect(`${followed.stdout}${followed.stderr}`).toContain(`${secret}' for reading`);

    const { code, report } = await scanJson(['--frames', '2', local, disguised, network]);
    expect(code).toBe(2);
    expect(report.files.map((f) => [path.basename(f.path), f.status, f.error?.code])).toEqual([
      ['local.m3u8', 'error', 'UNREADABLE_MEDIA'],
      ['playlist.mp4', 'error', 'UNREADABLE_MEDIA'],
      ['network.m3u8', 'error', 'UNREADABLE_MEDIA'],
    ]);
  });

  it('records the ffmpeg and ffprobe that decoded the files, and warns once when they are the bundled 2018 build', async () => {
    const binaries = await resolveFfmpegBinaries();
    const asFound = await scanJson(['--frames', '2', fixture('still.jpg'), fixture('one-face.mp4')]);
    expect(asFound.report.decoder).toMatchObject({
      ffmpeg: { path: binaries.ffmpeg.path, source: binaries.ffmpeg.source, version: expect.stringMatching(/\S/) },
      ffprobe: { path: binaries.ffprobe.path, source: binaries.ffprobe.source, version: expect.stringMatching(/\S/) },
    });
    const warnings = asFound.stderr.split('\n').filter((l) => l.includes('bundled ffmpeg'));
    const bundled = binaries.ffmpeg.source === 'bundled' || binaries.ffprobe.source === 'bundled';
    expect(warnings).toHaveLength(bundled ? 1 : 0);
    if (bundled) expect(warnings[0]).toContain('FFMPEG_PATH');
    // Named explicitly, the same binaries are the user's choice: recorded as such, no warning.
    const chosen = await scanJson(['--frames', '2', '--ffmpeg-path', binaries.ffmpeg.path, '--ffprobe-path', binaries.ffprobe.path, fixture('still.jpg')]);
    expect(chosen.report.decoder).toMatchObject({ ffmpeg: { source: 'option' }, ffprobe: { source: 'option' } });
    expect(chosen.stderr).not.toContain('bundled ffmpeg');
  });

  it('reports each bad input in one line naming the file, and scans the rest', async () => {
    const missing = path.join(dir, 'missing.mp4');
    const empty = path.join(dir, 'empty.mp4');
    await writeFile(empty, '');
    const text = path.join(dir, 'notes.mp4');
    await writeFile(text, 'this is not a video\n'.repeat(50));
    const audio = path.join(dir, 'audio only.m4a');
    execFileSync(ffmpeg, ['-loglevel', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'aac', audio]);
    const oneFrame = path.join(dir, 'one frame.mp4');
    execFileSync(ffmpeg, ['-loglevel', 'error', '-i', fixture('still.jpg'), '-frames:v', '1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', oneFrame]);
    const big = path.join(dir, '8k.png');
    execFileSync(ffmpeg, ['-loglevel', 'error', '-f', 'lavfi', '-i', 'color=c=gray:size=7680x4320', '-frames:v', '1', big]);
    const odd = path.join(dir, '-dash ünïcode clip.mp4');
    await copyFile(fixture('one-face.mp4'), odd);

    const { code, report, stderr } = await scanJson(['--frames', '2', '--', missing, empty, text, audio, oneFrame, big, odd]);
    expect(code).toBe(2);
    const byPath = Object.fromEntries(report.files.map((f) => [f.path, f]));
    expect(byPath[missing]!.error!.code).toBe('FILE_NOT_FOUND');
    expect(byPath[empty]!.error!.code).toBe('EMPTY_FILE');
    expect(byPath[text]!.error!.code).toBe('UNREADABLE_MEDIA');
    expect(byPath[audio]!.error!.code).toBe('NO_VIDEO_STREAM');
    expect(byPath[oneFrame]!).toMatchObject({ status: 'ok', framesSampled: 1, facesDetected: 1 });
    expect(byPath[big]!).toMatchObject({ status: 'ok', verdict: 'no-face' });
    expect(byPath[big]!.media).toMatchObject({ width: 1920, height: 1080 });
    expect(byPath[odd]!).toMatchObject({ status: 'ok', facesDetected: 2 });
    // One line per failed file, ending in its code (the summary lines at the end name no file).
    const errorLines = stderr.trim().split('\n').filter((l) => /\[[A-Z_]+\]$/.test(l));
    expect(errorLines).toHaveLength(4);
    for (const [i, file] of [missing, empty, text, audio].entries()) {
      expect(errorLines[i]).toContain(file);
      expect(errorLines[i]).not.toMatch(/\n|at .*\(/);
    }
  });

  it('sets the exit code from --fail-on and the thresholds; 3 when there is nothing to scan', async () => {
    const all = ['--frames', '2', '--threshold-real', '0', '--threshold-fake', '0', fixture('still.jpg')];
    expect((await scanJson(all)).code).toBe(1); // every score is >= 0: fake
    expect((await scanJson([...all, '--fail-on', 'none'])).code).toBe(0);
    const band = ['--frames', '2', '--threshold-real', '0', '--threshold-fake', '1', fixture('still.jpg')];
    expect((await scanJson(band)).code).toBe(0); // uncertain does not reach --fail-on fake
    expect((await scanJson([...band, '--fail-on', 'uncertain'])).code).toBe(1);
    expect((await scanJson(['--frames', '2', fixture('no-face.mp4')])).code).toBe(0);
    const nothing = await runCli(['scan', '--model', model, '--allow-untrained']);
    expect(nothing.code).toBe(3);
  });

  it('writes --output, stays silent with --quiet, and prints a table by default', async () => {
    const out = path.join(dir, 'report.json');
    const quiet = await runCli(['scan', '--model', model, '--allow-untrained', '--quiet', '--frames', '2', '--format', 'json', '--output', out, fixture('still.jpg'), path.join(dir, 'nope.mp4')]);
    expect(quiet.code).toBe(2);
    expect(quiet.stdout).toBe('');
    expect(quiet.stderr).toBe('');
    expectValidAgainst('scan-report.schema.json', JSON.parse(await readFile(out, 'utf8')));

    const table = await runCli(['scan', '--model', model, '--allow-untrained', '--frames', '2', fixture('still.jpg'), fixture('no-face.mp4')]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^FILE\s+VERDICT\s+SCORE\s+FRAMES\s+FACES\s+TRACKS\s+TIME/);
    expect(table.stdout).toContain('no-face');
    // eslint-disable-next-line no-control-regex
    expect(table.stdout).not.toMatch(/\u001b\[/); // NO_COLOR / not a TTY: no colour codes
  });

  it('refuses a damaged model folder with one clear line', async () => {
    const damaged = path.join(dir, 'damaged');
    expect((await runCli(['model', 'init', '--out', damaged, '--variant', 'basenet'])).code).toBe(0);
    await writeFile(path.join(damaged, 'weights.bin'), 'garbage');
    const r = await runCli(['scan', '--model', damaged, '--allow-untrained', fixture('still.jpg')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('WEIGHTS_SIZE_MISMATCH');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
