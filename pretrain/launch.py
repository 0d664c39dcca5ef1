"""``korpus pretrain launch``: the TPU pretraining run as printed (or executed) gcloud steps.

Steps: upload the records, bert_config.json and vocab to the bucket; create a
TPU VM through a queued resource (v3-8 by default) and wait until it is
ACTIVE; set it up (tf-models-official pinned to the runtime's TensorFlow);
start KR-BERT-MEDIUM pretraining with Model Garden's legacy BERT runner,
detached, checkpoints in the bucket; teardown (deletes the queued resource
and its TPU VM). The setup and training scripts are rendered from the
templates in ``pretrain/launcher/`` into ``<records>/launch/``, together with
``commands.sh`` (every step, for running by hand).

Dry run is the default. ``--execute`` needs ``gcloud`` on PATH and first checks
that the zone offers the runtime version and the accelerator type. It runs
upload, create, setup and train (training then runs on the VM for about a
day); teardown is its own step: ``--execute --steps teardown``.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from korpus.core.errors import ConfigError, KorpusError
from korpus.pretrain.checks import FAIL, Check, RecordsDir, RunShape, run_checks
from korpus.pretrain.tpu_plan import (
    EXECUTE_DEFAULT,
    STEPS,
    LaunchConfig,
    Step,
    plan,
    record_shape,
    state_command,
    summary,
    tpu_vm_command,
    write_scripts,
)

__all__ = ["LaunchConfig", "LaunchResult", "launch"]

# --- running ------------------------------------------------------------------------

Runner = Callable[[list[str]], subprocess.CompletedProcess]


def _run(argv: list[str]) -> subprocess.CompletedProcess:
    """Run and capture (for the list/describe calls whose output we read)."""
    return subprocess.run(argv, capture_output=True, text=True, check=False)


def _run_visible(argv: list[str]) -> subprocess.CompletedProcess:
    """Run with gcloud's own output on the terminal (uploads and ssh take a while)."""
    return subprocess.run(argv, check=False)


def _checked(runner: Runner, argv: list[str], what: str) -> str:
    done = runner(argv)
    if done.returncode != 0:
        raise KorpusError(f"{what} failed (exit {done.returncode}): {shlex.join(argv)}\n"
                          f"{(done.stderr or done.stdout or '').strip()[-2000:]}")
    return done.stdout or ""


def check_zone(cfg: LaunchConfig, runner: Runner) -> list[str]:
    """Fail unless the zone lists the runtime version and the accelerator type."""
    versions = _checked(runner, tpu_vm_command(cfg, "versions", "list", "--format=value(version)"),
                        f"listing TPU runtime versions in {cfg.zone}").split()
    types = _checked(runner, tpu_vm_command(cfg, "accelerator-types", "list", "--format=value(type)"),
                     f"listing TPU accelerator types in {cfg.zone}").split()
    if cfg.runtime_version not in versions:
        tf_versions = sorted(v for v in versions if v.startswith("tpu-vm-tf-"))
        raise KorpusError(f"zone {cfg.zone} has no runtime {cfg.runtime_version}; TensorFlow "
                          f"runtimes there: {', '.join(tf_versions) or 'none'}")
    if cfg.tpu not in types:
        raise KorpusError(f"zone {cfg.zone} offers no {cfg.tpu}; types there: "
                          f"{', '.join(sorted(types)) or 'none'}")
    return [f"zone {cfg.zone} offers {cfg.tpu} and {cfg.runtime_version}"]


def wait_active(cfg: LaunchConfig, runner: Runner, timeout_s: float, poll_s: float,
                echo: Callable[[str], None]) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        state = _checked(runner, state_command(cfg), "reading the queued resource").strip()
        if state == "ACTIVE":
            return
        if state in ("FAILED", "SUSPENDED"):
            raise KorpusError(f"queued resource {cfg.queued_resource} is {state}; delete it "
                              f"with --execute --steps teardown")
        if time.monotonic() >= deadline:
            raise KorpusError(f"queued resource {cfg.queued_resource} still {state or 'unknown'} "
                              f"after {timeout_s:.0f} s; rerun with --steps setup,train once "
                              "it is ACTIVE, or tear it down")
        echo(f"  {cfg.queued_resource}: {state or 'pending'}, waiting")
        time.sleep(poll_s)


