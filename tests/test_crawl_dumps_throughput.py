"""Throughput of the dump downloaders (slow; run with ``-m slow -s`` to see the numbers).

Measured on loopback against the Python test mirror, so the figures are the
client's ceiling (hashing, disk, decompression), not a network's.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest
from mirrors import Mirror

from korpus.crawlers.dumps.http import RemoteFile, fetch_verified, new_session
from korpus.crawlers.dumps.retry import RetryPolicy

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"
MB = 1 << 20


@pytest.mark.slow
def test_download_verify_and_resume_throughput(tmp_path):
    data = os.urandom(256 * MB)
    sums = {"md5": hashlib.md5(data).hexdigest(), "sha1": hashlib.sha1(data).hexdigest()}
    started = time.process_time()
    for algo in ("md5", "sha1", "sha256"):
        hashlib.new(algo, data)
    hash_only = time.process_time() - started
    with Mirror() as mirror:
        mirror.add("/big.bin", data)
        remote = RemoteFile(mirror.url("/big.bin"), tmp_path / "big.bin", size=len(data), sums=sums)
        got = fetch_verified(new_session(), remote, RetryPolicy(backoff=0.01))
        assert (tmp_path / "big.bin").stat().st_size == len(data)
        (tmp_path / "big.bin").unlink()
        mirror.cut_once["/big.bin"] = len(data) // 2
        resumed = fetch_verified(new_session(), remote, RetryPolicy(backoff=0.01))
    assert resumed.interruptions == 1 and resumed.digests["sha1"] == sums["sha1"]
    print(f"\n256 MiB over loopback, md5+sha1+sha256 while streaming: {256 / got.seconds:.0f} MiB/s "
          f"({got.seconds:.2f} s wall); the three hashes alone {256 / hash_only:.0f} MiB per CPU-second; "
          f"cut at half and resumed in-run: {256 / resumed.seconds:.0f} MiB/s")


@pytest.mark.slow
@pytest.mark.shared
def test_join_and_extract_throughput_on_real_comments(tmp_path):
    source = SHARED / "comments" / "hate_speech_unlabeled_comments_5.txt"
    if not source.exists():
        pytest.skip("../shared/corpora is absent")
    text = source.read_bytes() * 60  # ~214 MB of real news comments
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        info = tarfile.TarInfo("20190101_20200611_v2.txt")
        info.size = len(text)
        tar.addfile(info, io.BytesIO(text))
    archive = gzip.compress(raw.getvalue(), compresslevel=6, mtime=0)
    step = -(-len(archive) // 3)
    parts = []
    for i in range(3):
        parts.append(tmp_path / f"kcbert-train.tar.gza{'abc'[i]}")
        parts[-1].write_bytes(archive[i * step:(i + 1) * step])
    del raw, archive
    script = (
        "import json, re, sys, time\n"
        "from pathlib import Path\n"
        "from korpus.crawlers.dumps.kcbert import extract_joined\n"
        "paths = [Path(p) for p in sys.argv[2:]]\n"
        "t, c = time.perf_counter(), time.process_time()\n"
        "out = extract_joined(paths, Path(sys.argv[1]))\n"
        "cpu = time.process_time() - c\n"
        "hwm = re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())\n"
        "print(json.dumps({'seconds': time.perf_counter() - t, 'cpu': cpu, 'size': out[0].size,\n"
        "  'lines': out[0].lines, 'rss_mb': int(hwm.group(1)) / 1024}))\n"
    )
    result = subprocess.run([sys.executable, "-c", script, str(tmp_path / "out"), *map(str, parts)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)
    assert got["size"] == len(text)
    assert (tmp_path / "out" / "20190101_20200611_v2.txt").read_bytes() == text
    compressed = sum(p.stat().st_size for p in parts) / MB
    print(f"\njoin+gunzip+untar of 3 parts ({compressed:.0f} MiB -> {len(text) / MB:.0f} MiB, "
          f"{got['lines']} lines): {len(text) / MB / got['seconds']:.0f} MiB/s of text "
          f"wall ({got['seconds']:.2f} s), {len(text) / MB / got['cpu']:.0f} MiB per CPU-second; "
          f"peak RSS (VmHWM) {got['rss_mb']:.0f} MiB")
