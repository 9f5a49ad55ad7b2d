import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanReport } from '../../../src/report/scan-report.js';
import { ROOT, runCli } from '../../helpers/run-cli.js';
import { expectValidAgainst } from '../../helpers/schema.js';

/**
 * The HTML report in a real browser: Debian's chromium driven by playwright-core. Skipped, with a message,
 * where no chromium is installed (`apt install chromium`, or LDF_CHROMIUM=/path/to/chromium).
 */
const CHROMIUM = process.env.LDF_CHROMIUM ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`html-report: skipped, no chromium at ${CHROMIUM} (apt install chromium, or set LDF_CHROMIUM)`);

const HOSTILE = '<img src=x onerror=alert(1)>.mp4';
const fixture = (name: string): string => path.join(ROOT, 'fixtures', name);
let dir: string;
let model: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ldf-html-'));
  model = path.join(dir, 'model');
  expect((await runCli(['model', 'init', '--out', model, '--seed', '2'])).code).toBe(0);
  await copyFile(fixture('one-face.mp4'), path.join(dir, HOSTILE));
  await copyFile(fixture('several-faces.mp4'), path.join(dir, 'several-faces.mp4'));
  await copyFile(fixture('no-face.mp4'), path.join(dir, 'no-face.mp4'));
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const media = (): string[] => [path.join(dir, HOSTILE), path.join(dir, 'several-faces.mp4'), path.join(dir, 'no-face.mp4')];
const scanArgs = ['scan', '--allow-untrained', '--frames', '4', '--min-judged-face', '0'];

interface PageFacts {
  sections: number;
  timelines: number;
  images: number;
  imagesLoaded: number;
  missing: number;
  hostileTitle: boolean;
  strayImages: number;
  firstRowsAfterSort: string[];
}

async function openInBrowser(file: string, screenshot: string): Promise<{ facts: PageFacts; consoleErrors: string[]; requests: string[]; dialogs: string[] }> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
    const consoleErrors: string[] = [];
    const requests: string[] = [];
    const dialogs: string[] = [];
    page.on('console', (m) => void (m.type() === 'error' && consoleErrors.push(m.text())));
    page.on('pageerror', (error) => consoleErrors.push(String(error)));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const url = pathToFileURL(file).href;
    page.on('request', (r) => void (r.url() !== url && !r.url().startsWith('data:') && requests.push(r.url())));
    await page.goto(url);
    // Sort by score, twice: descending order second.
    await page.click('table.sortable th:nth-child(3)');
    await page.click('table.sortable th:nth-child(3)');
    const facts = await page.evaluate((hostile: string): PageFacts => {
      const images = [...document.querySelectorAll('img')];
      return {
        sections: document.querySelectorAll('section.file').length,
        timelines: document.querySelectorAll('svg.timeline').length,
        images: images.length,
        imagesLoaded: images.filter((i) => i.complete && i.naturalWidth > 0).length,
        missing: document.querySelectorAll('.missing').length,
        hostileTitle: [...document.querySelectorAll('section.file h2')].some((h) => (h.textContent ?? '').includes(hostile)),
        strayImages: images.filter((i) => !i.src.startsWith('data:image/')).length,
        firstRowsAfterSort: [...document.querySelectorAll('table.sortable tbody tr td:nth-child(3)')].map((td) => td.textContent ?? ''),
      };
    }, HOSTILE);
    await page.screenshot({ path: screenshot, fullPage: true });
    return { facts, consoleErrors, requests, dialogs };
  } finally {
    await browser.close();
  }
}

describe.skipIf(!haveChromium)('the HTML report in chromium', () => {
  it('scan --format html: sections, timelines and crops render, no script of the file name runs, nothing is fetched', async () => {
    const page = path.join(dir, 'report.html');
    const r = await runCli([...scanArgs, '--model', model, '--format', 'html', '--output', page, ...media()]);
    expect(r.code, r.stderr).toBe(0);
    const { facts, consoleErrors, requests, dialogs } = await openInBrowser(page, path.join(dir, 'report.png'));
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([]);
    expect(dialogs).toEqual([]); // alert(1) from the file name never ran
    expect(facts.sections).toBe(3);
    expect(facts.timelines).toBeGreaterThanOrEqual(2); // one per person: one in the first clip, more in the group
    expect(facts.images).toBeGreaterThanOrEqual(4);
    expect(facts.imagesLoaded).toBe(facts.images);
    expect(facts.missing).toBe(0);
    expect(facts.strayImages).toBe(0);
    expect(facts.hostileTitle).toBe(true);
    const scores = facts.firstRowsAfterSort.map((s) => (s === '-' ? -1 : Number(s)));
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect((await stat(path.join(dir, 'report.png'))).size).toBeGreaterThan(10_000);
  }, 180_000);

  it('report show --format html --evidence DIR rebuilds the page from the JSON report and the PNG crops', async () => {
    const json = path.join(dir, 'report.json');
    const evidence = path.join(dir, 'evidence');
    const r = await runCli([...scanArgs, '--model', model, '--format', 'json', '--output', json, '--evidence', evidence, ...media()]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(await readFile(json, 'utf8')) as ScanReport;
    expectValidAgainst('scan-report.schema.json', report);
    const named = report.files.flatMap((f) => f.tracks.flatMap((t) => (t.thumbnails ?? []).map((th) => th.image)));
    expect(named.length).toBeGreaterThanOrEqual(4);
    expect((await readdir(evidence)).sort()).toEqual([...new Set(named)].sort());

    const rebuilt = path.join(dir, 'rebuilt.html');
    expect((await runCli(['report', 'show', json, '--format', 'html', '--evidence', evidence, '--output', rebuilt])).code).toBe(0);
    const withCrops = await openInBrowser(rebuilt, path.join(dir, 'rebuilt.png'));
    expect(withCrops.consoleErrors).toEqual([]);
    expect(withCrops.requests).toEqual([]);
    expect(withCrops.facts.images).toBe(named.length);
    expect(withCrops.facts.imagesLoaded).toBe(named.length);

    // The JSON alone: every section and timeline, and a placeholder where each crop would be.
    const bare = path.join(dir, 'bare.html');
    expect((await runCli(['report', 'show', json, '--format', 'html', '--output', bare])).code).toBe(0);
    const without = await openInBrowser(bare, path.join(dir, 'bare.png'));
    expect(without.facts.sections).toBe(3);
    expect(without.facts.timelines).toBe(withCrops.facts.timelines);
    expect(without.facts.images).toBe(0);
    expect(without.facts.missing).toBe(named.length);
  }, 240_000);
});
