#!/usr/bin/env bash
# The README's pictures of the default model (the embedded T2F.Models.SynthFaces weights): a grid of 8 fixed
# descriptions x 4 seeds, an edit strip and an interpolation strip. Deterministic: same weights, same PNGs.
#   training/synthfaces64-figures.sh            (writes docs/images/default-model-*.png)
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build samples/T2F.TextToFace -c Release -v q -nologo >/dev/null
t2f=samples/T2F.TextToFace/bin/Release/net10.0/T2F.TextToFace.dll
out=$(mktemp -d /tmp/t2f-figures.XXXXXX)
trap 'rm -rf "$out"' EXIT
descriptions=(
  "The woman has wavy blond hair and is smiling."
  "The man has black hair and a beard."
  "The young woman has straight brown hair, bangs and wears lipstick."
  "The old man is bald and has a gray mustache."
  "The man wears eyeglasses and has short brown hair."
  "The woman has black hair, arched eyebrows and heavy makeup."
  "The young man has blond hair and a goatee."
  "The woman has gray hair and wears earrings."
)
args=()
for d in "${descriptions[@]}"; do args+=(--text "$d"); done
dotnet "$t2f" "${args[@]}" --count 4 --seed 0 --truncation 0.7 --out "$out/grid" >/dev/null
cp "$out/grid/grid.png" docs/images/default-model-grid.png
dotnet "$t2f" --text "The woman has straight brown hair." --edit "The woman has straight brown hair and wears eyeglasses." \
  --count 4 --seed 0 --truncation 0.7 --out "$out/edit" >/dev/null
cp "$out/edit/edit_strip.png" docs/images/default-model-edit.png
dotnet "$t2f" --text "The old man is bald and has a gray mustache." --interpolate "The young woman has wavy blond hair and is smiling." \
  --frames 8 --count 1 --seed 0 --truncation 0.7 --out "$out/interpolation" >/dev/null
cp "$out/interpolation/interpolation.png" docs/images/default-model-interpolation.png
printf '%s\n' "${descriptions[@]}" > docs/images/default-model-grid.txt
echo "wrote docs/images/default-model-grid.png (rows: docs/images/default-model-grid.txt), default-model-edit.png, default-model-interpolation.png"
