import { createHash } from 'node:crypto';
import type { FileResult, ScanReport, Thumbnail, TrackResult } from './scan-report.js';
import { VERDICTS, type VerdictThresholds } from './verdicts.js';

/**
 * `--format html`: one self-contained page for a scan report. Inline CSS and SVG, face crops as data URIs,
 * no fonts, scripts or images from anywhere else; a Content-Security-Policy allows the page's own style and
 * its one small sorting script (by hash), images from data: only, and nothing else. Every string that came
 * from a file (names, paths, metadata, error messages) is escaped.
 *
 * Thumbnails are the crops LDFnet scored (TrackResult.thumbnails). `image(name)` returns a crop's picture
 * (from the scan in memory, or from an --evidence folder); without it the page says the crop is missing.
 */
export interface HtmlOptions {
  /** A crop's picture for the page (downscaled as the caller sees fit), by its evidence file name. */
  image?: (name: string) => HtmlImage | null | undefined;
}

export interface HtmlImage {
  mimeType: 'image/png' | 'image/jpeg';
  data: Buffer;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1b1f24;background:#f6f7f9}
header,main{max-width:1100px;margin:0 auto;padding:12px 20px}
header{background:#fff;border-bottom:1px solid #d8dde3;max-width:none}
h1{font-size:20px;margin:8px 0}h2{font-size:17px;margin:18px 0 8px}h3{font-size:15px;margin:12px 0 6px}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border:1px solid #d8dde3;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef1f4}th.sort{cursor:pointer}td.num{text-align:right;font-variant-numeric:tabular-nums}
.file{background:#fff;border:1px solid #d8dde3;border-radius:6px;margin:16px 0;padding:8px 16px}
.verdict{display:inline-block;border-radius:4px;padding:1px 8px;font-weight:600;color:#fff}
.v-real{background:#2e7d32}.v-uncertain{background:#b26a00}.v-fake{background:#c62828}.v-no-face,.v-too-small{background:#607080}.v-error{background:#6a1b9a}
.counts span{margin-right:14px}.why{margin:6px 0;padding:6px 10px;background:#f0f3f6;border-left:4px solid #8896a5}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:6px 0}dt{color:#56606b}dd{margin:0;word-break:break-all}
.person{border-top:1px dashed #d8dde3;margin-top:10px;padding-top:6px}
.thumbs{display:flex;flex-wrap:wrap;gap:10px}.thumbs figure{margin:0;text-align:center;font-size:12px}
.thumbs img{width:128px;height:128px;border:1px solid #ccd;image-rendering:auto}.missing{width:128px;height:128px;display:flex;align-items:center;justify-content:center;border:1px dashed #aab;color:#778;font-size:11px}
svg text{font-size:10px;fill:#56606b}
@media print{.file{break-inside:avoid}body{background:#fff}}
`;

/** Sorts the summary table by the clicked column (data-key on each cell, numbers numerically). */
const SCRIPT = `
document.querySelectorAll('table.sortable th.sort').forEach(function (th, col) {
  th.addEventListener('click', function () {
    var body = th.closest('table').tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
    th.parentNode.querySelectorAll('th').forEach(function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
    var key = function (row) { var v = row.cells[th.cellIndex].getAttribute('data-key'); var n = Number(v); return v !== '' && !isNaN(n) ? n : v; };
    rows.sort(function (a, b) { var x = key(a), y = key(b); return (x > y ? 1 : x < y ? -1 : 0) * dir; });
    rows.forEach(function (r) { body.appendChild(r); });
  });
});
`;

const sha256Base64 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('base64');
/** The page's Content-Security-Policy: its own style and script by hash, data: images, nothing else. */
export const HTML_CSP = `default-src 'none'; img-src data:; style-src 'sha256-${sha256Base64(STYLE)}'; script-src 'sha256-${sha256Base64(SCRIPT)}'; base-uri 'none'; form-action 'none'`;

/** Escapes text for HTML content and double- or single-quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const e = (value: unknown): string => escapeHtml(String(value));
const score = (value: number | null): string => (value === null ? '-' : value.toFixed(3));
const seconds = (ms: number | null): string => (ms === null ? '-' : `${(ms / 1000).toFixed(2)} s`);

export function formatHtml(report: ScanReport, options: HtmlOptions = {}): string {
  const thresholds = report.options.thresholds;
  const files = report.files.map((f, i) => fileSection(f, i, report, options)).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${e(HTML_CSP)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="ldf ${e(report.tool.version)}">
<title>ldf scan report: ${e(report.summary.files)} file(s), ${e(report.createdAt)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>ldf scan report</h1>
<dl>
<dt>created</dt><dd>${e(report.createdAt)} by ldf ${e(report.tool.version)}</dd>
<dt>model</dt><dd>${e(report.model.id)} ${e(report.model.version)}${report.model.trained ? '' : ' <strong>(untrained: scores mean nothing)</strong>'}; weights sha256 ${report.model.weightsSha256.map(e).join(', ')}</dd>
<dt>bands</dt><dd>real below ${e(thresholds.real)}, fake at ${e(thresholds.fake)} or above, uncertain between</dd>
<dt>decoder</dt><dd>${decoderText(report)}</dd>
<dt>sampling</dt><dd>${e(samplingText(report))}</dd>
</dl>
</header>
<main>
${summarySection(report)}
${files}
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

function decoderText(report: ScanReport): string {
  const d = report.decoder;
  if (d === undefined || d === null) return 'not recorded';
  return [d.ffmpeg, d.ffprobe].map((b, i) => `${i === 0 ? 'ffmpeg' : 'ffprobe'} ${e(b.version ?? '?')} (${e(b.source)}: ${e(b.path)})`).join('; ');
}

function samplingText(report: ScanReport): string {
  const s = report.options.sampling;
  const how = s.mode === 'count' ? `${s.frames} frames` : s.mode === 'every' ? `every ${s.intervalMs} ms` : s.mode === 'fps' ? `${s.fps} fps` : 'key frames';
  const judged = (report.options.minJudgedFacePx ?? 0) > 0 ? `faces under ${report.options.minJudgedFacePx} px not judged` : 'every face judged';
  return `${how}; detector ${report.options.detector?.name ?? 'ssd'}; aggregate ${report.options.aggregate}; ${judged}`;
}

function summarySection(report: ScanReport): string {
  const s = report.summary;
  const verdicts = VERDICTS.filter((v) => s.byVerdict[v] > 0)
    .map((v) => `<span><span class="verdict v-${v}">${v}</span> ${s.byVerdict[v]}</span>`)
    .join('');
  const codes = Object.entries(s.byErrorCode).map(([code, n]) => `<span>${e(code)} ${n}</span>`).join('');
  const rows = report.files
    .map((f, i) => {
      const faces = f.tracks.reduce((n, t) => n + t.faceCount, 0);
      return `<tr><td data-key="${e(f.path)}"><a href="#file-${i}">${e(f.path)}</a></td><td data-key="${VERDICTS.indexOf(f.verdict)}"><span class="verdict v-${f.verdict}">${f.verdict}</span></td><td class="num" data-key="${f.scoreFake ?? -1}">${score(f.scoreFake)}</td><td class="num" data-key="${f.tracks.length}">${f.tracks.length}</td><td class="num" data-key="${faces}">${faces}</td><td data-key="${e(f.error?.code ?? '')}">${e(f.error?.code ?? '')}</td></tr>`;
    })
    .join('\n');
  return `<section id="summary">
<h2>Summary: ${s.files} file(s)${s.skipped > 0 ? `, ${s.skipped} skipped (not media)` : ''}${report.stopped === null ? '' : `, stopped early (${e(report.stopped.reason)}, ${report.stopped.unscanned} not scanned)`}</h2>
<p class="counts">${verdicts}</p>
${codes === '' ? '' : `<p class="counts">errors and problems: ${codes}</p>`}
<table class="sortable"><thead><tr><th class="sort">file</th><th class="sort">verdict</th><th class="sort">score</th><th class="sort">people</th><th class="sort">faces</th><th class="sort">error</th></tr></thead>
<tbody>
${rows}
</tbody></table>
</section>`;
}

function fileSection(f: FileResult, index: number, report: ScanReport, options: HtmlOptions): string {
  const thresholds = report.options.thresholds;
  const m = f.media;
  const media =
    m === null
      ? 'not read'
      : `${m.isStillImage ? 'still image' : 'video'}, ${e(m.container)} / ${e(m.codec ?? '?')}, ${m.width}x${m.height}${m.isStillImage ? '' : `, ${seconds(m.durationMs)}, ${m.frameRate === null ? '?' : m.frameRate.toFixed(2)} fps${m.variableFrameRate ? ' (variable)' : ''}`}${m.rotationDeg !== 0 ? `, rotated ${m.rotationDeg} deg` : ''}${m.bitDepth !== null && m.bitDepth > 8 ? `, ${m.bitDepth}-bit` : ''}${m.hdr ? ', HDR' : ''}`;
  const people = [...f.tracks]
    .sort((a, b) => (a.id === f.worstTrackId ? -1 : b.id === f.worstTrackId ? 1 : b.scoreFake - a.scoreFake))
    .map((t) => personSection(t, f, index, thresholds, options))
    .join('\n');
  return `<section class="file" id="file-${index}">
<h2><span class="verdict v-${f.verdict}">${f.verdict}</span> ${e(f.path)}</h2>
${f.scoreFake === null ? '' : scoreBar(f.scoreFake, thresholds)}
<p class="why"><strong>Why:</strong> ${whyText(f, report)}</p>
<dl>
<dt>score</dt><dd>${score(f.scoreFake)}</dd>
<dt>media</dt><dd>${media}</dd>
<dt>sha256</dt><dd>${e(f.sha256 ?? 'not computed')}</dd>
<dt>size</dt><dd>${f.sizeBytes === null ? '-' : `${f.sizeBytes} bytes`}</dd>
<dt>frames</dt><dd>${f.framesSampled} sampled${f.decode === undefined ? '' : ` (${f.decode.keyframeFrames} key frames, ${f.decode.exactFrames} exact)`}, ${f.facesDetected} face(s) found${f.facesTooSmall === undefined || f.facesTooSmall === 0 ? '' : `, ${f.facesTooSmall} too small to judge`}</dd>
<dt>model</dt><dd>${e(report.model.id)}, weights sha256 ${report.model.weightsSha256.map(e).join(', ')}</dd>
<dt>tool</dt><dd>ldf ${e(report.tool.version)}; ${decoderText(report)}</dd>
</dl>
${people === '' ? '' : `<h3>People (${f.tracks.length})</h3>\n${people}`}
</section>`;
}

function whyText(f: FileResult, report: ScanReport): string {
  if (f.status === 'error') {
    const d = f.damage;
    const damage = d === undefined ? '' : ` The file was not decoded whole: ${d.samplesMissing} sampled time(s) without a frame${d.decodedUntilMs === null ? '' : `; frames end at ${seconds(d.decodedUntilMs)} of ${seconds(d.declaredDurationMs)}`}. The faces below were decoded before the damage and are shown for the record only.`;
    return `error <code>${e(f.error?.code ?? '')}</code>: ${e(f.error?.message ?? '')}. No verdict.${damage}`;
  }
  if (f.verdict === 'no-face') return `no usable face in ${f.framesSampled} sampled frame(s): no verdict.`;
  if (f.verdict === 'too-small') return `${f.facesTooSmall ?? f.facesDetected} face(s) found, all smaller than the ${report.options.minJudgedFacePx ?? 0} px the model judges: no verdict.`;
  const worst = f.tracks.find((t) => t.id === f.worstTrackId);
  if (worst === undefined) return e(f.verdict);
  const counted = f.tracks.filter((t) => t.counted).length;
  return `person #${worst.id} decided: the highest score (${score(worst.scoreFake)}, ${e(report.options.aggregate)} of ${worst.faceCount} face(s), ${seconds(worst.firstTimestampMs)} to ${seconds(worst.lastTimestampMs)}) among ${counted} counted person(s); a file is as fake as its most suspicious person.`;
}

function personSection(t: TrackResult, f: FileResult, fileIndex: number, thresholds: VerdictThresholds, options: HtmlOptions): string {
  const decided = t.id === f.worstTrackId ? ' <strong>(decided the verdict)</strong>' : '';
  return `<div class="person" id="file-${fileIndex}-person-${t.id}">
<p><span class="verdict v-${t.verdict}">${t.verdict}</span> person #${t.id}: score ${score(t.scoreFake)}, ${t.faceCount} face(s) from ${seconds(t.firstTimestampMs)} to ${seconds(t.lastTimestampMs)}${t.counted ? '' : ' (too few faces to count)'}${decided}</p>
${timeline(t, f, thresholds)}
${thumbnails(t.thumbnails ?? [], options)}
</div>`;
}

/** Face scores over time with the bands behind them. */
function timeline(t: TrackResult, f: FileResult, thresholds: VerdictThresholds): string {
  const width = 640;
  const height = 120;
  const left = 34;
  const right = 8;
  const top = 6;
  const bottom = 20;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const endMs = Math.max(f.media?.durationMs ?? 0, ...t.faces.map((x) => x.timestampMs), 1);
  const x = (ms: number): number => left + (ms / endMs) * plotW;
  const y = (s: number): number => top + (1 - s) * plotH;
  const band = (from: number, to: number, color: string): string =>
    `<rect x="${left}" y="${y(to).toFixed(1)}" width="${plotW}" height="${(y(from) - y(to)).toFixed(1)}" fill="${color}"/>`;
  const faces = [...t.faces].sort((a, b) => a.timestampMs - b.timestampMs);
  const points = faces.map((face) => `${x(face.timestampMs).toFixed(1)},${y(face.scoreFake).toFixed(1)}`).join(' ');
  const dots = faces
    .map((face) => `<circle cx="${x(face.timestampMs).toFixed(1)}" cy="${y(face.scoreFake).toFixed(1)}" r="3" fill="#1b1f24"><title>${seconds(face.timestampMs)}: ${score(face.scoreFake)}</title></circle>`)
    .join('');
  return `<svg class="timeline" role="img" aria-label="face score over time, person ${t.id}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
${band(0, thresholds.real, '#e3f1e4')}${band(thresholds.real, thresholds.fake, '#fbf0dc')}${band(thresholds.fake, 1, '#f8e0e0')}
<text x="2" y="${y(1) + 8}">1</text><text x="2" y="${y(thresholds.fake) + 4}">${thresholds.fake.toFixed(2)}</text><text x="2" y="${y(thresholds.real) + 4}">${thresholds.real.toFixed(2)}</text>${thresholds.real > 0.15 ? `<text x="2" y="${y(0)}">0</text>` : ''}
<text x="${left}" y="${height - 4}">0 s</text><text x="${width - right - 40}" y="${height - 4}">${seconds(endMs)}</text>
<polyline points="${points}" fill="none" stroke="#1b1f24" stroke-width="1"/>${dots}
</svg>`;
}

function scoreBar(value: number, thresholds: VerdictThresholds): string {
  const width = 320;
  const px = (s: number): number => s * width;
  return `<svg class="score" role="img" aria-label="file score ${score(value)} against the bands" width="${width}" height="22" viewBox="0 0 ${width} 22">
<rect x="0" y="4" width="${px(thresholds.real).toFixed(1)}" height="12" fill="#a5d6a7"/><rect x="${px(thresholds.real).toFixed(1)}" y="4" width="${px(thresholds.fake - thresholds.real).toFixed(1)}" height="12" fill="#ffe0a3"/><rect x="${px(thresholds.fake).toFixed(1)}" y="4" width="${px(1 - thresholds.fake).toFixed(1)}" height="12" fill="#ef9a9a"/>
<rect x="${Math.max(0, px(value) - 1.5).toFixed(1)}" y="0" width="3" height="20" fill="#1b1f24"/>
</svg>`;
}

function thumbnails(list: readonly Thumbnail[], options: HtmlOptions): string {
  if (list.length === 0) return '';
  const figure = (th: Thumbnail): string => {
    const picture0 = options.image?.(th.image);
    const caption = `${th.rank === 'highest' ? 'highest' : 'lowest'}: ${score(th.scoreFake)} at ${seconds(th.timestampMs)}`;
    const picture =
      picture0 === undefined || picture0 === null
        ? `<div class="missing">crop ${e(th.image)} not available</div>`
        : `<img alt="face crop at ${seconds(th.timestampMs)}, score ${score(th.scoreFake)}" src="data:${picture0.mimeType};base64,${picture0.data.toString('base64')}">`;
    return `<figure>${picture}<figcaption>${caption}</figcaption></figure>`;
  };
  return `<div class="thumbs">${list.map(figure).join('')}</div>`;
}
