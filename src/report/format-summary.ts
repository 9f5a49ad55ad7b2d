import type { ScanReport } from './scan-report.js';

export function formatDuration(ms: number): string {
  const s = ms / 1000;
  if (s < 10) return `${s.toFixed(1)}s`;
  if (s < 60) return `${s.toFixed(0)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.round(s - m * 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The end-of-run summary, a few lines: files per verdict, skipped and
 * resumed files; errors and folder problems per code; time and throughput;
 * an early stop.
 */
export function formatSummary(report: ScanReport): string[] {
  const s = report.summary;
  const counts = (['fake', 'uncertain', 'real', 'no-face', 'too-small', 'error'] as const)
    .filter((v) => (s.byVerdict[v] ?? 0) > 0)
    .map((v) => `${s.byVerdict[v]} ${v}`)
    .join(', ');
  let first = `${plural(s.files, 'file')}: ${counts || 'nothing scanned'}`;
  if (s.skipped > 0) first += `; ${s.skipped} skipped (not media)`;
  if (s.resumed > 0) first += `; ${s.resumed} resumed`;
  const lines = [first];
  const codes = Object.entries(s.byErrorCode);
  if (codes.length > 0) lines.push(`errors and problems: ${codes.map(([code, n]) => `${n} ${code}`).join(', ')}`);
  let time = `time ${formatDuration(s.totalMs)}`;
  if (s.throughput.filesPerMinute !== null) {
    time += `, ${s.throughput.filesPerMinute.toFixed(1)} files/min`;
    if (s.throughput.framesPerSecond !== null) time += `, ${s.throughput.framesPerSecond.toFixed(1)} frames/s`;
  }
  lines.push(`${time}; model ${report.model.id}`);
  if (report.stopped !== null) {
    const why = report.stopped.reason === 'max-errors' ? 'stopped at --max-errors' : 'interrupted';
    lines.push(`${why}: ${plural(report.stopped.unscanned, 'file')} not scanned`);
  }
  return lines;
}
