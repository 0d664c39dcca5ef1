"""The TPU run as data: its configuration, the gcloud commands of each step, and the
setup/training scripts rendered from ``pretrain/launcher/`` (no side effects but
writing those scripts)."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from korpus.core.errors import ConfigError
from korpus.core.io import write_text_atomic
from korpus.pretrain import defaults, krbert
from korpus.pretrain.checks import TPU_CORES, RecordsDir

# tf-models-official release for each TensorFlow minor version (it requires tensorflow~=X.Y).
MODELS_FOR_TF = {"2.13": "2.13.2", "2.14": "2.14.2", "2.15": "2.15.0", "2.16": "2.16.0",
                 "2.17": "2.17.0", "2.18": "2.18.0", "2.19": "2.19.1"}
STEPS = ("upload", "create", "setup", "train", "teardown")
EXECUTE_DEFAULT = ("upload", "create", "setup", "train")
STEPS_PER_LOOP = 1000

_BUCKET = re.compile(r"^gs://(?P<name>[a-z0-9][a-z0-9._-]{1,220}[a-z0-9])(/[^\s]*)?$")
BUCKET_RULE = ("a bucket name is 3-63 characters (up to 222 with dots, 63 between dots) of a-z, 0-9, "
               "'-', '_' and '.', starting and ending with a letter or digit")
_NAME = re.compile(r"^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$")
_RUNTIME = re.compile(r"^tpu-vm-tf-(\d+)\.(\d+)\.(\d+)(-pod)?(-pjrt|-se)?$")


def bucket_ok(url: str) -> bool:
    """A ``gs://`` URL whose bucket name Cloud Storage accepts.

    >>> bucket_ok("gs://my-bucket/runs"), bucket_ok("gs://x"), bucket_ok("gs://" + "a" * 64), bucket_ok("s3://abc")
    (True, False, False, False)
    """
    match = _BUCKET.match(url)
    if not match:
        return False
    name = match["name"]
    return all(len(part) <= 63 for part in name.split(".")) and ("." in name or len(name) <= 63)


@dataclass(frozen=True)
class LaunchConfig:
    records: Path
    bucket: str
    zone: str = defaults.ZONE
    tpu: str = defaults.TPU
    runtime_version: str = defaults.RUNTIME_VERSION
    name: str = defaults.RUN_NAME
    project: str | None = None
    train_steps: int = krbert.TRAIN_STEPS
    steps_per_epoch: int = defaults.STEPS_PER_EPOCH
    batch_size: int = krbert.TRAIN_BATCH_SIZE
    learning_rate: float = krbert.LEARNING_RATE
    warmup_steps: int = krbert.WARMUP_STEPS
    max_unk_rate: float = defaults.MAX_UNK_RATE
    sample: int = defaults.CHECK_SAMPLE

    def validate(self) -> None:
        if not bucket_ok(self.bucket):
            raise ConfigError(f"--bucket {self.bucket!r}: want gs://BUCKET[/path]; {BUCKET_RULE}")
        if not _NAME.match(self.name):
            raise ConfigError(f"--name {self.name!r}: lower-case letters, digits and '-', "
                              "starting with a letter, at most 40 characters")
        if self.tpu not in TPU_CORES:
            raise ConfigError(f"--tpu {self.tpu!r}: this launcher drives single-host slices "
                              f"({', '.join(TPU_CORES)})")
        if not _RUNTIME.match(self.runtime_version):
            raise ConfigError(f"--runtime-version {self.runtime_version!r}: want a TensorFlow "
                              "TPU VM runtime such as tpu-vm-tf-2.16.1-se")
        if "-pod" in self.runtime_version:
            raise ConfigError("--runtime-version: pod runtimes need multi-host setup")
        if self.tf_minor not in MODELS_FOR_TF:
            raise ConfigError(f"--runtime-version {self.runtime_version}: no known "
                              f"tf-models-official for TensorFlow {self.tf_minor} "
                              f"(known: {', '.join(MODELS_FOR_TF)})")
        if self.steps_per_epoch <= 0 or self.train_steps % self.steps_per_epoch:
            raise ConfigError(f"--steps-per-epoch {self.steps_per_epoch} must divide "
                              f"--train-steps {self.train_steps}")

    @property
    def base(self) -> str:
        return f"{self.bucket.rstrip('/')}/korpus/{self.name}"

    @property
    def model_dir(self) -> str:
        return f"{self.base}/model"

    @property
    def node(self) -> str:
        return f"korpus-{self.name}"

    @property
    def queued_resource(self) -> str:
        return f"korpus-{self.name}-qr"

    @property
    def tf_version(self) -> str:
        m = _RUNTIME.match(self.runtime_version)
        return f"{m.group(1)}.{m.group(2)}.{m.group(3)}"

    @property
    def tf_minor(self) -> str:
        return self.tf_version.rsplit(".", 1)[0]

    @property
    def epochs(self) -> int:
        return self.train_steps // self.steps_per_epoch


@dataclass
class Step:
    name: str
    title: str
    commands: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# --- the commands -------------------------------------------------------------------


def _gcloud(cfg: LaunchConfig, *args: str) -> list[str]:
    project = ["--project", cfg.project] if cfg.project else []
    return ["gcloud", *args, *project]


def tpu_vm_command(cfg: LaunchConfig, verb: str, *args: str) -> list[str]:
    return _gcloud(cfg, "compute", "tpus", "tpu-vm", verb, *args, "--zone", cfg.zone)


def training_command(cfg: LaunchConfig, max_seq_length: int, max_predictions: int) -> list[str]:
    """The Model Garden legacy BERT pretraining command with KR-BERT-MEDIUM's settings."""
    return [
        "python3", "-m", "official.legacy.bert.run_pretraining",
        f"--input_files={cfg.base}/records/*.tfrecord",
        f"--bert_config_file={cfg.base}/bert_config.json",
        f"--model_dir={cfg.model_dir}",
        f"--train_batch_size={cfg.batch_size}",
        f"--max_seq_length={max_seq_length}",
        f"--max_predictions_per_seq={max_predictions}",
        f"--num_steps_per_epoch={cfg.steps_per_epoch}",
        f"--num_train_epochs={cfg.epochs}",
        f"--learning_rate={cfg.learning_rate:g}",
        f"--warmup_steps={cfg.warmup_steps}",
        "--end_lr=0.0",
        "--optimizer_type=adamw",
        f"--steps_per_loop={STEPS_PER_LOOP}",
        "--distribution_strategy=tpu",
        "--tpu=local",
    ]


