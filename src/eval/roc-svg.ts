/**
 * A self-contained SVG plot of one or more ROC curves: white background, axes 0-1
 * with ticks, labels and a light grid, the dashed chance diagonal, one coloured
 * polyline per curve and a legend with each curve's AUC. No scripts, no external
 * fonts or images (generic `sans-serif` only), so it renders the same anywhere.
 */
import { MetricsError } from '../metrics/errors.js';

export interface RocSvgCurve {
  label: string;
  /** ROC vertices in order (e.g. `rocCurve(...).points`); only fpr and tpr are used. */
  points: readonly { fpr: number; tpr: number }[];
  /** Shown in the legend; null prints "n/a". */
  auc: number | null;
}

export interface RocSvgOptions {
  /** Title above the plot (omitted when absent). */
  title?: string;
  /** Side of the square plot area in px (default 400). */
  plotSize?: number;
  /** Stroke colours, cycled (default: Okabe-Ito colour-blind-safe palette). */
  colors?: readonly string[];
  /** Polyline simplification tolerance in px (Ramer-Douglas-Peucker; default 0.25, 0 keeps every vertex). */
  tolerancePx?: number;
}

/** Okabe-Ito palette, dark enough on white. */
export const ROC_SVG_COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'] as const;

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

function fmt(v: number): string {
  return String(Math.round(v * 100) / 100);
}

type Pt = readonly [number, number];

/** Ramer-Douglas-Peucker, iterative (ROC curves of big frame sets have 10^5+ vertices). */
function simplify(points: readonly Pt[], tolerance: number): Pt[] {
  if (points.length <= 2 || tolerance <= 0) return [...points];
  const keep = new Uint8Array(points.length);
  keep[0] = 1;
  keep[points.length - 1] = 1;
  const stack: [number, number][] = [[0, points.length - 1]];
  while (stack.length > 0) {
    const [first, last] = stack.pop() as [number, number];
    const [ax, ay] = points[first] as Pt;
    const [bx, by] = points[last] as Pt;
    const dx = bx - ax;
    const dy = by - ay;
    const len = Math.hypot(dx, dy);
    let worst = -1;
    let worstDist = tolerance;
    for (let i = first + 1; i < last; i++) {
      const [px, py] = points[i] as Pt;
      const d = len === 0 ? Math.hypot(px - ax, py - ay) : Math.abs(dy * (px - ax) - dx * (py - ay)) / len;
      if (d > worstDist) {
        worstDist = d;
        worst = i;
      }
    }
    if (worst >= 0) {
      keep[worst] = 1;
      stack.push([first, worst], [worst, last]);
    }
  }
  return points.filter((_, i) => keep[i] === 1);
}

