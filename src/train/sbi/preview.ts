/**
 * A PNG contact sheet of self-blended samples for a person to look at: one row per sample with four
 * tiles, real | mask | fake | |fake - real| amplified, separated by `gap`-px dark grey lines.
 */
import sharp from 'sharp';
import { SbiError } from './errors.js';

/** What the sheet needs of a sample (an SbiResult fits). */
export interface SbiPreviewSample {
  real: Uint8Array;
  fake: Uint8Array;
  mask: Float32Array;
}

export interface SbiPreviewOptions {
  /** Multiplier of |fake - real| in the fourth tile (clamped to 255). Default 4. */
  diffGain?: number;
  /** Separator width, px. Default 4. */
  gap?: number;
}

export const SBI_PREVIEW_COLUMNS = 4;
const DEFAULT_GAP = 4;
const DEFAULT_DIFF_GAIN = 4;
const GAP_GREY = 40;

/** Width and height (px) of the sheet for `count` samples of side `size`. */
export function sbiPreviewSheetSize(count: number, size: number, gap = DEFAULT_GAP): { width: number; height: number } {
  return {
    width: SBI_PREVIEW_COLUMNS * size + (SBI_PREVIEW_COLUMNS + 1) * gap,
    height: count * size + (count + 1) * gap,
  };
}

/** The sheet as raw RGB24 pixels (what writeSbiPreviewSheet encodes). */
export function renderSbiPreviewSheet(
  samples: readonly SbiPreviewSample[],
  options: SbiPreviewOptions = {},
): { width: number; height: number; data: Uint8Array } {
  if (samples.length === 0) throw new SbiError('BAD_ARGUMENT', 'the preview sheet needs at least one sample');
  const gap = options.gap ?? DEFAULT_GAP;
  const gain = options.diffGain ?? DEFAULT_DIFF_GAIN;
  if (!Number.isInteger(gap) || gap < 0) throw new SbiError('BAD_ARGUMENT', `gap must be an integer >= 0, got ${gap}`);
  if (!(gain > 0 && Number.isFinite(gain))) throw new SbiError('BAD_ARGUMENT', `diffGain must be > 0, got ${gain}`);
  const first = samples[0]!;
  const size = Math.round(Math.sqrt(first.mask.length));
  for (const s of samples) {
    if (s.mask.length !== size * size || s.real.length !== size * size * 3 || s.fake.length !== size * size * 3) {
      throw new SbiError('BAD_ARGUMENT', `every preview sample must be ${size}x${size} (real, fake RGB24; mask 1 value per pixel)`);
    }
  }
  const { width, height } = sbiPreviewSheetSize(samples.length, size, gap);
  const data = new Uint8Array(width * height * 3).fill(GAP_GREY);
  samples.forEach((s, row) => {
    const top = gap + row * (size + gap);
    for (let col = 0; col < SBI_PREVIEW_COLUMNS; col++) {
      const left = gap + col * (size + gap);
      for (let y = 0; y < size; y++) {
        let o = ((top + y) * width + left) * 3;
        for (let x = 0; x < size; x++, o += 3) {
          const p = y * size + x;
          const i = p * 3;
          for (let c = 0; c < 3; c++) {
            let v: number;
            if (col === 0) v = s.real[i + c]!;
            else if (col === 1) v = Math.round(255 * Math.min(1, Math.max(0, s.mask[p]!)));
            else if (col === 2) v = s.fake[i + c]!;
            else v = Math.min(255, Math.round(gain * Math.abs(s.fake[i + c]! - s.real[i + c]!)));
            data[o + c] = v;
          }
        }
      }
    }
  });
  return { width, height, data };
}

/**
 * Writes the contact sheet of `samples` (all the same size) to `outPath` as PNG. Returns its dimensions
 * (= sbiPreviewSheetSize(samples.length, size, gap)).
 * @throws SbiError BAD_ARGUMENT for no samples or mismatched sizes; sharp's errors for an unwritable path.
 */
export async function writeSbiPreviewSheet(
  samples: readonly SbiPreviewSample[],
  outPath: string,
  options: SbiPreviewOptions = {},
): Promise<{ width: number; height: number }> {
  const { width, height, data } = renderSbiPreviewSheet(samples, options);
  await sharp(data, { raw: { width, height, channels: 3 } }).png().toFile(outPath);
  return { width, height };
}
