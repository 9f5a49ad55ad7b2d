/**
 * Scan-like degradations, applied identically to both images of a training pair (the real face and its
 * forged twin) after the forgery is made. Scanned media are small, soft, noisy and compressed faces that
 * scanning enlarges to the model input; SBI alone degrades only the forged twin (its source-quality step),
 * which teaches "soft or enlarged face = fake". Degrading both halves alike with the same parameters (and
 * the same noise field) leaves the forgery as the only difference between them.
 *
 * drawDegradation() makes every random draw (always the same number of draws, so one probability set to 0
 * does not shift the others); applyDegradation() is the deterministic image work.
 */
import sharp from 'sharp';
import { resampleRegion } from '../faces/resample-region.js';
import { gaussianBlurRgb, fullRect } from './sbi/image-ops.js';
import { mulberry32, uniform, type Rng } from './sbi/rng.js';

export interface DegradeOptions {
  /** Probability of a resolution loss: the face shrunk to `faceMinPx`..its size, then enlarged back. */
  resolutionProbability: number;
  /** Smallest face (the landmark box's longer side, px) a resolution loss goes down to. */
  faceMinPx: number;
  /** Probability of a Gaussian blur, sigma drawn from [0.4, blurMaxSigma] px (at the crop's scale). */
  blurProbability: number;
  blurMaxSigma: number;
  /** Probability of additive Gaussian noise, sigma drawn from [1, noiseMaxSigma] (0..255 scale). */
  noiseProbability: number;
  noiseMaxSigma: number;
  /** Probability of a colour change: brightness +-0.08, contrast 0.85-1.15, saturation 0.75-1.25. */
  colourProbability: number;
  /** Probability of JPEG (4:2:0, like H.264's chroma) at a quality drawn from [jpegQualityMin, 95]. */
  jpegProbability: number;
  jpegQualityMin: number;
}

/** The recipe's defaults: strengths that scanned video has (faces down to ~48 px, c40-like compression). */
export const DEFAULT_DEGRADE: DegradeOptions = {
  resolutionProbability: 0.5,
  faceMinPx: 48,
  blurProbability: 0.2,
  blurMaxSigma: 1.5,
  noiseProbability: 0.2,
  noiseMaxSigma: 6,
  colourProbability: 0.3,
  jpegProbability: 0.7,
  jpegQualityMin: 30,
};

/** One draw: what happens to both images of a pair (null = that step is skipped). */
export interface Degradation {
  /** Intermediate side (px) the whole crop is shrunk to before being enlarged back. */
  downsizePx: number | null;
  blurSigma: number | null;
  noise: { sigma: number; seed: number } | null;
  colour: { brightness: number; contrast: number; saturation: number } | null;
  jpegQuality: number | null;
}

/**
 * Draws one degradation for a crop of side `size` whose face (landmark box's longer side) is `facePx`.
 * Makes the same number of draws whatever fires.
 */
export function drawDegradation(rng: Rng, options: DegradeOptions, size: number, facePx: number): Degradation {
  const res = rng() < options.resolutionProbability;
  const resT = rng();
  const blur = rng() < options.blurProbability;
  const blurT = rng();
  const noise = rng() < options.noiseProbability;
  const noiseT = rng();
  const noiseSeed = Math.floor(rng() * 2 ** 32) >>> 0;
  const colour = rng() < options.colourProbability;
  const brightness = uniform(rng, -0.08, 0.08);
  const contrast = uniform(rng, 0.85, 1.15);
  const saturation = uniform(rng, 0.75, 1.25);
  const jpeg = rng() < options.jpegProbability;
  const jpegT = rng();

  let downsizePx: number | null = null;
  const face = Math.max(1, facePx);
  if (res && face > options.faceMinPx) {
    // Log-uniform face size in [faceMinPx, face]: small faces are as common as mid-sized ones in scans.
    const target = Math.exp(Math.log(options.faceMinPx) + resT * (Math.log(face) - Math.log(options.faceMinPx)));
    const px = Math.round((size * target) / face);
    if (px < size) downsizePx = Math.max(8, px);
  }
  return {
    downsizePx,
    blurSigma: blur ? 0.4 + blurT * Math.max(0, options.blurMaxSigma - 0.4) : null,
    noise: noise ? { sigma: 1 + noiseT * Math.max(0, options.noiseMaxSigma - 1), seed: noiseSeed } : null,
    colour: colour ? { brightness, contrast, saturation } : null,
    jpegQuality: jpeg ? Math.round(options.jpegQualityMin + jpegT * (95 - options.jpegQualityMin)) : null,
  };
}

