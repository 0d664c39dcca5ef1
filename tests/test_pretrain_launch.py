"""``korpus pretrain launch``: local checks, the printed plan, and execution with a fake gcloud."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from test_pretrain_fixtures import make_documents, write_corpus, write_vocab

from korpus.cli.main import main as korpus_main
from korpus.core.errors import ConfigError, KorpusError
from korpus.pretrain.data import build_pretraining_data
from korpus.pretrain.launch import LaunchConfig, launch

BUCKET = "gs://korpus-test-bucket"


@pytest.fixture(scope="module")
def records(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("launch")
    corpus = write_corpus(tmp / "c.parquet", make_documents(40))
    build_pretraining_data(corpus, write_vocab(tmp / "vocab.txt"), tmp / "out", shard_mb=0.004)
    return tmp / "out"


@pytest.fixture
def fresh_records(records, tmp_path) -> Path:
    """A copy the test may damage."""
    return Path(shutil.copytree(records, tmp_path / "out"))


def dry_run(records: Path, **kw) -> tuple[object, str]:
    lines: list[str] = []
    kw.setdefault("sample", 32)
    result = launch(LaunchConfig(records=records, bucket=BUCKET, **kw), echo=lines.append)
    return result, "\n".join(lines)


def flag(command: list[str], name: str) -> str:
    return next(a.split("=", 1)[1] for a in command if a.startswith(f"--{name}="))


def test_dry_run_prints_queued_v3_8_and_the_krbert_training_command(records):
    result, text = dry_run(records)
    create = next(c for c in result.steps if c.name == "create").commands[0]
    assert create[:5] == ["gcloud", "compute", "tpus", "queued-resources", "create"]
    assert create[create.index("--accelerator-type") + 1] == "v3-8"
    assert create[create.index("--runtime-version") + 1] == "tpu-vm-tf-2.16.1-se"
    assert shlex.join(create) in text
    train_line = next(line for line in text.splitlines() if "run_pretraining" in line)
    command = shlex.split(train_line.split("train.sh runs: ", 1)[1])
    assert command[:3] == ["python3", "-m", "official.legacy.bert.run_pretraining"]
    steps = int(flag(command, "num_steps_per_epoch")) * int(flag(command, "num_train_epochs"))
    assert steps == 2_000_000
    assert int(flag(command, "train_batch_size")) == 64
    assert float(flag(command, "learning_rate")) == 1e-4
    assert int(flag(command, "warmup_steps")) == 10_000
    assert int(flag(command, "max_seq_length")) == 128
    assert int(flag(command, "max_predictions_per_seq")) == 20
    assert flag(command, "distribution_strategy") == "tpu"
    assert flag(command, "model_dir").startswith(BUCKET + "/")
    assert flag(command, "input_files") == f"{BUCKET}/korpus/krbert-medium/records/*.tfrecord"
    assert "queued-resources delete" in text and "gcloud storage cp" in text
    assert "2,000,000 steps" in text and "dry run" in text
    assert [c.status for c in result.checks] == ["ok", "ok", "ok", "ok", "ok", "warn"]


def test_scripts_are_written_valid_bash_and_pinned(records):
    result, _ = dry_run(records)
    by_name = {p.name: p for p in result.scripts}
    assert set(by_name) == {"setup.sh", "train.sh", "commands.sh"}
    for path in result.scripts:
        text = path.read_text()
        assert "{{" not in text
        if shutil.which("bash"):
            subprocess.run(["bash", "-n", str(path)], check=True)
    setup = by_name["setup.sh"].read_text()
    assert 'MODELS_VERSION="2.16.0"' in setup and 'EXPECTED_TF="2.16.1"' in setup
    assert 'EXPECTED_CORES="8"' in setup
    train = by_name["train.sh"].read_text()
    assert "--num_train_epochs=20" in train and "--train_batch_size=64" in train
    assert "queued-resources create" in by_name["commands.sh"].read_text()


def test_checks_report_coverage_and_unk(records):
    result, text = dry_run(records)
    manifest = json.loads((records / "manifest.json").read_text())
    n = manifest["counts"]["instances"]
    assert f"{n:,} records (manifest) < 128,000,000" in text
    assert f"{128_000_000 / n:.2f} passes" in text
    small, text = dry_run(records, train_steps=10, steps_per_epoch=10, batch_size=8)
    assert next(c for c in small.checks if c.name == "coverage").status == "ok"
    strict, _ = dry_run(records, max_unk_rate=0.0)
    assert next(c for c in strict.checks if c.name == "[UNK] rate").status == "FAIL"


def test_vocab_size_mismatch_fails(fresh_records):
    config = json.loads((fresh_records / "bert_config.json").read_text())
    config["vocab_size"] += 1
    (fresh_records / "bert_config.json").write_text(json.dumps(config))
    result, text = dry_run(fresh_records)
    assert [c.name for c in result.failed] == ["vocab size"]
    assert "FAIL vocab size" in text


def test_corrupt_record_fails_the_decode_check(fresh_records):
    first = sorted((fresh_records / "records").glob("*.tfrecord"))[0]
    raw = bytearray(first.read_bytes())
    raw[40] ^= 0x01
    first.write_bytes(bytes(raw))
    result, _ = dry_run(fresh_records)
    failed = {c.name: c.detail for c in result.failed}
    assert "CRC" in failed["records decode"] and first.name in failed["records decode"]


def test_batch_that_does_not_split_over_the_cores_fails(records):
    result, _ = dry_run(records, batch_size=60)
    assert "batch split" in [c.name for c in result.failed]


@pytest.mark.parametrize("bad", [{"bucket": "s3://x"}, {"bucket": "gs://x"}, {"bucket": "gs://" + "b" * 64},
                                 {"name": "Bad Name"}, {"tpu": "v3-32"},
                                 {"runtime_version": "tpu-ubuntu2204-base"},
                                 {"steps_per_epoch": 300_000}])
def test_bad_options_are_refused(records, bad):
    cfg = {"records": records, "bucket": BUCKET, **bad}
    with pytest.raises(ConfigError):
        launch(LaunchConfig(**cfg), echo=lambda _: None)


def test_cli_dry_run_exit_codes(records, fresh_records, capsys):
    with pytest.raises(SystemExit) as done:
        korpus_main(["pretrain", "launch", "--records", str(records), "--bucket", BUCKET])
    assert done.value.code in (0, None)
    assert "--accelerator-type v3-8" in capsys.readouterr().out
    (fresh_records / "bert_config.json").write_text(json.dumps({"vocab_size": 3}))
    with pytest.raises(SystemExit) as done:
        korpus_main(["pretrain", "launch", "--records", str(fresh_records), "--bucket", BUCKET])
    assert done.value.code == 1
    assert "local check(s) failed" in capsys.readouterr().err


# --- --execute ----------------------------------------------------------------------------

FAKE_GCLOUD = """#!/bin/sh
printf '%s\\037' "$@" >> '{log}'
echo >> '{log}'
if [ -n "$FAKE_GCLOUD_FAIL" ]; then
  case "$*" in *"$FAKE_GCLOUD_FAIL"*) echo "fake failure" >&2; exit 3 ;; esac
