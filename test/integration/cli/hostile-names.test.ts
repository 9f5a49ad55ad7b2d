import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeHtml } from '../../../src/report/format-html.js';
import type { ScanReport } from '../../../src/report/scan-report.js';
import { junitProblems, parseXml, type XmlElement } from '../../helpers/junit-xml.js';
import { ROOT, runCli } from '../../helpers/run-cli.js';
import { expectValidAgainst } from '../../helpers/schema.js';

/**
 * File names are untrusted: newlines, quotes, $(...), a leading dash, markup, an escape sequence, and bytes
 * that are not UTF-8. They reach ffmpeg as arguments (never a shell), and every format shows them without
 * obeying them.
 */
const NAMES = ['new\nline.jpg', '"quo\'te".jpg', '$(touch pwned).jpg', '-dash.jpg', '<b>&amp;.jpg', 'esc\u001b[31mred.jpg'];
let dir: string;
let media: string;
let model: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ldf-names-'));
  model = path.join(dir, 'model');
  expect((await runCli(['model', 'init', '--out', model, '--seed', '4'])).code).toBe(0);
  media = path.join(dir, 'media');
  await mkdir(media);
  for (const name of NAMES) await copyFile(path.join(ROOT, 'fixtures', 'still.jpg'), path.join(media, name));
  // Latin-1 bytes: not valid UTF-8.
  await writeFile(Buffer.concat([Buffer.from(`${media}/latin`), Buffer.from([0xe9, 0xff]), Buffer.from('.jpg')]), await readFile(path.join(ROOT, 'fixtures', 'still.jpg')));
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const scan = (format: string): Promise<{ code: number | null; stdout: string; stderr: string }> =>
  runCli(['scan', '--model', model, '--allow-untrained', '--frames', '1', '--format', format, media], { cwd: dir });

describe('hostile file names', () => {
  it('JSON: every name scanned as itself, the non-UTF-8 one a named error; no shell ever ran', async () => {
    const r = await scan('json');
    expect(r.code).toBe(2); // the name that cannot be opened
    const report = JSON.parse(r.stdout) as ScanReport;
    expectValidAgainst('scan-report.schema.json', report);
    expect(report.files.map((f) => path.basename(f.path)).sort()).toEqual([...NAMES].sort());
    for (const f of report.files) expect(f.status, f.path).toBe('ok');
    expect(report.problems).toEqual([expect.objectContaining({ code: 'NAME_NOT_UTF8', severity: 'error' })]);
    expect((await readdir(dir)).some((n) => n === 'pwned')).toBe(false);
    expect((await readdir(media)).filter((n) => n === 'pwned')).toEqual([]);
    // stderr: one line per message, the control characters shown, not obeyed.
    for (const line of r.stderr.split('\n')) expect(line === '' || line.startsWith('ldf: '), JSON.stringify(line)).toBe(true);
    expect(r.stderr).not.toContain('\u001b');
  });

  it('table: one row per file, names with control characters shown escaped', async () => {
    const r = await scan('table');
    expect(r.stdout).not.toContain('\u001b[31m');
    expect(r.stdout).toContain('new\\nline.jpg');
    expect(r.stdout).toContain('esc\\x1b[31mred.jpg');
    const rows = r.stdout.split('\n').filter((l) => l.includes(media));
    expect(rows.filter((l) => / ok | too-small | real | uncertain | fake | no-face /.test(l))).toHaveLength(NAMES.length);
  });

  it('JUnit: well-formed XML whose test cases carry the exact names', async () => {
    const r = await scan('junit');
    expect(junitProblems(r.stdout)).toEqual([]);
    const names: string[] = [];
    const visit = (e: XmlElement): void => {
      if (e.name === 'testcase') names.push(e.attrs.name ?? '');
      e.children.forEach(visit);
    };
    visit(parseXml(r.stdout));
    // XML 1.0 cannot carry ESC at all: that one character becomes U+FFFD; every other name is exact.
    for (const name of NAMES) expect(names).toContain(path.join(media, name.replace('\u001b', '\ufffd')));
  });

  it('HTML: the names escaped, no markup of theirs in the page', async () => {
    const r = await scan('html');
    for (const name of NAMES) expect(r.stdout).toContain(escapeHtml(path.join(media, name)));
    expect(r.stdout).not.toContain('<b>&amp;');
  });
});
