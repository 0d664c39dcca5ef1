"""``korpus crawl comments`` against a local release mirror serving a split tar.gz."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import random
import subprocess
import tarfile

import pytest
from mirrors import (
    KCBERT_MEMBER,
    KCBERT_PARTS,
    RELEASE,
    Mirror,
    build_comments,
    serve_release,
    sums_file,
)

from korpus.cli.main import main
from korpus.crawlers.dumps.errors import DownloadError
from korpus.crawlers.dumps.kcbert import download_comments, extract_joined
from korpus.crawlers.dumps.retry import RetryPolicy

FAST = RetryPolicy(attempts=4, backoff=0.01)


def quiet_log(_: str) -> None:
    pass


def crawl_here(capsys, *args: str) -> subprocess.CompletedProcess:
    capsys.readouterr()
    try:
        main(["crawl", "comments", *args])
        code = 0
    except SystemExit as exit_:
        code = exit_.code or 0
    out = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, out.out, out.err)


def test_cli_joins_and_extracts_the_split_release(tmp_path, capsys):
    text = build_comments()
    with Mirror() as mirror:
        parts = serve_release(mirror, text)
        result = crawl_here(capsys, "--mirror", mirror.url(RELEASE), "--out", str(tmp_path), "-q",
                            "--checksums", mirror.url(RELEASE + "/SHA256SUMS"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / KCBERT_MEMBER).read_bytes() == text
    manifest = json.loads((tmp_path / "kcbert.manifest.json").read_text())
    assert manifest["files"][KCBERT_MEMBER] == {"size": len(text), "lines": text.count(b"\n")}
    for name, data in parts.items():
        assert manifest["parts"][name]["sha256"] == hashlib.sha256(data).hexdigest()
        assert (tmp_path / "parts" / name).read_bytes() == data
    assert not list(tmp_path.rglob("*.part")) and not list(tmp_path.rglob(".tmp-*"))


def test_cut_part_resumes_with_range_and_finished_parts_are_not_fetched_again(tmp_path, capsys):
    text = build_comments()
    with Mirror() as mirror:
        parts = serve_release(mirror, text)
        middle = f"{RELEASE}/{KCBERT_PARTS[1]}"
        mirror.cut_once[middle] = 40_000
        first = crawl_here(capsys, "--mirror", mirror.url(RELEASE), "--out", str(tmp_path), "-q",
                           "--retries", "1")
        assert first.returncode != 0 and "resume from byte 40000" in first.stderr
        assert (tmp_path / "parts" / KCBERT_PARTS[0]).read_bytes() == parts[KCBERT_PARTS[0]]
        assert not (tmp_path / KCBERT_MEMBER).exists()
        second = crawl_here(capsys, "--mirror", mirror.url(RELEASE), "--out", str(tmp_path), "-q")
        first_part_gets = mirror.requests_for(f"{RELEASE}/{KCBERT_PARTS[0]}")
        middle_gets = mirror.requests_for(middle)
    assert second.returncode == 0, second.stderr
    assert len(first_part_gets) == 1
    assert middle_gets[-1].headers.get("Range") == "bytes=40000-" and middle_gets[-1].status == 206
    assert (tmp_path / KCBERT_MEMBER).read_bytes() == text


def test_rerun_after_success_does_nothing_and_remove_parts_frees_space(tmp_path, capsys):
    with Mirror() as mirror:
        serve_release(mirror)
        done = crawl_here(capsys, "--mirror", mirror.url(RELEASE), "--out", str(tmp_path), "-q",
                          "--remove-parts")
        assert done.returncode == 0, done.stderr
        asked = len(mirror.log)
        again = crawl_here(capsys, "--mirror", mirror.url(RELEASE), "--out", str(tmp_path), "-q")
        assert len(mirror.log) == asked
    assert again.returncode == 0 and "nothing to do" in again.stdout
    assert not (tmp_path / "parts").exists()


def test_wrong_part_checksum_exits_nonzero_naming_both(tmp_path, capsys):
    with Mirror() as mirror:
        parts = serve_release(mirror)
        wrong = {name: data + b"x" for name, data in parts.items()}
        mirror.add(RELEASE + "/SHA256SUMS", sums_file(wrong, "sha256"))
        result = crawl_here(capsys, "--mirror", mirror.url(RELEASE), "--out", str(tmp_path), "-q",
                            "--checksums", mirror.url(RELEASE + "/SHA256SUMS"))
    name = KCBERT_PARTS[0]
    assert result.returncode != 0
    assert hashlib.sha256(wrong[name]).hexdigest() in result.stderr
    assert hashlib.sha256(parts[name]).hexdigest() in result.stderr
    assert not (tmp_path / KCBERT_MEMBER).exists()


def test_damaged_archive_is_an_error_not_a_short_file(tmp_path):
    with Mirror() as mirror:
        parts = serve_release(mirror)
        last = KCBERT_PARTS[2]
        bad = bytearray(parts[last])
        bad[len(bad) // 2] ^= 0xFF
        mirror.add(f"{RELEASE}/{last}", bytes(bad))
        with pytest.raises(DownloadError, match="damaged"):
            download_comments(tmp_path, base_url=mirror.url(RELEASE), policy=FAST, log=quiet_log)
    assert not (tmp_path / KCBERT_MEMBER).exists()
    assert not list(tmp_path.glob(".tmp-*"))


@pytest.mark.parametrize("damage", ["no trailer", "bad crc"])
def test_gzip_trailer_is_checked_after_tar_ends(tmp_path, damage):
    """tar stops reading at its end blocks; the CRC-32 and length behind them are still checked."""
    archive = bytearray(two_member_archive())
    if damage == "no trailer":
        archive = archive[:-8]
    else:
        archive[-8] ^= 0x01
    paths = [tmp_path / "p0", tmp_path / "p1"]
    paths[0].write_bytes(archive[:3000])
    paths[1].write_bytes(archive[3000:])
    with pytest.raises(DownloadError, match="damaged"):
        extract_joined(paths, tmp_path / "out")
    # the first member was whole long before the trailer, and still never appeared
    assert not (tmp_path / "out" / KCBERT_MEMBER).exists()
    assert not list((tmp_path / "out").iterdir())


def two_member_archive() -> bytes:
    """The comments, then 3 MB of incompressible bytes: tar's read-ahead cannot reach the end."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        for name, data in ((KCBERT_MEMBER, build_comments(500)), ("filler.bin", random.randbytes(3 << 20))):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return gzip.compress(raw.getvalue(), mtime=0)


