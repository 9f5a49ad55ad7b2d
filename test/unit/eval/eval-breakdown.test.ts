import { describe, expect, it } from 'vitest';
import { faceSizeTable, groupMetrics, groupOf } from '../../../src/eval/eval-breakdown.js';
import { renderSizePlotSvg } from '../../../src/eval/size-plot-svg.js';
import type { EvalItem } from '../../../src/eval/eval-report.js';

const item = (group: string, label: 'real' | 'fake', score: number | null, faces: [number, number][] = [], status: EvalItem['status'] = 'scored'): EvalItem => ({
  path: `${group}/${label}/${Math.random()}.mp4`,
  label,
  group,
  status: score === null && status === 'scored' ? 'no-face' : status,
  score,
  frames: faces.map(([s]) => s),
  faceHeightsPx: faces.map(([, h]) => h),
  error: status === 'error' ? { code: 'DAMAGED', message: 'x' } : null,
});

describe('groupOf', () => {
  it('is the folders around the label folder, or the argument itself, and optionally the name prefix', () => {
    expect(groupOf('/data/validation', 'ffpp-c40/fake/Deepfakes-001_002.mp4', 'folder')).toBe('ffpp-c40');
    expect(groupOf('/data/validation', 'ffpp-c40/fake/Deepfakes-001_002.mp4', 'name-prefix')).toBe('ffpp-c40/Deepfakes');
    expect(groupOf('/data/validation/ffpp-c40', 'real/youtube-abc.mp4', 'name-prefix')).toBe('ffpp-c40/youtube');
    expect(groupOf('/data/dfdc-crops', 'fake/abc.png', 'folder')).toBe('dfdc-crops');
    expect(groupOf('/data/set', 'fake/roop/clip.mp4', 'folder')).toBe('set/roop');
    expect(groupOf('/data/set', 'clip_without_dash.mp4', 'name-prefix')).toBe('set');
  });
});

describe('groupMetrics', () => {
  const thresholds = { real: 0.2, fake: 0.6 };
  const items = [
    item('s', 'real', 0.1),
    item('s', 'real', 0.7), // a false accusation
    item('s', 'real', 0.3),
    item('s', 'real', null),
    item('s/A', 'fake', 0.9),
    item('s/A', 'fake', 0.8),
    item('s/B', 'fake', 0.05),
    item('s/B', 'fake', 0.2, [], 'error'),
    item('t', 'real', 0.5),
  ];
  const groups = groupMetrics(items, thresholds);
  const by = (g: string) => groups.find((x) => x.group === g)!;

  it('has one row per set and per source, sets first', () => {
    expect(groups.map((g) => g.group)).toEqual(['s', 's/A', 's/B', 't']);
  });

  it('counts scored, unscored and failed files, and false accusations at the fake threshold', () => {
    expect(by('s')).toMatchObject({ real: 3, fake: 3, unscored: 1, failed: 1, realCalledFake: 1, fakeCalledFake: 2 });
    expect(by('s').falseAccusationRate).toBeCloseTo(1 / 3, 10);
    expect(by('s').detectionRate).toBeCloseTo(2 / 3, 10);
    expect(by('t')).toMatchObject({ real: 1, fake: 0, auc: null, aucAgainst: null, detectionRate: null, falseAccusationRate: 0 });
  });

  it('ranks a forged-only source against its set\'s real files', () => {
    // A: 0.9, 0.8 against reals 0.1, 0.7, 0.3: every pair ranked right.
    expect(by('s/A')).toMatchObject({ auc: 1, aucAgainst: 'set' });
    // B: 0.05 against the same reals: every pair ranked wrong.
    expect(by('s/B')).toMatchObject({ auc: 0, aucAgainst: 'set' });
    // The set: 6 of 9 pairs right.
    expect(by('s').aucAgainst).toBe('group');
    expect(by('s').auc).toBeCloseTo(6 / 9, 10);
  });
});

describe('faceSizeTable and the size plot', () => {
  const items = [
    item('s', 'real', 0.5, [[0.9, 50], [0.8, 60], [0.1, 300]]),
    item('s', 'fake', 0.5, [[0.2, 55], [0.95, 310]]),
  ];

  it('bins every face by its height, with mean score and AUC per bin', () => {
    const bins = faceSizeTable(items, [0, 64, 256]);
    expect(bins).toHaveLength(3);
    expect(bins[0]).toMatchObject({ minPx: 0, maxPx: 64, realFaces: 2, fakeFaces: 1, auc: 0 });
    expect(bins[0]!.meanScoreReal).toBeCloseTo(0.85, 10);
    expect(bins[1]).toMatchObject({ realFaces: 0, fakeFaces: 0, meanScoreReal: null, auc: null });
    expect(bins[2]).toMatchObject({ minPx: 256, maxPx: null, realFaces: 1, fakeFaces: 1, auc: 1 });
  });

  it('draws one point per face, the thresholds, and no script', () => {
    const svg = renderSizePlotSvg(items, { title: 'a <b>', thresholds: { real: 0.2, fake: 0.6 } });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<circle/g)).toHaveLength(5);
    expect(svg).toContain('real faces (3)');
    expect(svg).toContain('forged faces (2)');
    expect(svg).toContain('fake 0.600');
    expect(svg).toContain('a &lt;b&gt;');
    expect(svg).not.toContain('<script');
  });
});
