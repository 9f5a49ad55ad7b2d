import type { ScanEngineRequest } from '../app/open-scan-engine.js';
import type { BackendName } from '../model/backend.js';
import { detectorFor } from './scan-flags.js';

/** The flags `ldf scan` and `ldf eval` share that say which engine to open (model, backend, detector, ffmpeg). */
export interface EngineFlags {
  model?: string | undefined;
  backend?: string | undefined;
  threads?: number | undefined;
  detector?: string | undefined;
  'allow-untrained'?: boolean | undefined;
  'ffmpeg-path'?: string | undefined;
  'ffprobe-path'?: string | undefined;
}

export function engineRequestFromFlags(flags: EngineFlags): ScanEngineRequest {
  return {
    modelDir: flags.model,
    backend: flags.backend as BackendName | undefined,
    threads: flags.threads,
    detector: detectorFor(flags.detector, ''),
    allowUntrained: flags['allow-untrained'] === true,
    ffmpegPath: flags['ffmpeg-path'],
    ffprobePath: flags['ffprobe-path'],
  };
}