def summary(cfg: LaunchConfig, max_seq_length: int, max_predictions: int) -> str:
    cores = TPU_CORES[cfg.tpu]
    return (f"{cfg.train_steps:,} steps ({cfg.epochs} epochs x {cfg.steps_per_epoch:,}), "
            f"batch {cfg.batch_size} ({cfg.batch_size // cores} per core x {cores} cores of a "
            f"{cfg.tpu}), lr {cfg.learning_rate:g} with {cfg.warmup_steps:,} warmup steps and "
            f"linear decay, maxlen {max_seq_length}, {max_predictions} predictions per sequence")


def plan(cfg: LaunchConfig, rd: RecordsDir, scripts: Path) -> list[Step]:
    """Every step with its gcloud commands, in order."""
    extra = [str(rd.root / n) for n in ("bert_config.json", "vocab.txt", "manifest.json")
             if (rd.root / n).exists()]
    upload = Step("upload", f"copy {len(rd.files)} record files, bert_config.json and the "
                            f"vocabulary to {cfg.base}/", [
        _gcloud(cfg, "storage", "cp", "--recursive", str(rd.files[0].parent), f"{cfg.base}/"),
        _gcloud(cfg, "storage", "cp", *extra, f"{cfg.base}/"),
    ])
    create = Step("create", f"queue a {cfg.tpu} TPU VM ({cfg.runtime_version}) and wait "
                            "until it is ACTIVE", [
        _gcloud(cfg, "compute", "tpus", "queued-resources", "create", cfg.queued_resource,
                "--node-id", cfg.node, "--zone", cfg.zone, "--accelerator-type", cfg.tpu,
                "--runtime-version", cfg.runtime_version),
    ], [f"poll until ACTIVE: {shlex.join(state_command(cfg))}"])
    setup = Step("setup", f"install tf-models-official {MODELS_FOR_TF[cfg.tf_minor]} (for "
                          f"TensorFlow {cfg.tf_minor}) and check the TPU cores", [
        tpu_vm_command(cfg, "scp", str(scripts / "setup.sh"), str(scripts / "train.sh"),
                f"{cfg.node}:~/"),
        tpu_vm_command(cfg, "ssh", cfg.node, "--command", "bash ~/setup.sh"),
    ])
    max_seq, max_pred = record_shape(rd)
    train = Step("train", "start pretraining on the VM, detached (about 22 hours on a v3-8)", [
        tpu_vm_command(cfg, "ssh", cfg.node, "--command",
                "nohup bash ~/train.sh > ~/train.log 2>&1 < /dev/null &"),
    ], [
        f"on the VM, train.sh runs: {shlex.join(training_command(cfg, max_seq, max_pred))}",
        f"watch: {shlex.join(tpu_vm_command(cfg, 'ssh', cfg.node, '--command', 'tail -n 20 ~/train.log'))}",
        f"done when this exists: {cfg.model_dir}/DONE; checkpoints in {cfg.model_dir}/",
    ])
    teardown = Step("teardown", "delete the queued resource and its TPU VM (stops billing; "
                                "checkpoints stay in the bucket)", [
        _gcloud(cfg, "compute", "tpus", "queued-resources", "delete", cfg.queued_resource,
                "--zone", cfg.zone, "--force", "--quiet"),
    ])
    return [upload, create, setup, train, teardown]


