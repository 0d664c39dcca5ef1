"""A full disk or a read-only output folder: a clear error, no corpus that looks complete.

Each case runs the build inside a private mount namespace (``unshare``) with a
tiny tmpfs as the output folder; where namespaces are not allowed, it skips.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def _can_mount() -> bool:
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=1m tmpfs /mnt"],
                           capture_output=True)
    return probe.returncode == 0


pytestmark = pytest.mark.skipif(not _can_mount(), reason="needs unshare + tmpfs mounts")


def build_in_namespace(tmp_path: Path, mount_opts: str, out_name: str = "corpus.parquet") -> subprocess.CompletedProcess:
    src = tmp_path / "c.txt"
    src.write_text("".join(f"{i}번째 댓글의 내용은 이렇게 조금 깁니다 {i * 31}\n" for i in range(60_000)),
                   encoding="utf-8")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    build = [sys.executable, "-m", "korpus", "build", "--source", f"comments={src}", "--workers", "1",
             "--out", str(out_dir / out_name), "--work-dir", str(tmp_path / "work")]
    script = f"mount -t tmpfs -o {mount_opts} tmpfs {shlex.quote(str(out_dir))} && {shlex.join(build)}; " \
             f"rc=$?; ls -a {shlex.quote(str(out_dir))}; exit $rc"
    return subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True, timeout=300)


def test_full_disk_is_a_clear_error_and_leaves_no_corpus(tmp_path):
    proc = build_in_namespace(tmp_path, "size=256k")
    assert proc.returncode != 0
    assert "No space left on device" in proc.stderr and "corpus.parquet" in proc.stderr
    assert "Traceback" not in proc.stderr
    listing = proc.stdout.split()
    assert "corpus.parquet" not in listing and "corpus.stats.json" not in listing
    assert not [name for name in listing if name.startswith(".tmp-")]


def test_read_only_output_folder_is_a_clear_error(tmp_path):
    proc = build_in_namespace(tmp_path, "ro,size=1m")
    assert proc.returncode != 0
    assert "Read-only file system" in proc.stderr and "corpus.parquet" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert "corpus.parquet" not in proc.stdout.split()


def test_full_disk_with_shard_output(tmp_path):
    proc = build_in_namespace(tmp_path, "size=256k", out_name="shards/")
    assert proc.returncode != 0
    assert "No space left on device" in proc.stderr
    assert "shards.stats.json" not in proc.stdout  # never marked complete
