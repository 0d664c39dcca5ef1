"""A wiki download killed outright (SIGKILL) resumes in the next process with Range."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from mirrors import Mirror, serve_wiki

DATE = "20240101"
MULTI = f"kowiki-{DATE}-pages-articles-multistream.xml.bz2"


@pytest.mark.crash
def test_sigkill_mid_transfer_then_resume(tmp_path):
    with Mirror() as mirror:
        files = serve_wiki(mirror)
        path = f"/kowiki/{DATE}/{MULTI}"
        mirror.throttle[path] = 100_000  # ~3 s for the whole file
        part = tmp_path / (MULTI + ".part")
        cmd = [sys.executable, "-m", "korpus", "crawl", "wiki", "--mirror", mirror.url(), "--out",
               str(tmp_path), "-q"]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (part.exists() and part.stat().st_size > 60_000):
            time.sleep(0.05)
        proc.kill()
        proc.wait(timeout=30)
        had = part.stat().st_size
        assert 0 < had < len(files[MULTI]) and not (tmp_path / MULTI).exists()
        del mirror.throttle[path]
        again = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        last = mirror.requests_for(path)[-1]
    assert again.returncode == 0, again.stderr
    assert last.headers.get("Range") == f"bytes={had}-" and last.status == 206
    assert (tmp_path / MULTI).read_bytes() == files[MULTI]