def state_command(cfg: LaunchConfig) -> list[str]:
    return _gcloud(cfg, "compute", "tpus", "queued-resources", "describe", cfg.queued_resource,
                   "--zone", cfg.zone, "--format=value(state.state)")


def record_shape(rd: RecordsDir) -> tuple[int, int]:
    if rd.manifest:
        p = rd.manifest["parameters"]
        return p["max_seq_length"], p["max_predictions_per_seq"]
    return krbert.MAX_SEQ_LENGTH, krbert.MAX_PREDICTIONS_PER_SEQ


# --- scripts ------------------------------------------------------------------------


def _template(name: str) -> str:
    return resources.files("korpus.pretrain").joinpath("launcher", name).read_text(encoding="utf-8")


def render(text: str, values: dict[str, str]) -> str:
    """Fill ``{{NAME}}`` placeholders; every placeholder must have a value.

    >>> render("a {{X}} b", {"X": "1"})
    'a 1 b'
    """
    def fill(m: re.Match) -> str:
        if m.group(1) not in values:
            raise KeyError(f"template placeholder {m.group(1)} has no value")
        return values[m.group(1)]

    return re.sub(r"\{\{([A-Z_]+)\}\}", fill, text)


def _runtime_env(cfg: LaunchConfig) -> str:
    if cfg.runtime_version.endswith("-pjrt"):
        # TensorFlow reaches the TPU through the PJRT plugin on -pjrt runtimes.
        return ("export NEXT_PLUGGABLE_DEVICE_USE_C_API=true\n"
                "export TF_PLUGGABLE_DEVICE_LIBRARY_PATH=/lib/libtpu.so")
    return "# stream-executor runtime: no TPU environment variables needed"


def write_scripts(cfg: LaunchConfig, rd: RecordsDir, folder: Path, steps: list[Step]) -> list[Path]:
    max_seq, max_pred = record_shape(rd)
    command = training_command(cfg, max_seq, max_pred)
    values = {
        "NODE": cfg.node,
        "MODELS_VERSION": MODELS_FOR_TF[cfg.tf_minor],
        "RUNTIME_VERSION": cfg.runtime_version,
        "TF_VERSION": cfg.tf_version,
        "TPU_CORES": str(TPU_CORES[cfg.tpu]),
        "RUNTIME_ENV": _runtime_env(cfg),
        "MODEL_DIR": cfg.model_dir,
        "SUMMARY": summary(cfg, max_seq, max_pred),
        "TRAIN_COMMAND": " \\\n  ".join([shlex.join(command[:3]),
                                          *(shlex.quote(arg) for arg in command[3:])]),
    }
    written = []
    for name in ("setup.sh", "train.sh"):
        path = folder / name
        write_text_atomic(path, render(_template(name), values))
        written.append(path)
    lines = ["#!/usr/bin/env bash", "# korpus pretrain launch: every step, to run by hand.",
             "set -euo pipefail", ""]
    for i, step in enumerate(steps, 1):
        lines.append(f"# {i}. {step.name}: {step.title}")
        lines.extend(shlex.join(c) for c in step.commands)
        lines.extend(f"#    {note}" for note in step.notes)
        if step.name == "create":
            lines.append(f'until [ "$({shlex.join(state_command(cfg))})" = ACTIVE ]; '
                         "do sleep 30; done")
        lines.append("")
    write_text_atomic(folder / "commands.sh", "\n".join(lines))
    written.append(folder / "commands.sh")
    return written
