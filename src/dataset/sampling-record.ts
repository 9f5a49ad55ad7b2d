import type { SamplingOptions } from '../report/scan-report.js';
import type { SamplingSpec } from '../video/sample-times.js';

/**
 * How frames were sampled, as a report or a dataset manifest records it (SamplingOptions: the spec's own
 * field, null for the others; the window and the frame cap, null when not given). The one builder of the
 * record, for the scan and eval flags (src/cli/scan-flags.ts) and dataset.json (prepare-dataset.ts). It sits
 * here, the lowest folder that sees both src/video's SamplingSpec and src/report's SamplingOptions and that
 * src/cli may import.
 */
export function samplingRecord(
  spec: SamplingSpec,
  window: { startMs?: number | undefined; endMs?: number | undefined; maxFrames?: number | undefined },
): SamplingOptions {
  return {
    mode: spec.mode,
    frames: spec.mode === 'count' ? spec.frames : null,
    intervalMs: spec.mode === 'every' ? spec.intervalMs : null,
    fps: spec.mode === 'fps' ? spec.fps : null,
    startMs: window.startMs ?? null,
    endMs: window.endMs ?? null,
    maxFrames: window.maxFrames ?? null,
  };
}
