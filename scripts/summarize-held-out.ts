/**
 * Prints the held-out table of one or more evaluations made by scripts/evaluate-held-out.sh, one row per
 * candidate, the data sets as columns: video-level AUC (and, with --thresholds real,fake, the share of
 * real files called fake at those thresholds), then the per-source AUCs of each set.
 *
 *   node --import tsx scripts/summarize-held-out.ts v2=../eval-v2 v3-e2=../eval-v3-e2 [--thresholds 0.1,0.56]
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { groupMetrics } from '../src/eval/eval-breakdown.js';
import type { EvalReport } from '../src/eval/eval-report.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { thresholds: { type: 'string' } } });
const thresholds = values.thresholds === undefined ? null : (() => {
  const [real, fake] = values.thresholds.split(',').map(Number);
  return { real: real!, fake: fake! };
})();
const fmt = (v: number | null | undefined): string => (v === null || v === undefined ? 'n/a' : v.toFixed(3));

const rows: Map<string, string>[] = [];
const sets = new Set<string>();
const detail: string[] = [];
for (const spec of positionals) {
  const [name, dir] = spec.includes('=') ? (spec.split('=') as [string, string]) : [path.basename(spec), spec];
  const files = (await readdir(dir)).filter((f) => /^eval-.*\.json$/.test(f)).sort();
  const cells = new Map<string, string>([['candidate', name]]);
  for (const f of files) {
    const report = JSON.parse(await readFile(path.join(dir, f), 'utf8')) as EvalReport;
    const set = f.replace(/^eval-|\.json$/g, '');
    sets.add(set);
    const t = thresholds ?? report.options.thresholds;
    const groups = groupMetrics(report.items, t);
    const top = groups.find((g) => !g.group.includes('/'));
    const scored = report.video;
    const noFace = report.data.unscored.real + report.data.unscored.fake;
    cells.set(set, `${fmt(scored?.auc)} (${scored?.negatives ?? 0}r/${scored?.positives ?? 0}f${noFace > 0 ? `, ${noFace} unscored` : ''}; FA ${top?.falseAccusationRate === null || top === undefined ? 'n/a' : `${(100 * top.falseAccusationRate!).toFixed(0)}%`})`);
    const subs = groups.filter((g) => g.group.includes('/'));
    if (subs.length > 0) detail.push(`${name} ${set}: ${subs.map((g) => `${g.group.split('/').slice(1).join('/')} ${g.fake > 0 ? `AUC ${fmt(g.auc)}` : ''}${g.real > 0 ? ` FA ${g.realCalledFake}/${g.real}` : ''}`.trim()).join('; ')}`);
  }
  rows.push(cells);
}
const header = ['candidate', ...[...sets].sort()];
console.log(`| ${header.join(' | ')} |`);
console.log(`|${header.map(() => '---').join('|')}|`);
for (const r of rows) console.log(`| ${header.map((h) => r.get(h) ?? '-').join(' | ')} |`);
console.log('');
for (const d of detail) console.log(`- ${d}`);
