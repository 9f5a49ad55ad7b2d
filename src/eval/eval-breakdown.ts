/**
 * How a model fails, from an eval report's items: metrics per group (the data set and its sources or
 * methods: the folders around the real/ and fake/ folders, and optionally the file-name prefix) and the
 * face scores against face size, so anyone can see whether a model reads resolution instead of forgery.
 *
 * A group with real and forged files gets its own AUC. A group with forged files only (one forgery
 * method, say) is ranked against the real files of its data set (the group's first path segment), as
 * FaceForensics++ methods are ranked against their real targets. A group with real files only has no AUC,
 * but its false-accusation rate (real files called fake at the verdict thresholds) is what the verdict
 * thresholds must keep low.
 */
import path from 'node:path';
import { aucFromRoc, rocCurve } from '../metrics/roc.js';
import type { EvalItem, LabelName } from './eval-report.js';
import type { VerdictThresholds } from '../report/verdicts.js';

/** How items are grouped: by folders only, or by folders and the file name's prefix before its first '-'. */
export type GroupBy = 'folder' | 'name-prefix';

export const GROUP_BY: readonly GroupBy[] = ['folder', 'name-prefix'];

export interface GroupMetrics {
  /** 'SET' or 'SET/SOURCE' ('/'-separated), e.g. 'ffpp-c40/Deepfakes'. */
  group: string;
  /** The first segment of `group`: the data set whose real files a forged-only group is ranked against. */
  set: string;
  /** Scored files per label. */
  real: number;
  fake: number;
  /** Files read with no face or only too-small faces, and files that failed: left out of the metrics. */
  unscored: number;
  failed: number;
  /** Video-level AUC; null when no real file is there to rank against (see aucAgainst). */
  auc: number | null;
  /** What the forged files were ranked against: the group's own real files, or its data set's. */
  aucAgainst: 'group' | 'set' | null;
  /** Real files called fake at the verdict thresholds. */
  realCalledFake: number;
  /** realCalledFake / real; null without real files. */
  falseAccusationRate: number | null;
  /** Forged files called fake at the verdict thresholds. */
  fakeCalledFake: number;
  /** fakeCalledFake / fake; null without forged files. */
  detectionRate: number | null;
}

/** Face sizes (EvalItem.faceHeightsPx: the face's size in frame pixels) the size table is cut at. */
export const FACE_SIZE_EDGES_PX: readonly number[] = [0, 48, 64, 96, 128, 192, 256, 384];

export interface FaceSizeBin {
  /** Faces with minPx <= height < maxPx (maxPx null: no upper bound). */
  minPx: number;
  maxPx: number | null;
  realFaces: number;
  fakeFaces: number;
  meanScoreReal: number | null;
  meanScoreFake: number | null;
  /** Frame-level AUC inside the bin; null with one class. */
  auc: number | null;
}

/**
 * The group of a labelled file: the folders of `relativePath` (below its folder argument `root`) without
 * the real/ or fake/ folder, the argument's own name when nothing is above the label folder; with
 * `name-prefix`, the file name's prefix before its first '-' (when it has one) as a last segment.
 */
export function groupOf(root: string, relativePath: string, groupBy: GroupBy): string {
  const parts = relativePath.split('/');
  const file = parts.pop() ?? '';
  const labelAt = parts.findIndex((p) => p === 'real' || p === 'fake');
  const above = labelAt < 0 ? parts : parts.slice(0, labelAt);
  const below = labelAt < 0 ? [] : parts.slice(labelAt + 1);
  const base = path.basename(path.resolve(root));
  const segments = [...(above.length === 0 ? [base] : above), ...below];
  if (groupBy === 'name-prefix') {
    const dash = file.indexOf('-');
    if (dash > 0) segments.push(file.slice(0, dash));
  }
  return segments.filter((s) => s !== '' && s !== '.').join('/') || base;
}

function aucOf(real: readonly number[], fake: readonly number[]): number | null {
  if (real.length === 0 || fake.length === 0) return null;
  const scores = [...real, ...fake];
  const labels = [...real.map(() => 0), ...fake.map(() => 1)];
  return aucFromRoc(rocCurve(scores, labels));
}

/** Per-group metrics in group order (sets first, then their sources, by name). */
export function groupMetrics(items: readonly EvalItem[], thresholds: VerdictThresholds): GroupMetrics[] {
  const byGroup = new Map<string, EvalItem[]>();
  for (const item of items) {
    const g = item.group ?? '';
    // Every item also counts for each enclosing group ('a/b/c' counts for 'a' and 'a/b').
    const segs = g.split('/');
    for (let k = 1; k <= segs.length; k++) {
      const key = segs.slice(0, k).join('/');
      const list = byGroup.get(key) ?? [];
      list.push(item);
      byGroup.set(key, list);
    }
  }
  const scoresOf = (list: readonly EvalItem[], label: LabelName): number[] =>
    list.filter((i) => i.label === label && i.status === 'scored' && i.score !== null).map((i) => i.score!);
  const out: GroupMetrics[] = [];
  for (const group of [...byGroup.keys()].sort()) {
    const list = byGroup.get(group)!;
    const set = group.split('/')[0]!;
    const real = scoresOf(list, 'real');
    const fake = scoresOf(list, 'fake');
    let auc = aucOf(real, fake);
    let aucAgainst: GroupMetrics['aucAgainst'] = auc === null ? null : 'group';
    if (auc === null && fake.length > 0) {
      const setReal = scoresOf(byGroup.get(set) ?? [], 'real');
      auc = aucOf(setReal, fake);
      aucAgainst = auc === null ? null : 'set';
    }
    const realCalledFake = real.filter((s) => s >= thresholds.fake).length;
    const fakeCalledFake = fake.filter((s) => s >= thresholds.fake).length;
    out.push({
      group,
      set,
      real: real.length,
      fake: fake.length,
      unscored: list.filter((i) => i.status === 'no-face' || i.status === 'too-small').length,
      failed: list.filter((i) => i.status === 'error').length,
      auc,
      aucAgainst,
      realCalledFake,
      falseAccusationRate: real.length === 0 ? null : realCalledFake / real.length,
      fakeCalledFake,
      detectionRate: fake.length === 0 ? null : fakeCalledFake / fake.length,
    });
  }
  return out;
}

/** The score-against-face-size table over every scored face (items without face sizes are left out). */
export function faceSizeTable(items: readonly EvalItem[], edgesPx: readonly number[] = FACE_SIZE_EDGES_PX): FaceSizeBin[] {
  const bins = edgesPx.map((minPx, i) => ({ minPx, maxPx: edgesPx[i + 1] ?? null, real: [] as number[], fake: [] as number[] }));
  for (const item of items) {
    if (item.status !== 'scored' || item.faceHeightsPx === undefined) continue;
    item.frames.forEach((score, i) => {
      const h = item.faceHeightsPx![i];
      if (h === undefined) return;
      let b = bins.length - 1;
      while (b > 0 && h < bins[b]!.minPx) b--;
      (item.label === 'real' ? bins[b]!.real : bins[b]!.fake).push(score);
    });
  }
  const mean = (a: number[]): number | null => (a.length === 0 ? null : a.reduce((s, v) => s + v, 0) / a.length);
  return bins.map((b) => ({
    minPx: b.minPx,
    maxPx: b.maxPx,
    realFaces: b.real.length,
    fakeFaces: b.fake.length,
    meanScoreReal: mean(b.real),
    meanScoreFake: mean(b.fake),
    auc: aucOf(b.real, b.fake),
  }));
}
