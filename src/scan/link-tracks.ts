import { boxIou } from '../faces/rgb-frame.js';
/** A face box in frame pixels. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One face in one sampled frame, as tracking sees it. */
export interface TrackableFace {
  frameIndex: number;
  box: Box;
  /** Optional appearance descriptor (unit-length vector); compared by cosine similarity. */
  descriptor?: Float32Array;
}

export interface LinkOptions {
  /** Minimum similarity for a face to join a track (0..1, default 0.3). */
  minSimilarity?: number;
}

/** Intersection over union of two face boxes (src/faces/rgb-frame.ts boxIou). */
export const iou: (a: Box, b: Box) => number = boxIou;

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

/**
 * Similarity in [0, 1] of a track's last face and a new face. Sampled
 * frames can be seconds apart, so overlap alone is not enough: the
 * geometric term also accepts a face whose centre moved less than about one
 * face size and whose size changed less than 2x; an appearance descriptor,
 * when both have one, weighs twice as much as the geometry (people swap places;
 * faces do not swap looks).
 */
export function faceSimilarity(last: TrackableFace, next: TrackableFace): number {
  const a = last.box;
  const b = next.box;
  const sizeA = Math.sqrt(a.width * a.height);
  const sizeB = Math.sqrt(b.width * b.height);
  if (sizeA <= 0 || sizeB <= 0) return 0;
  const dx = a.x + a.width / 2 - (b.x + b.width / 2);
  const dy = a.y + a.height / 2 - (b.y + b.height / 2);
  const distance = Math.hypot(dx, dy) / ((sizeA + sizeB) / 2);
  const sizeRatio = Math.max(sizeA, sizeB) / Math.min(sizeA, sizeB);
  const proximity = Math.max(0, 1 - distance / 1.5) * Math.max(0, 1 - (sizeRatio - 1) / 1);
  const geometric = Math.max(iou(a, b), proximity);
  if (last.descriptor === undefined || next.descriptor === undefined) return geometric;
  const appearance = Math.max(0, cosine(last.descriptor, next.descriptor));
  return (geometric + 2 * appearance) / 3;
}

/**
 * Links faces across sampled frames into tracks (one per person, ideally).
 * Frames are processed in order; in each, the (track, face) pairs are
 * joined greedily from the most similar down, each track and face at most
 * once, pairs below `minSimilarity` never. A face left over starts a new
 * track. Tracks never expire: a person who leaves and comes back at the same
 * place rejoins their track. Returns, for each input face (same order), its
 * track number; tracks are numbered 0, 1, ... by first appearance.
 */
export function linkTracks(faces: readonly TrackableFace[], options: LinkOptions = {}): number[] {
  const minSimilarity = options.minSimilarity ?? 0.3;
  const assignment = new Array<number>(faces.length).fill(-1);
  const last: TrackableFace[] = []; // per track: its most recent face
  const order = faces.map((_, i) => i).sort((i, j) => faces[i]!.frameIndex - faces[j]!.frameIndex || i - j);
  let start = 0;
  while (start < order.length) {
    const frame = faces[order[start]!]!.frameIndex;
    let end = start;
    while (end < order.length && faces[order[end]!]!.frameIndex === frame) end++;
    const inFrame = order.slice(start, end);
    const pairs: { track: number; face: number; similarity: number }[] = [];
    last.forEach((lastFace, track) => {
      for (const face of inFrame) {
        const similarity = faceSimilarity(lastFace, faces[face]!);
        if (similarity >= minSimilarity) pairs.push({ track, face, similarity });
      }
    });
    pairs.sort((p, q) => q.similarity - p.similarity || p.track - q.track || p.face - q.face);
    const usedTracks = new Set<number>();
    for (const p of pairs) {
      if (usedTracks.has(p.track) || assignment[p.face] !== -1) continue;
      usedTracks.add(p.track);
      assignment[p.face] = p.track;
    }
    for (const face of inFrame) {
      if (assignment[face] === -1) {
        assignment[face] = last.length;
        last.push(faces[face]!);
      } else {
        last[assignment[face]!] = faces[face]!;
      }
    }
    start = end;
  }
  return assignment;
}
