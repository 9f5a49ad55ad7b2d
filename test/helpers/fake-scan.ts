import type { ScanSettings } from '../../src/scan/scan-file.js';
import type { MediaInfo } from '../../src/video/media-info.js';

/**
 * Shared parts of the tests that scan through fakes (test/unit/scan/scan-batch.test.ts,
 * test/unit/app/run-scan.test.ts): the probe result of an 8x8, 1 s, 4 fps clip, and settings that sample
 * its 3 frames and take every face.
 */
export function fakeMediaInfo(file: string): MediaInfo {
  return {
    filePath: file,
    formatName: 'mov,mp4',
    formatLongName: null,
    durationMs: 1000,
    startTimeMs: 0,
    sizeBytes: 3,
    bitRate: null,
    video: { index: 0, codec: 'h264', width: 8, height: 8, displayWidth: 8, displayHeight: 8, rotationDeg: 0, frameRate: 4, isVariableFrameRate: false, bitDepth: 8, isHdr: false, durationMs: 1000 },
    videoStreamCount: 1,
    hasAudio: false,
    isStillImage: false,
    formatTags: {},
  } as unknown as MediaInfo;
}

export const FAKE_SCAN_SETTINGS: ScanSettings = {
  sampling: { mode: 'count', frames: 3 },
  minFacePx: 0,
  minConfidence: 0.5,
  maxFaces: 10,
  aggregate: { rule: 'mean' },
  minTrackFaces: 1,
  thresholds: { real: 0.3, fake: 0.7 },
  batchSize: 2,
};
