/**
 * Compares candidate epochs on the held-out sets, from the folders scripts/evaluate-held-out.sh wrote:
 *
 *   node --import tsx scripts/compare-candidates.ts e9=../eval-e9 e1=../eval2-e1 ...
 *
 * Prints a Markdown table: for each candidate the Yonsei AUC (one face per image), the videos' face-level
 * and file-level AUC, and the selection criterion (the mean of the Yonsei AUC and the videos' face AUC),
 * each AUC with its Hanley-McNeil standard error, so that differences smaller than the noise of these
 * small sets show as such. The candidate with the highest criterion is marked.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { aucStandardError } from '../src/metrics/auc-uncertainty.js';

interface Block {
  count: number;
  positives: number;
  negatives: number;
  auc: number | null;
}
interface Report {
  kind: string;
  model: { id: string; weightsSha256: string[] };
  frame: Block;
  video: Block;
}

const specs = process.argv.slice(2);
if (specs.length === 0 || specs.some((s) => s.indexOf('=') <= 0)) {
  console.error('usage: compare-candidates.ts NAME=EVAL_DIR [NAME=EVAL_DIR ...]');
  process.exit(2);
}

async function report(dir: string, set: string): Promise<Report> {
  const file = path.join(dir, `eval-${set}.json`);
  const r = JSON.parse(await readFile(file, 'utf8')) as Report;
  if (r.kind !== 'ldf.eval-report') throw new Error(`${file}: not an ldf eval report`);
  return r;
}

const cell = (b: Block): string => {
  if (b.auc === null) return 'n/a';
  return `${b.auc.toFixed(3)} ± ${aucStandardError(b.auc, b.positives, b.negatives).toFixed(3)}`;
};

const rows: { name: string; criterion: number; line: string }[] = [];
for (const spec of specs) {
  const at = spec.indexOf('=');
  const name = spec.slice(0, at);
  const dir = spec.slice(at + 1);
  const yonsei = await report(dir, 'yonsei-real-fake');
  const videos = await report(dir, 'videos');
  if (yonsei.model.weightsSha256.join() !== videos.model.weightsSha256.join()) throw new Error(`${dir}: the two reports are of different weights`);
  const criterion = ((yonsei.frame.auc ?? Number.NaN) + (videos.frame.auc ?? Number.NaN)) / 2;
  rows.push({ name, criterion, line: `${cell(yonsei.frame)} | ${cell(videos.frame)} | ${cell(videos.video)} | ${criterion.toFixed(3)}` });
}
const best = Math.max(...rows.map((r) => r.criterion));
console.log('| Candidate | Yonsei AUC (faces) | Videos AUC (faces) | Videos AUC (files) | Mean of Yonsei and video faces |');
console.log('|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.criterion === best ? `**${r.name}**` : r.name} | ${r.line} |`);
console.log('\n± is the Hanley-McNeil standard error of each AUC (faces of one video are not independent, so the');
console.log('face-level error of the videos is understated).');
