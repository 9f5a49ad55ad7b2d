import type { Rational } from './rational.js';

/** Clockwise rotation a player applies to display the stored frames. */
export type RotationDeg = 0 | 90 | 180 | 270;

export interface VideoStreamInfo {
  /** Absolute stream index in the container (what `-map 0:<index>` takes). */
  index: number;
  /** ffprobe codec_name, e.g. "h264", "hevc", "mjpeg", "png". */
  codec: string;
  profile: string | null;
  /** Stored (coded, pre-rotation) frame size in pixels. */
  width: number;
  height: number;
  /** Size as displayed, i.e. after applying `rotationDeg` (width/height swapped for 90/270). */
  displayWidth: number;
  displayHeight: number;
  /**
   * Clockwise rotation in degrees needed for display, normalised to 0/90/180/270.
   * From side_data_list "Display Matrix" `rotation` (counter-clockwise, so negated) or,
   * for older ffprobe builds, the legacy `tags.rotate` (already clockwise).
   */
  rotationDeg: RotationDeg;
  /**
   * Mirror the stored frame (left to right) before rotating it by `rotationDeg`: EXIF orientations 2, 4, 5
   * and 7 of a still image. Absent (false) for everything else.
   */
  mirrored?: boolean;
  /** Pixel aspect ratio; null when unknown/unset ("0:1"). Frames are NOT resampled for it. */
  sampleAspectRatio: Rational | null;
  /** ffprobe pix_fmt, e.g. "yuv420p", "yuv420p10le"; null when unknown. */
  pixelFormat: string | null;
  /** Bits per component (bits_per_raw_sample, else derived from pix_fmt); null when unknown. */
  bitDepth: number | null;
  /** color_transfer is PQ (smpte2084) or HLG (arib-std-b67). */
  isHdr: boolean;
  colorTransfer: string | null;
  colorPrimaries: string | null;
  colorSpace: string | null;
  colorRange: string | null;
  /** avg_frame_rate (total frames / duration); null when "0/0". */
  avgFrameRate: Rational | null;
  /** r_frame_rate (lowest common frame rate / "real base rate"); null when "0/0". */
  realFrameRate: Rational | null;
  /** Best single fps number: avg_frame_rate, else r_frame_rate; null when neither is known. */
  frameRate: number | null;
  /** nb_frames when the container states it (mp4/mov do, mkv/webm usually do not). */
  frameCount: number | null;
  /** avg_frame_rate and r_frame_rate both known and differ by more than 0.1 %. */
  isVariableFrameRate: boolean;
  /** Stream duration (or matroska `DURATION` tag); null when unknown. */
  durationMs: number | null;
  /** Stream start time relative to the container start; null when unknown. */
  startTimeMs: number | null;
  /** stream time_base; null when unknown. */
  timeBase: Rational | null;
}

export interface MediaInfo {
  /** The path that was probed, as given. */
  filePath: string;
  /** ffprobe format_name, e.g. "mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm", "png_pipe". */
  formatName: string;
  formatLongName: string | null;
  /**
   * Container duration, falling back to the video stream duration; null when unknown
   * (still images, raw elementary streams).
   */
  durationMs: number | null;
  /** Container start_time (0 when unknown). Frame timestamps are relative to this. */
  startTimeMs: number;
  sizeBytes: number | null;
  bitRate: number | null;
  /** The video stream frames are read from: the first video stream that is not cover art. */
  video: VideoStreamInfo;
  videoStreamCount: number;
  hasAudio: boolean;
  /** A single still picture (png/jpeg/webp/... image) rather than a video. */
  isStillImage: boolean;
  /** Container-level tags (encoder, creation_time, major_brand...). */
  formatTags: Readonly<Record<string, string>>;
  /**
   * Set for an animated image that ffmpeg cannot decode (animated WebP: ffmpeg's webp decoder reads no
   * ANIM/ANMF chunks): its frames are decoded by libvips through sharp (src/video/animated-webp.ts), one at a
   * time. `frameStartsMs`: when each frame appears, ms from the start (ascending, the first is 0).
   */
  animatedImage?: { frameStartsMs: readonly number[] };
}
