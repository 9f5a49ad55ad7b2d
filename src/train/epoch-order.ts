/**
 * The data order of a run (docs/training.md, "Epochs" and "A step"): the seeded permutation of each pass, the
 * items of an epoch as a stretch of the endless stream of passes, the shuffle of a step's images across
 * micro-batches, and the seeded sample of validation items.
 */
import type { DatasetItem } from '../dataset/index.js';
import { mulberry32 } from '../model/ldfnet-params.js';
import type { LabelledImage } from './training-batch.js';

/** Seeded permutation of 0..n-1 for one epoch (Fisher-Yates on mulberry32). */
export function epochOrder(n: number, seed: number, epoch: number): number[] {
  const rand = mulberry32((seed * 0x9e3779b1 + epoch * 0x85ebca6b) >>> 0);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/**
 * The training items of one epoch: positions [epoch * epochItems, (epoch + 1) * epochItems) of the endless
 * stream made of epochOrder(n, seed, 0), epochOrder(n, seed, 1), ... With epochItems = n, epoch e is exactly
 * epochOrder(n, seed, e). Returns each item's index and its stream position (the seed of its SBI sample).
 */
export function epochItems(n: number, seed: number, epoch: number, itemsPerEpoch: number): { item: number; position: number }[] {
  const out: { item: number; position: number }[] = [];
  let pass = -1;
  let order: number[] = [];
  for (let position = epoch * itemsPerEpoch; position < (epoch + 1) * itemsPerEpoch; position++) {
    const p = Math.floor(position / n);
    if (p !== pass) {
      pass = p;
      order = epochOrder(n, seed, pass);
    }
    out.push({ item: order[position - pass * n]!, position });
  }
  return out;
}

/**
 * The images of one step in the order they are fed, micro-batch by micro-batch. Batch norm normalises each
 * micro-batch by its own statistics, so a micro-batch that always held a real face and its self-blended twin
 * would let the network tell the two apart by comparing them through those statistics, a cue that does not
 * exist at inference (moving statistics, one face at a time): trained that way, LDFnet reached 90 % training
 * accuracy and 0.58 validation AUC. When a micro-batch is smaller than the batch, the images are shuffled
 * (seeded by the step) so micro-batches mix faces of different items and labels at random.
 */
export function mixBatch(samples: LabelledImage[][], seed: number, globalStep: number, microBatch: number): LabelledImage[] {
  const images = samples.flat();
  if (microBatch >= images.length) return images;
  return epochOrder(images.length, seed ^ 0x5bd1e995, globalStep).map((i) => images[i]!);
}

/** A seeded sample of at most `max` items, in their original order (the validation items scored per epoch). */
export function sampleItems(items: DatasetItem[], max: number, seed: number): DatasetItem[] {
  if (items.length <= max) return items;
  return epochOrder(items.length, seed, -1)
    .slice(0, max)
    .sort((a, b) => a - b)
    .map((i) => items[i]!);
}
