#!/usr/bin/env bash
# The default text-to-face model's training recipe (SynthFaces 64x64): every flag and seed is here.
# Each phase resumes from its run folder's checkpoint, so rerunning this script continues where it stopped;
# Ctrl+C or SIGTERM writes a checkpoint first. Phases: data -> gan -> critic -> projector -> bundle.
#
#   training/synthfaces64.sh [gan|critic|projector|bundle|all]     (default: all)
#
# Environment: T2F_TRAIN_THREADS (libtorch threads, default 1 so builds and tests keep a core),
#              T2F_GAN_STEPS (default 100000), T2F_PROJECTOR_STEPS (default 25000).
set -euo pipefail
cd "$(dirname "$0")/.."
phase=${1:-all}
threads=${T2F_TRAIN_THREADS:-1}
gan_steps=${T2F_GAN_STEPS:-100000}
projector_steps=${T2F_PROJECTOR_STEPS:-25000}
data=training/data/synthfaces64        # ignored by git: re-rendered bit-identically from the seed
gan_run=training/synthfaces64/gan      # checkpoint.safetensors here is committed at the end of each session
projector_run=training/synthfaces64/projector
# The projector's attribute critic: an attribute classifier trained on the projector's own training faces (seed 5),
# a different network and data from the embedded classifier every evaluation reports with.
critic=training/synthfaces64/critic/attribute-critic.safetensors
# The attribute term was added to the recipe when the projector run had reached step 13,313 (pixel + perceptual
# only until then); it applies from that step on. A/B on 300 validation faces: docs/default-model.md.
attribute_weight=10
attribute_start=13313
# From step 20,000 (where the first version of this recipe ended) the term's weight is 30: on the validation set
# 1,000 more steps at 30 found 2 points more of the stated attributes than the step-20,000 model (docs/default-model.md).
late_attribute_weight=30
late_attribute_from=20000
# From step 23,000 the weight is 100: 2,000 steps at 30 had stopped adding stated attributes on the validation set,
# 1,000 at 100 added 1.8 points (absent -0.4, face-api identity similarity -0.02 centred; docs/default-model.md).
final_attribute_weight=100
final_attribute_from=23000
# From step 24,000 the critic sees each generated face flipped, shifted and with pixel noise (--attribute-augment):
# until then the projector had learned to satisfy the frozen critic with patterns that are not the attributes (the
# critic found 88.6 % of the stated attributes on the step-24,000 model, 79 % on real faces, the evaluation classifier
# 72 %); 1,000 steps with the augmented critic raised the validation set's stated attributes from 72.1 % to 77.2 %
# where 1,000 more steps without it gave 69.5 % (docs/default-model.md).
augment_from=24000
out=training/synthfaces64/bundle

build() { dotnet build "$1" -c Release -v q -nologo >/dev/null; }
# The trainer runs from a private copy of its managed assemblies: a later `dotnet build` of the solution rewrites
# samples/*/bin in place, which would pull the files out from under a run that lasts hours. libtorch (runtimes/)
# never changes between builds, so it is linked, not copied (1.3 GB).
trainer=training/.bin/T2F.Train
stage_trainer() {
  build samples/T2F.Train
  local from=samples/T2F.Train/bin/Release/net10.0
  rm -rf "$trainer.new" && mkdir -p "$trainer.new"
  find "$from" -maxdepth 1 -type f -exec cp {} "$trainer.new/" \;
  ln -s "$(realpath "$from/runtimes")" "$trainer.new/runtimes"
  rm -rf "$trainer" && mv "$trainer.new" "$trainer"
}

if [ ! -f "$data/list_attr_celeba.txt" ]; then
  build samples/T2F.Datasets
  dotnet samples/T2F.Datasets/bin/Release/net10.0/T2F.Datasets.dll render --count 30000 --size 64 --seed 0 --out "$data"
fi

if [ "$phase" = gan ] || [ "$phase" = all ]; then
  stage_trainer
  dotnet "$trainer/T2F.Train.dll" gan --data "$data" --run "$gan_run" \
    --size 64 --channels 4:96,8:96,16:96,32:64,64:32 --style 256 --mapping 4 \
    --batch 8 --lr 0.002 --seed 0 --steps "$gan_steps" \
    --checkpoint-every 250 --sample-every 1000 --log-every 50 --threads "$threads"
fi

if { [ "$phase" = critic ] || [ "$phase" = all ]; } && [ ! -f "$critic" ]; then
  build samples/T2F.Evaluate
  dotnet samples/T2F.Evaluate/bin/Release/net10.0/T2F.Evaluate.dll train-attributes --train-data "$data" \
    --count 6000 --val-count 1000 --epochs 8 --seed 5 --threads "$threads" --out "$critic"
fi

if [ "$phase" = projector ] || [ "$phase" = all ]; then
  stage_trainer
  # train_projector STEPS WEIGHT [FLAGS]: continues the run up to STEPS (nothing to do when it is there already).
  train_projector() {
    dotnet "$trainer/T2F.Train.dll" projector --data "$data" --generator "$gan_run/checkpoint.safetensors" \
      --run "$projector_run" --space wplus --hidden 512 --depth 2 --noise 16 \
      --batch 16 --lr 0.0005 --seed 0 --steps "$1" --perceptual resnet18:64 \
      --checkpoint-every 250 --sample-every 1000 --log-every 50 --threads "$threads" \
      --attribute-critic "$critic" --attribute-weight "$2" --attribute-start "$attribute_start" "${@:3}"
  }
  train_projector $(( projector_steps < late_attribute_from ? projector_steps : late_attribute_from )) "$attribute_weight"
  if [ "$projector_steps" -gt "$late_attribute_from" ]; then
    train_projector $(( projector_steps < final_attribute_from ? projector_steps : final_attribute_from )) "$late_attribute_weight"
  fi
  if [ "$projector_steps" -gt "$final_attribute_from" ]; then
    train_projector $(( projector_steps < augment_from ? projector_steps : augment_from )) "$final_attribute_weight"
  fi
  if [ "$projector_steps" -gt "$augment_from" ]; then
    train_projector "$projector_steps" "$final_attribute_weight" --attribute-augment
  fi
fi

if [ "$phase" = bundle ] || [ "$phase" = all ]; then
  stage_trainer
  dotnet "$trainer/T2F.Train.dll" bundle --generator "$gan_run/checkpoint.safetensors" \
    --projector-run "$projector_run" --out "$out"
fi
