import type { AggregateRule, ScanOptions } from '../report/scan-report.js';
import { checkThresholds, type FailOn, type VerdictThresholds } from '../report/verdicts.js';
import type { ScanSettings } from '../scan/scan-file.js';
import { DEFAULT_MIN_CONFIDENCE_BY_DETECTOR, parseNumberFlag, parseSamplingFlags, UsageError } from './scan-flags.js';

/** The parsed values of scanFlags (src/cli/scan-flags.ts) that shape a scan. */
export interface ScanFlagValues {
  frames?: number | undefined;
  every?: string | undefined;
  fps?: string | undefined;
  keyframes?: boolean | undefined;
  start?: string | undefined;
  end?: string | undefined;
  'max-frames'?: number | undefined;
  'min-face': number;
  'min-confidence': string | undefined;
  'min-judged-face'?: number | undefined;
  decode?: string | undefined;
  'max-faces': number;
  aggregate: string;
  'top-k': number;
  'min-track-faces': number;
  'threshold-real'?: string | undefined;
  'threshold-fake'?: string | undefined;
  'batch-size': number;
}

/**
 * What `ldf scan` and `ldf eval` scan with, from the same flags and defaults: the options a report
 * records and the settings scanFile/scanBatch run with. Thresholds default to the model's.
 * @throws UsageError for a bad flag value.
 */
export function scanSettingsFromFlags(
  flags: ScanFlagValues,
  modelThresholds: VerdictThresholds,
  failOn: FailOn,
  detector: 'tiny' | 'ssd' = 'ssd',
  modelMinJudgedFacePx = 0,
): { options: ScanOptions; settings: ScanSettings } {
  const minJudgedFacePx = flags['min-judged-face'] ?? modelMinJudgedFacePx;
  const sampling = parseSamplingFlags(flags);
  const minConfidence =
    flags['min-confidence'] === undefined ? DEFAULT_MIN_CONFIDENCE_BY_DETECTOR[detector] : parseNumberFlag('min-confidence', flags['min-confidence'], 0, 1);
  const thresholds = checkThresholdsFlag({
    real: flags['threshold-real'] === undefined ? modelThresholds.real : parseNumberFlag('threshold-real', flags['threshold-real'], 0, 1),
    fake: flags['threshold-fake'] === undefined ? modelThresholds.fake : parseNumberFlag('threshold-fake', flags['threshold-fake'], 0, 1),
  });
  const options: ScanOptions = {
    sampling: sampling.report,
    minFacePx: flags['min-face'],
    minConfidence,
    maxFaces: flags['max-faces'],
    aggregate: flags.aggregate as AggregateRule,
    topK: flags['top-k'],
    minTrackFaces: flags['min-track-faces'],
    thresholds,
    failOn,
    batchSize: flags['batch-size'],
    ...(minJudgedFacePx > 0 ? { minJudgedFacePx } : {}),
    decode: flags.decode === 'exact' ? 'exact' : 'auto',
  };
  const settings: ScanSettings = {
    sampling: sampling.spec,
    startMs: sampling.startMs,
    endMs: sampling.endMs,
    maxFrames: sampling.maxFrames,
    minFacePx: options.minFacePx,
    minConfidence,
    maxFaces: options.maxFaces,
    aggregate: { rule: options.aggregate, topK: options.topK },
    minTrackFaces: options.minTrackFaces,
    thresholds,
    batchSize: options.batchSize,
    minJudgedFacePx,
    decode: options.decode,
  };
  return { options, settings };
}

function checkThresholdsFlag(t: VerdictThresholds): VerdictThresholds {
  try {
    return checkThresholds(t);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