fi
case "$*" in
  *"versions list"*) printf 'tpu-vm-tf-2.15.0-se\\n{runtime}\\ntpu-ubuntu2204-base\\n' ;;
  *"accelerator-types list"*) printf 'v2-8\\nv3-8\\nv4-8\\n' ;;
  *"queued-resources describe"*) echo ACTIVE ;;
esac
"""


def fake_gcloud(tmp_path: Path, monkeypatch, runtime: str = "tpu-vm-tf-2.16.1-se") -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "gcloud.log"
    script = bin_dir / "gcloud"
    script.write_text(FAKE_GCLOUD.format(log=str(log), runtime=runtime))
    script.chmod(0o755)
    # The fake alone (it needs only shell builtins): a real gcloud is out of reach.
    monkeypatch.setenv("PATH", str(bin_dir))
    return log


def calls(log: Path) -> list[list[str]]:
    if not log.exists():
        return []
    return [line.split("\x1f")[:-1] for line in log.read_text().splitlines()]


def test_execute_without_gcloud_is_a_clear_error(records, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(KorpusError, match="gcloud` is not on PATH"):
        launch(LaunchConfig(records=records, bucket=BUCKET, sample=32), execute=True, echo=lambda _: None)
    with pytest.raises(SystemExit) as done:
        korpus_main(["pretrain", "launch", "--records", str(records), "--bucket", BUCKET,
                     "--execute"])
    assert done.value.code == 1 and "gcloud" in capsys.readouterr().err


def test_execute_checks_the_zone_then_runs_the_steps_in_order(records, tmp_path, monkeypatch):
    log = fake_gcloud(tmp_path, monkeypatch)
    result = launch(LaunchConfig(records=records, bucket=BUCKET, project="proj", sample=32),
                    execute=True, echo=lambda _: None, poll_s=0)
    assert result.executed == ["upload", "create", "setup", "train"]
    made = [" ".join(c) for c in calls(log)]
    assert "tpu-vm versions list" in made[0] and "accelerator-types list" in made[1]
    order = ["storage cp", "queued-resources create", "queued-resources describe",
             "tpu-vm scp", "tpu-vm ssh", "nohup bash ~/train.sh"]
    positions = [next(i for i, c in enumerate(made) if key in c) for key in order]
    assert positions == sorted(positions)
    assert all("--project proj" in c for c in made)
    assert not any("delete" in c for c in made)  # teardown is its own step


def test_execute_teardown_step_alone(records, tmp_path, monkeypatch):
    log = fake_gcloud(tmp_path, monkeypatch)
    result = launch(LaunchConfig(records=records, bucket=BUCKET, sample=32), execute=True,
                    steps=("teardown",), echo=lambda _: None)
    assert result.executed == ["teardown"]
    last = calls(log)[-1]
    assert last[:5] == ["compute", "tpus", "queued-resources", "delete", "korpus-krbert-medium-qr"]


def test_execute_refuses_a_zone_without_the_runtime(records, tmp_path, monkeypatch):
    log = fake_gcloud(tmp_path, monkeypatch, runtime="tpu-vm-tf-2.17.0-se")
    with pytest.raises(KorpusError, match="no runtime tpu-vm-tf-2.16.1-se") as err:
        launch(LaunchConfig(records=records, bucket=BUCKET, sample=32), execute=True, echo=lambda _: None)
    assert "tpu-vm-tf-2.17.0-se" in str(err.value)
    assert not any("create" in " ".join(c) for c in calls(log))


def test_execute_refuses_when_a_check_fails(fresh_records, tmp_path, monkeypatch):
    log = fake_gcloud(tmp_path, monkeypatch)
    (fresh_records / "bert_config.json").write_text(json.dumps({"vocab_size": 3}))
    with pytest.raises(KorpusError, match="local check"):
        launch(LaunchConfig(records=fresh_records, bucket=BUCKET, sample=32), execute=True,
               echo=lambda _: None)
    assert calls(log) == []


def test_failure_after_create_points_at_teardown(records, tmp_path, monkeypatch):
    log = fake_gcloud(tmp_path, monkeypatch)
    monkeypatch.setenv("FAKE_GCLOUD_FAIL", "tpu-vm ssh")
    with pytest.raises(KorpusError, match="--steps teardown") as err:
        launch(LaunchConfig(records=records, bucket=BUCKET, sample=32), execute=True,
               echo=lambda _: None, poll_s=0)
    assert "step setup failed (exit 3)" in str(err.value)
    assert any("queued-resources create" in " ".join(c) for c in calls(log))