def test_unsafe_member_is_refused(tmp_path):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w:gz") as tar:
        info = tarfile.TarInfo("../../evil")
        info.type = tarfile.SYMTYPE
        info.linkname = "/etc/passwd"
        tar.addfile(info)
    (tmp_path / "a").write_bytes(raw.getvalue())
    with pytest.raises(DownloadError, match="refusing"):
        extract_joined([tmp_path / "a"], tmp_path / "out")
    assert not (tmp_path / "out" / "evil").exists()


def test_html_instead_of_a_part_is_refused(tmp_path):
    with Mirror() as mirror:
        serve_release(mirror)
        mirror.html_instead.add(f"{RELEASE}/{KCBERT_PARTS[1]}")
        with pytest.raises(DownloadError, match="HTML page"):
            download_comments(tmp_path, base_url=mirror.url(RELEASE), policy=FAST, log=quiet_log)


def test_checksums_file_must_cover_every_part(tmp_path):
    with Mirror() as mirror:
        parts = serve_release(mirror)
        sums = tmp_path / "SHA256SUMS"
        sums.write_bytes(sums_file({KCBERT_PARTS[0]: parts[KCBERT_PARTS[0]]}, "sha256"))
        with pytest.raises(DownloadError, match="no checksum for kcbert-train.tar.gzab"):
            download_comments(tmp_path / "out", base_url=mirror.url(RELEASE), checksums=str(sums),
                              policy=FAST, log=quiet_log)
