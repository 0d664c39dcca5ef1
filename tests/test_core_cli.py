"""Every command has help, appears in the README, and the CLI fails clearly."""

from __future__ import annotations

import pytest
import typer
from conftest import REPO, run_korpus

from korpus.cli.main import app


def all_commands() -> list[tuple[str, object]]:
    root = typer.main.get_command(app)
    found = []

    def walk(group, prefix: str) -> None:
        for name, cmd in group.commands.items():
            path = f"{prefix} {name}".strip()
            if hasattr(cmd, "commands"):  # a group (typer vendors its own click)
                walk(cmd, path)
            else:
                found.append((path, cmd))

    walk(root, "")
    return found


def test_the_documented_commands_exist():
    names = {name for name, _ in all_commands()}
    assert {"build", "split", "vocab", "stats", "crawl law", "pretrain data", "pretrain launch"} <= names


@pytest.mark.parametrize("name, cmd", all_commands(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_command_has_help_and_is_in_the_readme(name, cmd):
    assert (cmd.help or "").strip(), f"`korpus {name}` has no help text"
    assert f"korpus {name}" in (REPO / "README.md").read_text(encoding="utf-8")


def test_help_runs_from_a_fresh_process():
    proc = run_korpus("--help")
    assert proc.returncode == 0 and "build" in proc.stdout


def test_misspelt_config_key_exits_with_its_name(tmp_path):
    cfg = tmp_path / "korpus.toml"
    cfg.write_text('[filter]\nmin_char = 5\n', encoding="utf-8")
    proc = run_korpus("build", "--config", str(cfg), "--out", str(tmp_path / "x.parquet"))
    assert proc.returncode == 2
    assert "'min_char'" in proc.stderr and "korpus.toml" in proc.stderr


def test_missing_input_is_a_clear_error(tmp_path):
    proc = run_korpus("build", "--source", f"comments={tmp_path / 'nope.txt'}", "--out", str(tmp_path / "x.parquet"))
    assert proc.returncode != 0
    assert "nope.txt" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("name", [n for n, _ in all_commands()])
def test_every_help_page_renders(name):
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, [*name.split(), "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output
