#!/usr/bin/env bash
# korpus pretrain launch: training, run on the TPU VM ({{NODE}}), started detached.
# KR-BERT-MEDIUM pretraining with TF Model Garden's legacy BERT runner:
# {{SUMMARY}}
# Checkpoints go to {{MODEL_DIR}}; running this script again resumes from the
# latest one there (the runner restores it), e.g. after a preemption.
set -euo pipefail
export TF_USE_LEGACY_KERAS=1  # the legacy runner is written for Keras 2 (tf-keras)
{{RUNTIME_ENV}}
# Keep the log beside the checkpoints, whether training ends well or not.
trap 'gcloud storage cp "${HOME}/train.log" "{{MODEL_DIR}}/train.log" || true' EXIT

{{TRAIN_COMMAND}}

date -u +%FT%TZ | gcloud storage cp - "{{MODEL_DIR}}/DONE"
