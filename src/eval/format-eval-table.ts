/**
 * The human-readable eval report: one row per file (label, status, score, faces), the files left out,
 * the metrics at frame and video level side by side, and each level's confusion matrix and calibration.
 */
import type { Colorize } from '../report/format-table.js';
import type { EvalReport, MetricBlock } from './eval-report.js';

const plain: Colorize = (_kind, text) => text;

function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '').length;
}

function table(rows: string[][], rightFrom: number, colorize: Colorize): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => visibleLength(r[i] ?? ''))));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => {
        const fill = ' '.repeat(Math.max(0, widths[i]! - visibleLength(c)));
        return i >= rightFrom ? fill + c : c + fill;
      })
      .join('  ')
      .trimEnd();
  return [colorize('header', line(rows[0]!)), ...rows.slice(1).map(line)];
}

const num = (v: number | null | undefined, digits = 3): string => (v === null || v === undefined ? '-' : v.toFixed(digits));
const pct = (v: number | null | undefined): string => (v === null || v === undefined ? '-' : `${(v * 100).toFixed(1)}%`);

function metricRows(frame: MetricBlock | null, video: MetricBlock | null): string[][] {
  const both = (f: (b: MetricBlock) => string): [string, string] => [frame === null ? '-' : f(frame), video === null ? '-' : f(video)];
  return [
    ['METRIC', 'FRAME', 'VIDEO'],
    ['items (fake/real)', ...both((b) => `${b.count} (${b.positives}/${b.negatives})`)],
    ['ACC @0.5', ...both((b) => pct(b.accuracyAt05))],
    ['ACC @thresholds', ...both((b) => pct(b.accuracyAtThresholds))],
    ['AUC', ...both((b) => num(b.auc))],
    ['EER', ...both((b) => pct(b.eer?.rate))],
    ['TPR @1% FPR', ...both((b) => pct(b.tprAt1Fpr))],
    ['TPR @5% FPR', ...both((b) => pct(b.tprAt5Fpr))],
    ['ECE', ...both((b) => num(b.calibration.ece))],
  ];
}

function levelDetails(name: string, b: MetricBlock, report: EvalReport, colorize: Colorize): string[] {
  const t = report.options.thresholds;
  const m = b.confusionMatrix;
  const out = ['', colorize('header', `${name} level: confusion matrix (rows: label; columns: verdict, real < ${t.real} <= uncertain < ${t.fake} <= fake)`)];
  out.push(
    ...table(
      [
        ['', 'real', 'uncertain', 'fake'],
        ['real', String(m.real.real), String(m.real.uncertain), String(m.real.fake)],
        ['fake', String(m.fake.real), String(m.fake.uncertain), String(m.fake.fake)],
      ],
      1,
      colorize,
    ).map((l) => `  ${l}`),
  );
  if (b.rankMetricsUnavailable !== null) out.push(colorize('dim', `  ${b.rankMetricsUnavailable}`));
  out.push(colorize('header', `${name} level: calibration (ECE ${num(b.calibration.ece)})`));
  out.push(
    ...table(
      [
        ['SCORE', 'COUNT', 'MEAN SCORE', 'FRACTION FAKE'],
        ...b.calibration.bins.map((bin) => [`${bin.lower.toFixed(2)}-${bin.upper.toFixed(2)}`, String(bin.count), num(bin.meanScore), num(bin.fractionFake)]),
      ],
      1,
      colorize,
    ).map((l) => `  ${l}`),
  );
  return out;
}


/** The per-group table (AUC, false accusations) and the score-against-face-size table. */
function breakdownDetails(report: EvalReport, colorize: Colorize): string[] {
  const out: string[] = [];
  if (report.groups.length > 0) {
    out.push(colorize('header', 'video level: per data set and source (AUC of a forged-only group: against its set\'s real files)'));
    out.push(
      ...table(
        [
          ['GROUP', 'REAL', 'FAKE', 'AUC', 'REAL CALLED FAKE', 'FAKE CALLED FAKE', 'NO FACE', 'FAILED'],
          ...report.groups.map((g) => [
            g.group,
            String(g.real),
            String(g.fake),
            g.auc === null ? 'n/a' : `${num(g.auc)}${g.aucAgainst === 'set' ? '*' : ''}`,
            g.real === 0 ? '-' : `${g.realCalledFake} (${pct(g.falseAccusationRate)})`,
            g.fake === 0 ? '-' : `${g.fakeCalledFake} (${pct(g.detectionRate)})`,
            String(g.unscored),
            String(g.failed),
          ]),
        ],
        1,
        colorize,
      ).map((l) => `  ${l}`),
    );
  }
  if (report.faceSize.some((b) => b.realFaces + b.fakeFaces > 0)) {
    out.push(colorize('header', 'frame level: fake score against face size (px: the longer side of the box the crop is built on)'));
    out.push(
      ...table(
        [
          ['FACE PX', 'REAL FACES', 'MEAN REAL', 'FAKE FACES', 'MEAN FAKE', 'AUC'],
          ...report.faceSize
            .filter((b) => b.realFaces + b.fakeFaces > 0)
            .map((b) => [b.maxPx === null ? `>= ${b.minPx}` : `${b.minPx}-${b.maxPx}`, String(b.realFaces), num(b.meanScoreReal), String(b.fakeFaces), num(b.meanScoreFake), num(b.auc)]),
        ],
        1,
        colorize,
      ).map((l) => `  ${l}`),
    );
  }
  return out;
}

export function formatEvalTable(report: EvalReport, colorize: Colorize = plain): string {
  const rows = [
    ['FILE', 'LABEL', 'STATUS', 'SCORE', 'FACES'],
    ...report.items.map((i) => [
      i.path,
      i.label,
      colorize(i.status === 'error' ? 'error' : i.status === 'no-face' || i.status === 'too-small' ? 'no-face' : 'dim', i.status),
      num(i.score),
      String(i.frames.length),
    ]),
  ];
  const out = table(rows, 3, colorize);
  const leftOut = report.items.filter((i) => i.status !== 'scored');
  if (leftOut.length > 0 || report.data.problems.length > 0) {
    out.push('');
    for (const i of leftOut) {
      out.push(colorize(i.status === 'error' ? 'error' : 'no-face', i.error === null ? `${i.status}: ${i.path}: left out of the metrics` : `error: ${i.path}: ${i.error.message} [${i.error.code}]`));
    }
    for (const p of report.data.problems) out.push(colorize('error', `error: ${p.path}: ${p.message} [${p.code}]`));
  }
  out.push('');
  if (report.video === null) {
    out.push(colorize('error', 'nothing to evaluate: no file was scored'));
  } else {
    out.push(...table(metricRows(report.frame, report.video), 1, colorize));
    if (report.frame !== null) out.push(...levelDetails('frame', report.frame, report, colorize));
    out.push(...levelDetails('video', report.video, report, colorize));
    out.push(...breakdownDetails(report, colorize));
  }
  const d = report.data;
  out.push(
    '',
    `files: ${d.counts.real} real, ${d.counts.fake} fake; left out: ${d.unscored.real + d.unscored.fake} no-face or too-small, ${d.failed.real + d.failed.fake} failed` +
      `${d.problems.length > 0 ? `, ${d.problems.length} not evaluated` : ''}${d.skipped > 0 ? `; ${d.skipped} not media (skipped)` : ''}`,
  );
  return `${out.join('\n')}\n`;
}
