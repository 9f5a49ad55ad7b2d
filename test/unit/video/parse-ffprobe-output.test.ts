import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { parseFfprobeOutput } from '../../../src/video/parse-ffprobe-output.js';
import { VideoError } from '../../../src/video/video-error.js';

/** Real `ffprobe -print_format json -show_format -show_streams` output (see ffprobe-samples/capture.sh). */
function sample(name: string): Record<string, unknown> {
  const url = new URL(`./ffprobe-samples/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(fileURLToPath(url), 'utf8')) as Record<string, unknown>;
}

/** A deep copy of a sample with its first stream changed by `edit`. */
function withFirstStream(name: string, edit: (stream: Record<string, unknown>) => void): Record<string, unknown> {
  const json = sample(name);
  const streams = json.streams as Record<string, unknown>[];
  edit(streams[0] as Record<string, unknown>);
  return json;
}

function expectVideoError(run: () => unknown, code: string): VideoError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(VideoError);
    expect((error as VideoError).code).toBe(code);
    return error as VideoError;
  }
  throw new Error(`expected VideoError ${code}`);
}

describe('parseFfprobeOutput on real ffprobe samples', () => {
  it('parses a plain H.264 + AAC mp4', () => {
    const info = parseFfprobeOutput(sample('h264-aac.mp4'), 'h264-aac.mp4');
    expect(info.formatName).toBe('mov,mp4,m4a,3gp,3g2,mj2');
    expect(info.durationMs).toBe(1000);
    expect(info.startTimeMs).toBe(0);
    expect(info.hasAudio).toBe(true);
    expect(info.isStillImage).toBe(false);
    expect(info.videoStreamCount).toBe(1);
    expect(info.formatTags.encoder).toMatch(/^Lavf/);
    expect(info.video).toMatchObject({
      index: 0,
      codec: 'h264',
      width: 64,
      height: 48,
      displayWidth: 64,
      displayHeight: 48,
      rotationDeg: 0,
      pixelFormat: 'yuv420p',
      bitDepth: 8,
      isHdr: false,
      avgFrameRate: { num: 25, den: 1 },
      realFrameRate: { num: 25, den: 1 },
      frameRate: 25,
      frameCount: 25,
      isVariableFrameRate: false,
      durationMs: 1000,
      timeBase: { num: 1, den: 12800 },
      sampleAspectRatio: { num: 1, den: 1 },
    });
  });

  it('accepts the JSON as text too', () => {
    const text = JSON.stringify(sample('h264-aac.mp4'));
    expect(parseFfprobeOutput(text, 'a.mp4').video.codec).toBe('h264');
  });

  it('reads the display matrix of a rotated clip and swaps the displayed size', () => {
    const info = parseFfprobeOutput(sample('rotated-cw90.mp4'), 'rotated-cw90.mp4');
    // side_data_list rotation is -90 (counter-clockwise degrees) => 90 degrees clockwise.
    expect(info.video.rotationDeg).toBe(90);
    expect(info.video.width).toBe(64);
    expect(info.video.height).toBe(48);
    expect(info.video.displayWidth).toBe(48);
    expect(info.video.displayHeight).toBe(64);
  });

  it.each([
    [90, 270],
    [-90, 90],
    [180, 180],
    [-180, 180],
    [0, 0],
    [-270, 270],
    [89.9, 270],
  ])('maps display matrix rotation %s to %s degrees clockwise', (matrixRotation, clockwise) => {
    const json = withFirstStream('rotated-cw90.mp4', (stream) => {
      (stream.side_data_list as Record<string, unknown>[])[0]!.rotation = matrixRotation;
    });
    const info = parseFfprobeOutput(json, 'r.mp4');
    expect(info.video.rotationDeg).toBe(clockwise);
    const swapped = clockwise === 90 || clockwise === 270;
    expect([info.video.displayWidth, info.video.displayHeight]).toEqual(swapped ? [48, 64] : [64, 48]);
  });

  it('falls back to the legacy tags.rotate (clockwise) of older ffprobe builds', () => {
    const json = withFirstStream('rotated-cw90.mp4', (stream) => {
      delete stream.side_data_list;
      (stream.tags as Record<string, string>).rotate = '270';
    });
    const info = parseFfprobeOutput(json, 'r.mp4');
    expect(info.video.rotationDeg).toBe(270);
    expect(info.video.displayWidth).toBe(48);
  });

  it('detects 10-bit HDR (PQ) HEVC', () => {
    const info = parseFfprobeOutput(sample('hevc-10bit-pq.mp4'), 'hevc.mp4');
    expect(info.video).toMatchObject({
      codec: 'hevc',
      profile: 'Main 10',
      pixelFormat: 'yuv420p10le',
      bitDepth: 10,
      isHdr: true,
      colorTransfer: 'smpte2084',
      colorPrimaries: 'bt2020',
      colorSpace: 'bt2020nc',
    });
  });

  it('detects 10-bit HDR (HLG) ProRes via bits_per_raw_sample', () => {
    const info = parseFfprobeOutput(sample('prores-10bit-hlg.mov'), 'p.mov');
    expect(info.video.codec).toBe('prores');
    expect(info.video.bitDepth).toBe(10);
    expect(info.video.isHdr).toBe(true);
    expect(info.video.colorTransfer).toBe('arib-std-b67');
  });

  it('derives the bit depth from pix_fmt and the duration from the matroska DURATION tag', () => {
    const info = parseFfprobeOutput(sample('ffv1-10bit.mkv'), 'f.mkv');
    expect(info.formatName).toBe('matroska,webm');
    expect(info.video.pixelFormat).toBe('yuv422p10le');
    expect(info.video.bitDepth).toBe(10);
    expect(info.video.isHdr).toBe(false);
    expect(info.video.frameCount).toBeNull(); // mkv has no nb_frames
    expect(info.video.durationMs).toBe(1000);
    expect(info.durationMs).toBe(1000);
  });

  it('flags variable frame rate when avg_frame_rate != r_frame_rate', () => {
    const info = parseFfprobeOutput(sample('vfr.mp4'), 'vfr.mp4');
    expect(info.video.avgFrameRate).toEqual({ num: 200, den: 9 });
    expect(info.video.realFrameRate).toEqual({ num: 30, den: 1 });
    expect(info.video.isVariableFrameRate).toBe(true);
    expect(info.video.frameRate).toBeCloseTo(22.222, 3);
    expect(info.video.frameCount).toBe(40);
    expect(info.durationMs).toBe(1800);
  });

  it('does not flag rounding-level differences as variable frame rate', () => {
    const json = withFirstStream('h264-aac.mp4', (stream) => {
      stream.avg_frame_rate = '2997/100';
      stream.r_frame_rate = '30000/1001';
    });
    expect(parseFfprobeOutput(json, 'a.mp4').video.isVariableFrameRate).toBe(false);
  });

  it('handles unknown frame rates ("0/0")', () => {
    const json = withFirstStream('h264-aac.mp4', (stream) => {
      stream.avg_frame_rate = '0/0';
      stream.r_frame_rate = '0/0';
    });
    const info = parseFfprobeOutput(json, 'a.mp4');
    expect(info.video.avgFrameRate).toBeNull();
    expect(info.video.realFrameRate).toBeNull();
    expect(info.video.frameRate).toBeNull();
    expect(info.video.isVariableFrameRate).toBe(false);
  });

  it('parses odd frame sizes', () => {
    const info = parseFfprobeOutput(sample('odd-size-321x241.mp4'), 'o.mp4');
    expect([info.video.width, info.video.height]).toEqual([321, 241]);
    expect(info.video.pixelFormat).toBe('yuv444p');
  });

  it('recognises a PNG still image', () => {
    const info = parseFfprobeOutput(sample('still.png'), 'still.png');
    expect(info.formatName).toBe('png_pipe');
    expect(info.isStillImage).toBe(true);
    expect(info.durationMs).toBeNull();
    expect(info.video.codec).toBe('png');
    expect(info.video.bitDepth).toBe(8);
    expect(info.hasAudio).toBe(false);
  });

  it('recognises a JPEG still image', () => {
    const info = parseFfprobeOutput(sample('still.jpg'), 'still.jpg');
    expect(info.formatName).toBe('jpeg_pipe');
    expect(info.isStillImage).toBe(true);
    expect(info.video.codec).toBe('mjpeg');
    expect(info.video.pixelFormat).toBe('yuvj420p');
  });

  it('recognises a single-frame image codec without duration in an unknown container as still', () => {
    const json = sample('still.jpg');
    (json.format as Record<string, unknown>).format_name = 'some_container';
    expect(parseFfprobeOutput(json, 'x').isStillImage).toBe(true);
  });

  it('does not call an MJPEG video with a duration a still image', () => {
    const json = sample('still.jpg');
    (json.format as Record<string, unknown>).format_name = 'avi';
    (json.format as Record<string, unknown>).duration = '4.000000';
    const info = parseFfprobeOutput(json, 'x.avi');
    expect(info.isStillImage).toBe(false);
    expect(info.durationMs).toBe(4000);
  });

  it('rejects audio-only media with NO_VIDEO_STREAM', () => {
    const error = expectVideoError(() => parseFfprobeOutput(sample('audio-only.m4a'), 'song.m4a'), 'NO_VIDEO_STREAM');
    expect(error.filePath).toBe('song.m4a');
    expect(error.reason).toMatch(/audio only/);
  });

  it('treats cover art (attached_pic) as no video stream', () => {
    expectVideoError(() => parseFfprobeOutput(sample('audio-cover-art.mp3'), 'a.mp3'), 'NO_VIDEO_STREAM');
  });

  it('rejects output without streams or with garbage as UNREADABLE_MEDIA', () => {
    expectVideoError(() => parseFfprobeOutput({ streams: [], format: {} }, 'x'), 'UNREADABLE_MEDIA');
    expectVideoError(() => parseFfprobeOutput({}, 'x'), 'UNREADABLE_MEDIA');
    expectVideoError(() => parseFfprobeOutput(null, 'x'), 'UNREADABLE_MEDIA');
    expectVideoError(() => parseFfprobeOutput('{not json', 'x'), 'UNREADABLE_MEDIA');
  });

  it('rejects a video stream without a frame size as UNREADABLE_MEDIA', () => {
    const json = withFirstStream('h264-aac.mp4', (stream) => {
      stream.width = 0;
    });
    expectVideoError(() => parseFfprobeOutput(json, 'x'), 'UNREADABLE_MEDIA');
  });
});
