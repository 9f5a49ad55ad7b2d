/**
 * A self-contained SVG scatter plot of every scored face's fake score against its face size (frame pixels,
 * log scale; EvalItem.faceHeightsPx), real faces and forged faces in two colours, with the verdict
 * thresholds drawn and each size bin's mean score per label as a line. A model that reads resolution
 * instead of forgery shows it at a glance: real small faces high, forged large faces low.
 * No scripts, no external fonts or images.
 */
import type { EvalItem } from './eval-report.js';
import type { VerdictThresholds } from '../report/verdicts.js';
import { faceSizeTable, FACE_SIZE_EDGES_PX } from './eval-breakdown.js';

export interface SizePlotOptions {
  title?: string;
  thresholds?: VerdictThresholds;
  /** At most this many points per label are drawn (an even subsample; default 4000). */
  maxPointsPerLabel?: number;
}

const REAL = '#0072B2';
const FAKE = '#D55E00';
const W = 640;
const H = 400;
const M = { left: 56, right: 150, top: 40, bottom: 48 };
const MIN_PX = 24;
const MAX_PX = 1024;

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

const r2 = (v: number): string => String(Math.round(v * 100) / 100);

export function renderSizePlotSvg(items: readonly EvalItem[], options: SizePlotOptions = {}): string {
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const x = (px: number): number => M.left + (pw * (Math.log(Math.min(MAX_PX, Math.max(MIN_PX, px))) - Math.log(MIN_PX))) / (Math.log(MAX_PX) - Math.log(MIN_PX));
  const y = (score: number): number => M.top + ph * (1 - score);
  const points: Record<'real' | 'fake', [number, number][]> = { real: [], fake: [] };
  for (const item of items) {
    if (item.status !== 'scored' || item.faceHeightsPx === undefined) continue;
    item.frames.forEach((s, i) => {
      const h = item.faceHeightsPx![i];
      if (h !== undefined) points[item.label].push([h, s]);
    });
  }
  const cap = options.maxPointsPerLabel ?? 4000;
  const thin = (list: [number, number][]): [number, number][] => {
    if (list.length <= cap) return list;
    const step = list.length / cap;
    return Array.from({ length: cap }, (_, k) => list[Math.floor(k * step)]!);
  };
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  if (options.title !== undefined) out.push(`<text x="${M.left}" y="22" font-size="14">${escapeXml(options.title)}</text>`);
  // Grid and axes.
  for (const px of [32, 48, 64, 96, 128, 192, 256, 384, 512, 768]) {
    out.push(`<line x1="${r2(x(px))}" y1="${M.top}" x2="${r2(x(px))}" y2="${M.top + ph}" stroke="#eee"/>`);
    out.push(`<text x="${r2(x(px))}" y="${M.top + ph + 16}" text-anchor="middle">${px}</text>`);
  }
  for (let s = 0; s <= 10; s += 2) {
    const v = s / 10;
    out.push(`<line x1="${M.left}" y1="${r2(y(v))}" x2="${M.left + pw}" y2="${r2(y(v))}" stroke="#eee"/>`);
    out.push(`<text x="${M.left - 6}" y="${r2(y(v) + 4)}" text-anchor="end">${v.toFixed(1)}</text>`);
  }
  out.push(`<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#000"/>`);
  out.push(`<text x="${M.left + pw / 2}" y="${H - 10}" text-anchor="middle">face size in the frame, px (log scale)</text>`);
  out.push(`<text transform="translate(16 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">fake score</text>`);
  if (options.thresholds !== undefined) {
    for (const [name, v] of [['fake', options.thresholds.fake], ['real', options.thresholds.real]] as const) {
      out.push(`<line x1="${M.left}" y1="${r2(y(v))}" x2="${M.left + pw}" y2="${r2(y(v))}" stroke="#555" stroke-dasharray="5 4"/>`);
      out.push(`<text x="${M.left + pw + 4}" y="${r2(y(v) + 4)}" fill="#555">${name} ${v.toFixed(3)}</text>`);
    }
  }
  for (const label of ['real', 'fake'] as const) {
    const colour = label === 'real' ? REAL : FAKE;
    const pts = thin(points[label]).map(([h, s]) => `<circle cx="${r2(x(h))}" cy="${r2(y(s))}" r="1.8"/>`);
    out.push(`<g fill="${colour}" fill-opacity="0.35">${pts.join('')}</g>`);
  }
  // Mean score per size bin, per label.
  const bins = faceSizeTable(items, FACE_SIZE_EDGES_PX);
  for (const label of ['real', 'fake'] as const) {
    const colour = label === 'real' ? REAL : FAKE;
    const vertices: string[] = [];
    for (const b of bins) {
      const mean = label === 'real' ? b.meanScoreReal : b.meanScoreFake;
      if (mean === null) continue;
      const mid = b.maxPx === null ? b.minPx * 1.5 : b.minPx === 0 ? b.maxPx / 1.2 : Math.sqrt(b.minPx * b.maxPx);
      vertices.push(`${r2(x(mid))},${r2(y(mean))}`);
    }
    if (vertices.length > 0) out.push(`<polyline points="${vertices.join(' ')}" fill="none" stroke="${colour}" stroke-width="2.5"/>`);
  }
  const legend = (i: number, colour: string, text: string): string =>
    `<rect x="${M.left + pw + 10}" y="${M.top + 10 + 18 * i}" width="10" height="10" fill="${colour}"/><text x="${M.left + pw + 26}" y="${M.top + 19 + 18 * i}">${escapeXml(text)}</text>`;
  out.push(legend(0, REAL, `real faces (${points.real.length})`));
  out.push(legend(1, FAKE, `forged faces (${points.fake.length})`));
  out.push(`<text x="${M.left + pw + 10}" y="${M.top + 64}" fill="#555">lines: bin means</text>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
