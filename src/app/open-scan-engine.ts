/**
 * The scan engine: everything `ldf scan` and `ldf eval` load before the first file, opened once with every
 * check in one place: the backend, the model (refused when untrained, unless the caller allows it, and when
 * its crop convention is not one ldf implements), the face detector (refused where the model's crop is tied
 * to another detector's box), ffmpeg, and the decoder pool. close() frees all of it.
 */
import { assertCropConvention, cropFace } from '../faces/crop-face.js';
import { faceApiPackageVersion } from '../faces/face-api-runtime.js';
import { FaceDetector, type FaceDetectorKind } from '../faces/face-detector.js';
import { selectBackend, type BackendInfo, type BackendName } from '../model/backend.js';
import { ModelError } from '../model/errors.js';
import { LdfnetModel } from '../model/ldfnet-model.js';
import { defaultModelDir } from '../model/model-registry.js';
import type { ScanReport } from '../report/scan-report.js';
import type { ScanContext } from '../scan/scan-file.js';
import { DecodePool } from '../video/decode-pool.js';
import { BUNDLED_FFMPEG_NOTE, FfmpegAdapter } from '../video/ffmpeg-adapter.js';
import { UsageError } from '../util/usage-error.js';

export interface ScanEngineRequest {
  /** Model folder; the registry's default model when absent. */
  modelDir?: string;
  backend?: BackendName;
  threads?: number;
  /** Face detector; `ssd` when absent. */
  detector?: FaceDetectorKind;
  /** Run an untrained model (plumbing tests only): otherwise MODEL_UNTRAINED. */
  allowUntrained?: boolean;
  ffmpegPath?: string;
  ffprobePath?: string;
  /** What the refusal of an untrained model says it refuses ("to give verdicts", "to evaluate"). */
  purpose?: string;
}

export interface ScanEngine {
  readonly model: LdfnetModel;
  readonly detector: FaceDetector;
  readonly detectorKind: FaceDetectorKind;
  readonly ffmpeg: FfmpegAdapter;
  readonly backend: BackendInfo;
  /** What scanBatch() needs: model, detector, the crop function, ffmpeg, and the decoder pool. */
  readonly context: ScanContext;
  /** The model as reports record it. */
  readonly modelInfo: ScanReport['model'];
  readonly backendInfo: ScanReport['backend'];
  /** The detector as reports record it (options.detector). */
  readonly detectorInfo: { name: FaceDetectorKind; package: string; version: string };
  /** The ffmpeg and ffprobe as reports record them (path, how found, version). */
  readonly decoderInfo: NonNullable<ScanReport['decoder']>;
  /** Warnings to show the user once, before the scan (the bundled 2018 ffmpeg decodes the files). */
  readonly warnings: string[];
  /** Frees the detector, the decoder pool and the model. Idempotent. */
  close(): Promise<void>;
}

/** What running a scan or an eval needs of an engine (tests give fakes through ScanContext's interfaces). */
export type ScanEngineView = Pick<ScanEngine, 'context' | 'modelInfo' | 'backendInfo' | 'detectorInfo'> & Partial<Pick<ScanEngine, 'decoderInfo'>>;

/**
 * Opens the engine. Nothing is left allocated when it throws.
 * @throws ModelError MODEL_UNTRAINED (and the model loader's codes), UsageError for a detector the model's
 *   crop cannot use, and the backend's, detector's and ffmpeg's own errors.
 */
export async function openScanEngine(request: ScanEngineRequest): Promise<ScanEngine> {
  const backend = await selectBackend({ backend: request.backend, threads: request.threads });
  const model = await LdfnetModel.load(request.modelDir ?? (await defaultModelDir()));
  const opened: { detector?: FaceDetector; pool?: DecodePool } = {};
  try {
    if (!model.trained && request.allowUntrained !== true) {
      throw new ModelError(
        'MODEL_UNTRAINED',
        `${model.dir ?? model.manifest.id}: the model is untrained (manifest says trained: false); refusing ${request.purpose ?? 'to give verdicts'} from untrained weights`,
      );
    }
    assertCropConvention(model.manifest.crop);
    const detectorKind = request.detector ?? 'ssd';
    const ffmpeg = await FfmpegAdapter.create({ ffmpegPath: request.ffmpegPath, ffprobePath: request.ffprobePath });
    if (detectorKind !== 'ssd' && model.manifest.crop.name === 'square-box-scaled') {
      throw new UsageError(`--detector ${detectorKind}: ${model.manifest.id} crops faces on the SSD detector's box (crop square-box-scaled); use --detector ssd`);
    }
    const decoderInfo = await ffmpeg.describe();
    const warnings = decoderInfo.ffmpeg.source === 'bundled' || decoderInfo.ffprobe.source === 'bundled' ? [BUNDLED_FFMPEG_NOTE] : [];
    const detector = await FaceDetector.load({ detector: detectorKind });
    opened.detector = detector;
    const pool = new DecodePool(ffmpeg.binaries);
    opened.pool = pool;
    let closed = false;
    return {
      model,
      detector,
      detectorKind,
      ffmpeg,
      backend,
      context: { model, detector, crop: cropFace, ffmpeg, opener: pool },
      modelInfo: {
        id: model.manifest.id,
        version: model.manifest.version,
        dir: model.dir ?? null,
        trained: model.trained,
        weightsSha256: model.manifest.weights.files.map((f) => f.sha256),
      },
      backendInfo: { name: backend.name, threads: backend.threads, simd: backend.simd },
      detectorInfo: { name: detectorKind, package: '@vladmandic/face-api', version: faceApiPackageVersion() },
      decoderInfo,
      warnings,
      async close() {
        if (closed) return;
        closed = true;
        detector.dispose();
        try {
          await pool.close();
        } finally {
          model.dispose();
        }
      },
    };
  } catch (error) {
    opened.detector?.dispose();
    await opened.pool?.close();
    model.dispose();
    throw error;
  }
}
