#!/usr/bin/env bash
# korpus pretrain launch: setup, run on the TPU VM ({{NODE}}).
# Installs TF Model Garden (tf-models-official {{MODELS_VERSION}}) pinned to the
# TensorFlow of the runtime {{RUNTIME_VERSION}}, then checks that TensorFlow
# still sees {{TPU_CORES}} TPU cores.
set -euo pipefail

EXPECTED_TF="{{TF_VERSION}}"
MODELS_VERSION="{{MODELS_VERSION}}"
EXPECTED_CORES="{{TPU_CORES}}"
{{RUNTIME_ENV}}
tf_version() { python3 -c 'import tensorflow as tf; print(tf.__version__)' 2>/dev/null; }

before="$(tf_version || true)"
case "${before}" in
  "${EXPECTED_TF}"*) ;;
  *) echo "setup: expected TensorFlow ${EXPECTED_TF} on this runtime, found '${before}'" >&2; exit 1 ;;
esac

# Keep the runtime's TensorFlow: tf-models-official must not replace it.
echo "tensorflow==${before}" > "${HOME}/korpus-constraints.txt"
python3 -m pip install --user --quiet "tf-models-official==${MODELS_VERSION}" \
  -c "${HOME}/korpus-constraints.txt"

after="$(tf_version)"
if [[ "${after}" != "${before}" ]]; then
  echo "setup: installing tf-models-official changed TensorFlow ${before} -> ${after}" >&2
  exit 1
fi

python3 - "${EXPECTED_CORES}" <<'PY'
import sys

import tensorflow as tf

resolver = tf.distribute.cluster_resolver.TPUClusterResolver(tpu="local")
tf.config.experimental_connect_to_cluster(resolver)
tf.tpu.experimental.initialize_tpu_system(resolver)
cores = len(tf.config.list_logical_devices("TPU"))
print(f"setup: TensorFlow {tf.__version__} sees {cores} TPU cores")
if cores != int(sys.argv[1]):
    sys.exit(f"setup: expected {sys.argv[1]} TPU cores")
PY
python3 -c 'import official.legacy.bert.run_pretraining' && echo "setup: Model Garden BERT runner importable"
