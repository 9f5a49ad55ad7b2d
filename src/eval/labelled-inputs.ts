/**
 * The labelled files of `ldf eval`: folders in the real/ and fake/ layout (the same rule as
 * `ldf dataset prepare`), single files below such folders, and CSV lists of `path,label`.
 * Files are found exactly as `ldf scan` finds them (discoverInputs), so eval scores what scan would.
 */
import path from 'node:path';
import { discoverInputs, type DiscoverOptions, type InputEntry, type WalkProblem } from '../scan/discover-inputs.js';
import { shardKey } from '../scan/shard.js';
import { labelFromLayout, readLabelsCsv } from '../dataset/label-rules.js';
import type { EvalProblem, LabelName } from './eval-report.js';

export interface LabelledEntry {
  entry: InputEntry;
  label: LabelName;
}

export interface LabelledInputs {
  /** In argument order; within a folder in name order; within a CSV in line order. Each file once. */
  entries: LabelledEntry[];
  /** Not evaluated: files with no label (NO_LABEL), folders that could not be read. */
  problems: EvalProblem[];
  /** Walk problems that missed nothing (loops, dangling links). */
  warnings: WalkProblem[];
}

/** A data argument read as a `path,label` list rather than a media file. */
export function isLabelsList(arg: string): boolean {
  return path.extname(arg).toLowerCase() === '.csv';
}

/**
 * The label of a found file: the nearest real/ or fake/ folder among the folders between it and its
 * folder argument (the argument included); for a file argument, among the folders of its path.
 */
export function labelOfEntry(entry: InputEntry): LabelName | null {
  return entry.origin === 'walk' ? labelFromLayout(entry.root, entry.relativePath) : labelFromLayout('.', entry.path.split(path.sep).join('/'));
}

/**
 * Expands the data arguments into labelled files.
 * @throws DatasetError BAD_LABELS_FILE for a CSV that cannot be read or parsed; GlobError for bad globs.
 */
export async function resolveLabelledInputs(args: readonly string[], options: DiscoverOptions = {}): Promise<LabelledInputs> {
  const out: LabelledInputs = { entries: [], problems: [], warnings: [] };
  const seen = new Set<string>();
  const add = (entry: InputEntry, label: LabelName | null): void => {
    const key = path.resolve(entry.path);
    if (seen.has(key)) return;
    seen.add(key);
    if (label === null) {
      out.problems.push({ path: entry.path, code: 'NO_LABEL', message: 'no label: not below a real/ or fake/ folder and not in a CSV list' });
    } else {
      out.entries.push({ entry, label });
    }
  };
  for (const arg of args) {
    if (isLabelsList(arg)) {
      const csv = await readLabelsCsv(arg);
      for (const [file, row] of csv) {
        add({ path: file, root: arg, relativePath: file, shardKey: shardKey(file), origin: 'argument', needsContentCheck: false }, row.label);
      }
      continue;
    }
    const discovery = await discoverInputs([arg], options);
    for (const p of discovery.problems) {
      if (p.severity === 'error') out.problems.push({ path: p.path, code: p.code, message: p.message });
      else out.warnings.push(p);
    }
    for (const entry of discovery.entries) add(entry, labelOfEntry(entry));
  }
  return out;
}