/** True when `d` changes nothing. */
export function isIdentityDegradation(d: Degradation): boolean {
  return d.downsizePx === null && d.blurSigma === null && d.noise === null && d.colour === null && d.jpegQuality === null;
}

/**
 * Applies `d` to a square RGB24 crop of side `size`, in the order a camera-to-scan chain does: resolution
 * loss (area-averaged shrink, bilinear enlargement, as cropFace does it), blur, colour, noise, JPEG.
 * Deterministic: the same crop and draw give the same bytes (the noise field comes from d.noise.seed).
 */
export async function applyDegradation(crop: Uint8Array, size: number, d: Degradation): Promise<Uint8Array> {
  if (crop.length !== size * size * 3) throw new RangeError(`crop must be ${size}x${size} RGB24`);
  let img = crop;
  if (d.downsizePx !== null) {
    const whole = { x: 0, y: 0, width: size, height: size };
    const small = resampleRegion({ width: size, height: size, data: img }, whole, d.downsizePx, d.downsizePx);
    img = resampleRegion({ width: d.downsizePx, height: d.downsizePx, data: small }, { x: 0, y: 0, width: d.downsizePx, height: d.downsizePx }, size, size);
  }
  let f: Float32Array | null = null;
  if (d.blurSigma !== null) f = gaussianBlurRgb(img, size, size, d.blurSigma, fullRect(size, size));
  if (d.colour !== null || d.noise !== null) {
    const v = f ?? Float32Array.from(img);
    if (d.colour !== null) colourInPlace(v, d.colour);
    if (d.noise !== null) noiseInPlace(v, d.noise.sigma, d.noise.seed);
    f = v;
  }
  if (f !== null) {
    const out = new Uint8Array(f.length);
    for (let i = 0; i < f.length; i++) out[i] = Math.min(255, Math.max(0, Math.round(f[i]!)));
    img = out;
  }
  if (d.jpegQuality !== null) img = await jpegRoundTrip(img, size, d.jpegQuality);
  return img === crop ? crop.slice() : img;
}

function colourInPlace(v: Float32Array, c: NonNullable<Degradation['colour']>): void {
  let luma = 0;
  for (let i = 0; i < v.length; i += 3) luma += 0.299 * v[i]! + 0.587 * v[i + 1]! + 0.114 * v[i + 2]!;
  luma /= v.length / 3;
  for (let i = 0; i < v.length; i += 3) {
    const y = 0.299 * v[i]! + 0.587 * v[i + 1]! + 0.114 * v[i + 2]!;
    for (let ch = 0; ch < 3; ch++) {
      const sat = y + c.saturation * (v[i + ch]! - y);
      v[i + ch] = luma + c.contrast * (sat - luma) + 255 * c.brightness;
    }
  }
}

/** Gaussian noise (Box-Muller from a seeded generator): the same seed gives the same field. */
function noiseInPlace(v: Float32Array, sigma: number, seed: number): void {
  const rng = mulberry32(seed);
  for (let i = 0; i < v.length; i += 2) {
    const u1 = Math.max(rng(), 1e-12);
    const u2 = rng();
    const r = sigma * Math.sqrt(-2 * Math.log(u1));
    v[i] = v[i]! + r * Math.cos(2 * Math.PI * u2);
    if (i + 1 < v.length) v[i + 1] = v[i + 1]! + r * Math.sin(2 * Math.PI * u2);
  }
}

async function jpegRoundTrip(rgb: Uint8Array, size: number, quality: number): Promise<Uint8Array> {
  const jpeg = await sharp(rgb, { raw: { width: size, height: size, channels: 3 } }).jpeg({ quality, chromaSubsampling: '4:2:0' }).toBuffer();
  const { data } = await sharp(jpeg).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
