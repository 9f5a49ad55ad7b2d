#!/usr/bin/env bash
# Evaluates a trained model on the held-out validation sets in ../shared/data/validation (not part of a
# user's clone) and writes eval reports, ROC pictures and score-against-face-size plots to OUT:
#   scripts/evaluate-held-out.sh models/ldfnet-sbi-v2 OUT [extra ldf eval flags, e.g. --frames 8]
# Each set's report breaks down by source or method (--group-by name-prefix: FaceForensics++ methods are
# the file-name prefix). Then scripts/calibrate-model.ts sets the model's thresholds from those reports
# (see docs/model-card.md).
set -euo pipefail
MODEL=${1:?usage: evaluate-held-out.sh MODEL_DIR OUT_DIR [ldf eval flags]}
OUT=${2:?usage: evaluate-held-out.sh MODEL_DIR OUT_DIR [ldf eval flags]}
shift 2
VALIDATION=${LDF_VALIDATION_DIR:-$(dirname "$0")/../../shared/data/validation}
SETS=${LDF_VALIDATION_SETS:-ffpp-c40 celeb-clips swap-stills dfdc-crops videos yonsei-real-fake}
mkdir -p "$OUT"
# Images: each file is one frame. Videos: 32 evenly spaced frames (ldf scan's default), mean per person.
for SET in $SETS; do
  node "$(dirname "$0")/../bin/run.js" eval "$VALIDATION/$SET" --model "$MODEL" --group-by name-prefix \
    --json --output "$OUT/eval-$SET.json" --roc "$OUT/roc-$SET.svg" --size-plot "$OUT/size-$SET.svg" --quiet "$@" \
    || echo "ldf eval exited $? on $SET: see the failed items in $OUT/eval-$SET.json" >&2
done
