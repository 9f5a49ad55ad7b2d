import { formatSummary } from './format-summary.js';
import type { ScanReport } from './scan-report.js';
import type { Verdict } from './verdicts.js';
import { printable } from './printable.js';

/** Colours a cell; the CLI passes a chalk-based one, tests and NO_COLOR the identity. */
export type Colorize = (kind: Verdict | 'dim' | 'header', text: string) => string;

const plain: Colorize = (_kind, text) => text;

function formatMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(0)}s` : `${(ms / 1000).toFixed(1)}s`;
}

/** Visible width of a string without ANSI colour codes. */
function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '').length;
}

function pad(text: string, width: number, right = false): string {
  const fill = ' '.repeat(Math.max(0, width - visibleLength(text)));
  return right ? fill + text : text + fill;
}

/**
 * The human-readable result table: one row per file (verdict, score,
 * frames, faces, tracks, time), errors and folder problems as one line each,
 * and the summary (src/report/format-summary.ts).
 */
export function formatTable(report: ScanReport, colorize: Colorize = plain): string {
  const header = ['FILE', 'VERDICT', 'SCORE', 'FRAMES', 'FACES', 'TRACKS', 'TIME'];
  const rows = report.files.map((f) => [
    printable(f.path),
    colorize(f.verdict, f.verdict),
    f.scoreFake === null ? '-' : f.scoreFake.toFixed(3),
    String(f.framesSampled),
    String(f.facesDetected),
    String(f.tracks.filter((t) => t.counted).length),
    formatMs(f.timings.totalMs),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => visibleLength(r[i]!))));
  const rightAligned = new Set([2, 3, 4, 5, 6]);
  const line = (cells: string[]): string =>
    cells.map((c, i) => pad(c, widths[i]!, rightAligned.has(i))).join('  ').trimEnd();
  const out = [colorize('header', line(header)), ...rows.map(line)];

  const problems = report.files.filter((f) => f.error !== null);
  const folderProblems = report.problems;
  if (problems.length > 0 || folderProblems.length > 0) {
    out.push('');
    for (const f of problems) out.push(colorize('error', printable(`error: ${f.path}: ${f.error!.message} [${f.error!.code}]`)));
    for (const p of folderProblems) out.push(colorize(p.severity === 'error' ? 'error' : 'dim', printable(`${p.severity}: ${p.path}: ${p.message} [${p.code}]`)));
  }
  const worst = report.files.filter((f) => f.verdict === 'fake' || f.verdict === 'uncertain');
  for (const f of worst) {
    const track = f.tracks.find((t) => t.id === f.worstTrackId);
    if (track !== undefined) {
      out.push(
        colorize(
          'dim',
          `${printable(f.path)}: person #${track.id} (${track.faceCount} faces, ${(track.firstTimestampMs / 1000).toFixed(1)}s-${(track.lastTimestampMs / 1000).toFixed(1)}s) scored ${track.scoreFake.toFixed(3)}`,
        ),
      );
    }
  }
  out.push('', ...formatSummary(report));
  return `${out.join('\n')}\n`;
}
