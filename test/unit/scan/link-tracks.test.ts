import { describe, expect, it } from 'vitest';
import { faceSimilarity, iou, linkTracks, type TrackableFace } from '../../../src/scan/link-tracks.js';

const face = (frameIndex: number, x: number, y: number, size = 100, descriptor?: number[]): TrackableFace => ({
  frameIndex,
  box: { x, y, width: size, height: size },
  descriptor: descriptor === undefined ? undefined : Float32Array.from(descriptor),
});

describe('iou', () => {
  it('is 1 for identical boxes, 0 for disjoint ones, 1/7 for half-overlapping squares', () => {
    const a = { x: 0, y: 0, width: 10, height: 10 };
    expect(iou(a, a)).toBe(1);
    expect(iou(a, { x: 20, y: 0, width: 10, height: 10 })).toBe(0);
    expect(iou(a, { x: 5, y: 5, width: 10, height: 10 })).toBeCloseTo(25 / 175, 12);
  });
});

describe('linkTracks', () => {
  it('follows two people who stay in place, whatever the detection order', () => {
    const faces = [
      face(0, 100, 100), face(0, 600, 100),
      face(1, 605, 102), face(1, 98, 104), // order swapped in frame 1
      face(2, 110, 100), face(2, 590, 110),
    ];
    expect(linkTracks(faces)).toEqual([0, 1, 1, 0, 0, 1]);
  });

  it('follows a face that moves less than about a face size between sparse samples', () => {
    const faces = [face(0, 100, 100), face(1, 170, 100), face(2, 240, 110)];
    expect(linkTracks(faces)).toEqual([0, 0, 0]);
  });

  it('starts a new track for a face far away or of a very different size', () => {
    const faces = [face(0, 100, 100), face(1, 900, 500), face(2, 100, 100, 300)];
    expect(linkTracks(faces)).toEqual([0, 1, 2]);
  });

  it('lets a person who left come back to the same track', () => {
    const faces = [face(0, 100, 100), face(1, 700, 100), face(3, 102, 100)];
    expect(linkTracks(faces)).toEqual([0, 1, 0]);
  });

  it('never puts two faces of one frame in the same track', () => {
    const faces = [face(0, 100, 100), face(1, 100, 100), face(1, 110, 100)];
    const tracks = linkTracks(faces);
    expect(tracks[1]).not.toBe(tracks[2]);
    expect(tracks[1]).toBe(0); // the closer one continues the track
  });

  it('uses appearance to tell apart people who swap places', () => {
    const a = [1, 0, 0];
    const b = [0, 1, 0];
    const faces = [face(0, 100, 100, 100, a), face(0, 250, 100, 100, b), face(1, 250, 100, 100, a), face(1, 100, 100, 100, b)];
    expect(linkTracks(faces)).toEqual([0, 1, 0, 1]);
    expect(faceSimilarity(faces[0]!, faces[2]!)).toBeGreaterThan(faceSimilarity(faces[0]!, faces[3]!));
  });

  it('returns an empty list for no faces', () => {
    expect(linkTracks([])).toEqual([]);
  });
});
