/**
 * `ldf dataset prepare` as a use case: the options checked before anything loads, then the backend,
 * ffmpeg and the face detector, and prepareDataset over the inputs (the run's backend recorded in
 * dataset.json). Prints nothing: the pipeline's events go to hooks.onEvent; the summary is returned.
 */
import { prepareDataset, resolveOptions, type PrepareDatasetOptions, type PrepareEvent, type PrepareSummary } from '../dataset/prepare-dataset.js';
import { FaceDetector } from '../faces/face-detector.js';
import { selectBackend, type BackendInfo, type BackendName } from '../model/backend.js';
import { FfmpegAdapter } from '../video/ffmpeg-adapter.js';

/** What a request is checked against before anything loads, and its defaults. */
export { checkSplitOptions } from '../dataset/assign-split.js';
export { DATASET_DEFAULTS } from '../dataset/prepare-dataset.js';

/** prepareDataset's options, with the backend to select (by name) instead of the name to record. */
export type PrepareRequest = Omit<PrepareDatasetOptions, 'backend'> & {
  backend?: BackendName | undefined;
  threads?: number | undefined;
  ffmpegPath?: string | undefined;
  ffprobePath?: string | undefined;
};

export interface PrepareHooks {
  onEvent?: (event: PrepareEvent) => void;
}

export interface PrepareRun {
  summary: PrepareSummary;
  backend: BackendInfo;
}

/**
 * @throws DatasetError INVALID_OPTIONS (before anything loads), and prepareDataset's; the backend's,
 *   ffmpeg's and the detector's errors.
 */
export async function runPrepare(request: PrepareRequest, hooks: PrepareHooks = {}): Promise<PrepareRun> {
  const { backend: backendName, threads, ffmpegPath, ffprobePath, ...options } = request;
  resolveOptions(options); // bad options fail before the detector loads
  const backend = await selectBackend({ backend: backendName, threads });
  const ffmpeg = await FfmpegAdapter.create({ ffmpegPath, ffprobePath });
  const detector = await FaceDetector.load();
  try {
    const summary = await prepareDataset({ ...options, backend: backend.name }, { detector, ffmpeg }, hooks.onEvent);
    return { summary, backend };
  } finally {
    detector.dispose();
  }
}