@dataclass
class LaunchResult:
    checks: list[Check]
    steps: list[Step]
    scripts: list[Path]
    executed: list[str]

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if c.failed]


def launch(cfg: LaunchConfig, execute: bool = False, steps: tuple[str, ...] | None = None,
           echo: Callable[[str], None] = print, runner: Runner = _run,
           wait_timeout_s: float = 6 * 3600, poll_s: float = 30.0) -> LaunchResult:
    """Check locally, write the scripts, print the plan; with ``execute`` run ``steps``."""
    cfg.validate()
    chosen = tuple(steps) if steps else (EXECUTE_DEFAULT if execute else STEPS)
    unknown = [s for s in chosen if s not in STEPS]
    if unknown:
        raise ConfigError(f"--steps: unknown {', '.join(unknown)} (steps: {', '.join(STEPS)})")
    if execute and shutil.which("gcloud") is None and runner is _run:
        raise KorpusError("--execute needs the Google Cloud CLI: `gcloud` is not on PATH "
                          "(install it and run `gcloud auth login`), or leave out --execute "
                          "for a dry run that prints the commands")
    rd = RecordsDir.open(cfg.records)
    max_seq, max_pred = record_shape(rd)
    shape = RunShape(max_seq_length=max_seq, max_predictions_per_seq=max_pred,
                     train_steps=cfg.train_steps, batch_size=cfg.batch_size, tpu=cfg.tpu,
                     max_unk_rate=cfg.max_unk_rate, sample=cfg.sample)
    checks = run_checks(rd, shape)
    echo("local checks:")
    for check in checks:
        echo(f"  {check.status:<4} {check.name}: {check.detail}")
    folder = rd.root / "launch"
    all_steps = plan(cfg, rd, folder)
    scripts = write_scripts(cfg, rd, folder, all_steps)
    echo(f"run: KR-BERT-MEDIUM pretraining, {summary(cfg, max_seq, max_pred)}")
    echo(f"scripts: {', '.join(str(p) for p in scripts)}")
    failed = [c for c in checks if c.status == FAIL]
    result = LaunchResult(checks, all_steps, scripts, [])
    if not execute:
        echo("dry run: nothing is executed; add --execute to run "
             f"{', '.join(EXECUTE_DEFAULT)} (teardown: --execute --steps teardown)")
        _print_steps(all_steps, echo)
        return result
    if failed:
        raise KorpusError(f"not executing: {len(failed)} local check(s) failed: "
                          + "; ".join(f"{c.name}: {c.detail}" for c in failed))
    for line in check_zone(cfg, runner):
        echo(line)
    visible = _run_visible if runner is _run else runner
    for step in all_steps:
        if step.name not in chosen:
            continue
        echo(f"# {step.name}: {step.title}")
        try:
            for argv in step.commands:
                echo(shlex.join(argv))
                _checked(visible, argv, f"step {step.name}")
            if step.name == "create":
                wait_active(cfg, runner, wait_timeout_s, poll_s, echo)
        except KorpusError as err:
            if "create" in result.executed or step.name == "create":
                raise KorpusError(f"{err}\nthe queued resource may exist and cost money: "
                                  "korpus pretrain launch ... --execute --steps teardown") from err
            raise
        result.executed.append(step.name)
    if "train" in result.executed:
        echo(f"training started on {cfg.node}; when {cfg.model_dir}/DONE exists run "
             f"`korpus pretrain launch ... --execute --steps teardown`")
    return result


def _print_steps(steps: list[Step], echo: Callable[[str], None]) -> None:
    for i, step in enumerate(steps, 1):
        echo(f"\n# {i}. {step.name}: {step.title}")
        for argv in step.commands:
            echo(shlex.join(argv))
        for note in step.notes:
            echo(f"#    {note}")
