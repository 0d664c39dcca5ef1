"""BERT pretraining records (TFRecord, without TensorFlow) and the TPU launcher."""