/** Renders the ROC curve(s) as an SVG document string. */
export function renderRocSvg(curves: readonly RocSvgCurve[], options: RocSvgOptions = {}): string {
  const size = options.plotSize ?? 400;
  if (!Number.isFinite(size) || size < 100) throw new MetricsError('BAD_ARGUMENT', `renderRocSvg: plotSize ${size} < 100`);
  const colors = options.colors && options.colors.length > 0 ? options.colors : ROC_SVG_COLORS;
  const tolerance = options.tolerancePx ?? 0.25;
  const font = 'font-family="Helvetica, Arial, sans-serif"';
  const left = 64;
  const right = 24;
  const top = options.title === undefined ? 20 : 44;
  const bottom = 56;
  const width = left + size + right;
  const height = top + size + bottom;
  const x = (fpr: number): number => left + fpr * size;
  const y = (tpr: number): number => top + (1 - tpr) * size;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
  );
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  if (options.title !== undefined) {
    out.push(
      `<text x="${fmt(left + size / 2)}" y="26" text-anchor="middle" ${font} font-size="16" font-weight="bold" fill="#000000">${escapeXml(options.title)}</text>`,
    );
  }

  // Grid, ticks and tick labels.
  out.push('<g stroke="#e3e3e3" stroke-width="1">');
  for (let k = 1; k < 10; k++) {
    const v = k / 10;
    out.push(`<line x1="${fmt(x(v))}" y1="${fmt(y(0))}" x2="${fmt(x(v))}" y2="${fmt(y(1))}"/>`);
    out.push(`<line x1="${fmt(x(0))}" y1="${fmt(y(v))}" x2="${fmt(x(1))}" y2="${fmt(y(v))}"/>`);
  }
  out.push('</g>');
  out.push('<g stroke="#000000" stroke-width="1">');
  for (let k = 0; k <= 10; k += 2) {
    const v = k / 10;
    out.push(`<line x1="${fmt(x(v))}" y1="${fmt(y(0))}" x2="${fmt(x(v))}" y2="${fmt(y(0) + 5)}"/>`);
    out.push(`<line x1="${fmt(x(0) - 5)}" y1="${fmt(y(v))}" x2="${fmt(x(0))}" y2="${fmt(y(v))}"/>`);
  }
  out.push('</g>');
  out.push(`<g ${font} font-size="12" fill="#000000">`);
  for (let k = 0; k <= 10; k += 2) {
    const v = k / 10;
    const label = v.toFixed(1);
    out.push(`<text x="${fmt(x(v))}" y="${fmt(y(0) + 19)}" text-anchor="middle">${label}</text>`);
    out.push(`<text x="${fmt(x(0) - 8)}" y="${fmt(y(v) + 4)}" text-anchor="end">${label}</text>`);
  }
  out.push('</g>');
  out.push(
    `<text x="${fmt(left + size / 2)}" y="${fmt(y(0) + 44)}" text-anchor="middle" ${font} font-size="13" fill="#000000">False positive rate (real called fake)</text>`,
  );
  const yMid = top + size / 2;
  out.push(
    `<text x="18" y="${fmt(yMid)}" text-anchor="middle" transform="rotate(-90 18 ${fmt(yMid)})" ${font} font-size="13" fill="#000000">True positive rate (fakes caught)</text>`,
  );

  // Chance diagonal, then the frame on top of the grid.
  out.push(
    `<line x1="${fmt(x(0))}" y1="${fmt(y(0))}" x2="${fmt(x(1))}" y2="${fmt(y(1))}" stroke="#888888" stroke-width="1" stroke-dasharray="5 4"/>`,
  );
  out.push(
    `<rect x="${fmt(x(0))}" y="${fmt(y(1))}" width="${fmt(size)}" height="${fmt(size)}" fill="none" stroke="#000000" stroke-width="1"/>`,
  );

  // Curves.
  curves.forEach((curve, index) => {
    const pts: Pt[] = curve.points.map((p, i) => {
      if (!Number.isFinite(p.fpr) || !Number.isFinite(p.tpr) || p.fpr < 0 || p.fpr > 1 || p.tpr < 0 || p.tpr > 1) {
        throw new MetricsError('BAD_ARGUMENT', `renderRocSvg: curve "${curve.label}" point #${i} is outside [0, 1]^2`);
      }
      return [x(p.fpr), y(p.tpr)] as const;
    });
    const color = colors[index % colors.length] as string;
    const attr = simplify(pts, tolerance)
      .map(([px, py]) => `${fmt(px)},${fmt(py)}`)
      .join(' ');
    out.push(
      `<polyline points="${attr}" fill="none" stroke="${escapeXml(color)}" stroke-width="2" stroke-linejoin="round" stroke-linecap="round"/>`,
    );
  });

  // Legend, bottom right inside the plot (where a useful ROC curve never goes).
  if (curves.length > 0) {
    const rows = curves.map((c) => `${c.label} (AUC ${c.auc === null || !Number.isFinite(c.auc) ? 'n/a' : c.auc.toFixed(4)})`);
    const rowH = 18;
    const textW = Math.max(...rows.map((r) => r.length)) * 6.6;
    const boxW = Math.min(size - 16, 36 + textW + 10);
    const boxH = rows.length * rowH + 10;
    const bx = x(1) - 8 - boxW;
    const by = y(0) - 8 - boxH;
    out.push(
      `<rect x="${fmt(bx)}" y="${fmt(by)}" width="${fmt(boxW)}" height="${fmt(boxH)}" fill="#ffffff" fill-opacity="0.92" stroke="#999999" stroke-width="1"/>`,
    );
    rows.forEach((row, i) => {
      const color = colors[i % colors.length] as string;
      const ry = by + 5 + rowH * i + rowH / 2;
      out.push(
        `<line x1="${fmt(bx + 8)}" y1="${fmt(ry)}" x2="${fmt(bx + 30)}" y2="${fmt(ry)}" stroke="${escapeXml(color)}" stroke-width="3"/>`,
      );
      out.push(`<text x="${fmt(bx + 36)}" y="${fmt(ry + 4)}" ${font} font-size="12" fill="#000000">${escapeXml(row)}</text>`);
    });
  }

  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
