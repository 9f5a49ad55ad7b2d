import cliProgress from 'cli-progress';
import type { PrepareEvent } from '../dataset/prepare-dataset.js';

export interface DatasetProgress {
  onEvent(event: PrepareEvent): void;
  /** Removes the bar (before printing a line on stderr, and at the end). */
  stop(): void;
}

/** One progress bar on stderr for `ldf dataset prepare`: files done, faces, errors, images/s. Only when enabled. */
export function createDatasetProgress(options: { enabled: boolean }): DatasetProgress {
  if (!options.enabled) return { onEvent: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      clearOnComplete: true,
      hideCursor: true,
      format: ' prepare |{bar}| {value}/{total} files  {faces} faces  {errors} errors  {rate} img/s  eta {eta_formatted}',
      barsize: 30,
      etaBuffer: 200,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let faces = 0;
  let errors = 0;
  let frames = 0;
  let t0 = performance.now();
  let total = 0;
  return {
    onEvent(event) {
      if (event.type === 'start') {
        total = event.toProcess;
        t0 = performance.now();
        bar.start(total, 0, { faces, errors, rate: '-' });
        started = true;
      } else if (event.type === 'source-done' && started) {
        faces += event.record.faces;
        frames += event.record.frames;
        if (event.record.status === 'error') errors++;
        const seconds = (performance.now() - t0) / 1000;
        bar.update(event.processed, { faces, errors, rate: seconds > 0 ? (frames / seconds).toFixed(1) : '-' });
      }
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}
