/** An exact fraction as ffprobe prints it ("30000/1001"). `den` is never 0. */
export interface Rational {
  num: number;
  den: number;
}

/**
 * Parses "30000/1001", "25/1", "25" or "0.5"-style rationals. Returns null for
 * missing values, "0/0", "N/A", zero denominators and non-finite input.
 */
export function parseRational(value: unknown): Rational | null {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? { num: value, den: 1 } : null;
  }
  if (typeof value !== 'string') return null;
  const text = value.trim();
  const match = /^(-?\d+(?:\.\d+)?)(?:[/:](-?\d+(?:\.\d+)?))?$/.exec(text);
  if (match === null) return null;
  const num = Number(match[1]);
  const den = match[2] === undefined ? 1 : Number(match[2]);
  if (!Number.isFinite(num) || !Number.isFinite(den) || den === 0) return null;
  return { num, den };
}

/** num/den as a float. */
export function rationalToNumber(value: Rational): number {
  return value.num / value.den;
}
