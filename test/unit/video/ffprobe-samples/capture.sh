#!/usr/bin/env bash
# Regenerates the ffprobe JSON samples in this folder from tiny media made with the bundled
# ffmpeg (@ffmpeg-installer/ffmpeg) and probed with the bundled ffprobe (@ffprobe-installer/ffprobe).
# Usage: bash test/unit/video/ffprobe-samples/capture.sh   (from the repository root)
set -euo pipefail
root="$(cd "$(dirname "$0")/../../../.." && pwd)"
out="$root/test/unit/video/ffprobe-samples"
ffmpeg="$(node -e "console.log(require('@ffmpeg-installer/ffmpeg').path)")"
ffprobe="$(node -e "console.log(require('@ffprobe-installer/ffprobe').path)")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
q=(-nostdin -hide_banner -loglevel error -y)
src=(-f lavfi -i testsrc2=size=64x48:rate=25)

"$ffmpeg" "${q[@]}" "${src[@]}" -f lavfi -i sine=frequency=440:sample_rate=8000 -t 1 -c:v libx264 -pix_fmt yuv420p -c:a aac -shortest h264-aac.mp4
"$ffmpeg" "${q[@]}" "${src[@]}" -t 1 -c:v libx264 -pix_fmt yuv420p plain.mp4
# This (2018) ffmpeg's mov muxer writes rotate=270 as a display matrix of -90 degrees, i.e. the
# stored frames must be turned 90 degrees clockwise for display.
"$ffmpeg" "${q[@]}" -i plain.mp4 -c copy -metadata:s:v:0 rotate=270 rotated-cw90.mp4
"$ffmpeg" "${q[@]}" "${src[@]}" -t 1 -c:v libx265 -pix_fmt yuv420p10le \
  -x265-params log-level=error:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc \
  -color_primaries bt2020 -color_trc smpte2084 -colorspace bt2020nc hevc-10bit-pq.mp4
"$ffmpeg" "${q[@]}" "${src[@]}" -t 1 -c:v prores_ks -profile:v 3 -pix_fmt yuv422p10le \
  -color_trc arib-std-b67 -color_primaries bt2020 -colorspace bt2020nc -movflags +write_colr prores-10bit-hlg.mov
"$ffmpeg" "${q[@]}" "${src[@]}" -t 1 -c:v ffv1 -pix_fmt yuv422p10le ffv1-10bit.mkv
"$ffmpeg" "${q[@]}" -f lavfi -i testsrc2=size=64x48:rate=30 -t 2 -vf "setpts='if(lt(N,30),N/30,1+(N-30)/10)/TB'" \
  -vsync vfr -c:v libx264 -pix_fmt yuv420p vfr.mp4
"$ffmpeg" "${q[@]}" -f lavfi -i sine=frequency=440:sample_rate=8000 -t 1 -c:a aac audio-only.m4a
"$ffmpeg" "${q[@]}" -f lavfi -i testsrc2=size=64x48 -frames:v 1 still.png
"$ffmpeg" "${q[@]}" -f lavfi -i testsrc2=size=64x48 -frames:v 1 still.jpg
"$ffmpeg" "${q[@]}" -f lavfi -i sine=frequency=440:sample_rate=8000 -i still.png -t 1 -map 0 -map 1 \
  -c:a libmp3lame -c:v png -disposition:v attached_pic audio-cover-art.mp3
"$ffmpeg" "${q[@]}" -f lavfi -i testsrc=size=321x241:rate=25 -t 1 -c:v libx264 -pix_fmt yuv444p odd-size-321x241.mp4

for f in h264-aac.mp4 rotated-cw90.mp4 hevc-10bit-pq.mp4 prores-10bit-hlg.mov ffv1-10bit.mkv vfr.mp4 \
         audio-only.m4a still.png still.jpg audio-cover-art.mp3 odd-size-321x241.mp4; do
  "$ffprobe" -v error -print_format json -show_format -show_streams "$f" > "$out/$f.json"
done
echo "captured into $out"
