import type { Point } from '../../src/train/sbi/index.js';

/**
 * A plausible upright frontal face in a 256 px crop, in iBUG 68 order: jaw on the lower half of an ellipse,
 * arched brows, nose ridge + base, elliptic eyes and lips. Face size ~ 145 px like real cropFace crops.
 */
export function syntheticLandmarks(): Point[] {
  const pts: Point[] = [];
  const cx = 128;
  for (let i = 0; i <= 16; i++) {
    const t = (Math.PI * i) / 16;
    pts.push([cx - 72 * Math.cos(t), 120 + 100 * Math.sin(t)]); // 0-16 jaw, chin (8) at y = 220
  }
  for (let i = 0; i < 5; i++) pts.push([70 + 12 * i, 92 - 8 * Math.sin((Math.PI * i) / 4)]); // 17-21
  for (let i = 0; i < 5; i++) pts.push([138 + 12 * i, 92 - 8 * Math.sin((Math.PI * (i + 0)) / 4 + Math.PI / 4)]); // 22-26
  for (let i = 0; i < 4; i++) pts.push([cx, 105 + 12 * i]); // 27-30 nose ridge
  for (let i = 0; i < 5; i++) pts.push([cx - 16 + 8 * i, 150 + (i === 2 ? 3 : 0)]); // 31-35 nose base
  const eye = (ex: number): void => {
    for (let i = 0; i < 6; i++) {
      const t = Math.PI + (2 * Math.PI * i) / 6;
      pts.push([ex + 13 * Math.cos(t), 112 + 5 * Math.sin(t)]);
    }
  };
  eye(96); // 36-41
  eye(160); // 42-47
  for (let i = 0; i < 12; i++) {
    const t = Math.PI + (2 * Math.PI * i) / 12;
    pts.push([cx + 26 * Math.cos(t), 182 + 10 * Math.sin(t)]); // 48-59 outer lips
  }
  for (let i = 0; i < 8; i++) {
    const t = Math.PI + (2 * Math.PI * i) / 8;
    pts.push([cx + 16 * Math.cos(t), 182 + 4 * Math.sin(t)]); // 60-67 inner lips
  }
  return pts;
}

