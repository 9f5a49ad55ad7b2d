#!/usr/bin/env bash
# Evaluates a trained model on the held-out validation sets in ../shared/data/validation (not part of a
# user's clone) and writes eval reports and ROC pictures to OUT:
#   scripts/evaluate-held-out.sh models/ldfnet-sbi-v2 OUT
# Then scripts/calibrate-model.ts sets the model's thresholds from those reports (see docs/model-card.md).
set -euo pipefail
MODEL=${1:?usage: evaluate-held-out.sh MODEL_DIR OUT_DIR}
OUT=${2:?usage: evaluate-held-out.sh MODEL_DIR OUT_DIR}
VALIDATION=${LDF_VALIDATION_DIR:-$(dirname "$0")/../../shared/data/validation}
mkdir -p "$OUT"
# Images: each file is one frame. Videos: 32 evenly spaced frames (ldf scan's default), mean per person.
for SET in yonsei-real-fake videos; do
  node "$(dirname "$0")/../bin/run.js" eval "$VALIDATION/$SET" --model "$MODEL" \
    --json --output "$OUT/eval-$SET.json" --roc "$OUT/roc-$SET.svg" --quiet \
    || echo "ldf eval exited $? on $SET: see the failed items in $OUT/eval-$SET.json" >&2
done
