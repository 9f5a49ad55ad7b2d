import { VideoError } from './video-error.js';

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
const UNIT_ORDER = ['h', 'm', 's', 'ms'];

/**
 * Parses a human duration into milliseconds (rounded to the microsecond).
 *
 * Accepted forms (case-insensitive, surrounding whitespace ignored):
 * - unit form: `500ms`, `1s`, `1.5s`, `2m`, `1h`, and descending combinations such as `1m30s`,
 *   `1h2m3.5s`, `2s500ms`;
 * - clock form: `SS.f` is not accepted (no colon = no unit), but `MM:SS[.fff]` and
 *   `HH:MM:SS[.fff]` are, e.g. `01:02.5` = 62.5 s and `00:01:02.5` = 62.5 s (minutes and
 *   seconds must be < 60 when a larger component precedes them).
 *
 * A bare number (`500`) is rejected as ambiguous. Negative, empty, or non-finite input is rejected.
 * @throws VideoError with code 'BAD_DURATION'
 */
export function parseDurationMs(text: string): number {
  const input = typeof text === 'string' ? text.trim().toLowerCase() : '';
  const fail = (why: string): never => {
    throw new VideoError('BAD_DURATION', `Invalid duration "${String(text)}": ${why}`, { reason: why });
  };
  if (input === '') return fail('empty');

  if (input.includes(':')) {
    const match = /^(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)$/.exec(input);
    if (match === null) return fail('expected MM:SS[.fff] or HH:MM:SS[.fff]');
    const hours = match[1] === undefined ? 0 : Number(match[1]);
    const minutes = Number(match[2]);
    const seconds = Number(match[3]);
    if (seconds >= 60) return fail('seconds must be < 60 in clock form');
    if (match[1] !== undefined && minutes >= 60) return fail('minutes must be < 60 in HH:MM:SS form');
    return roundMs((hours * 3600 + minutes * 60 + seconds) * 1000);
  }

  const partPattern = /(\d+(?:\.\d+)?|\.\d+)(ms|h|m|s)/gy;
  let totalMs = 0;
  let lastUnitRank = -1;
  let consumed = 0;
  for (const part of input.matchAll(partPattern)) {
    const value = Number(part[1]);
    const unit = part[2] ?? '';
    const rank = UNIT_ORDER.indexOf(unit);
    if (rank <= lastUnitRank) return fail('units must appear once each, largest first (e.g. 1m30s)');
    lastUnitRank = rank;
    totalMs += value * (UNIT_MS[unit] ?? Number.NaN);
    consumed += part[0].length;
  }
  if (consumed === 0) {
    return fail(/^[\d.]+$/.test(input) ? 'missing unit (use e.g. 500ms, 1.5s, 2m)' : 'expected e.g. 500ms, 1.5s, 2m or 00:01:02.5');
  }
  if (consumed !== input.length) return fail('unexpected characters');
  if (!Number.isFinite(totalMs)) return fail('not a finite number');
  return roundMs(totalMs);
}

function roundMs(value: number): number {
  return Math.round(value * 1000) / 1000;
}
