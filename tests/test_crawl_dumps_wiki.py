"""``korpus crawl wiki`` against a local Wikimedia dumps mirror on 127.0.0.1."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import pytest
from mirrors import Mirror, dumpstatus, serve_wiki, sums_file

from korpus.cli.main import main
from korpus.crawlers.dumps.errors import ChecksumMismatch, DownloadError
from korpus.crawlers.dumps.retry import RetryPolicy
from korpus.crawlers.dumps.wiki import download_wiki_dump

FAST = RetryPolicy(attempts=4, backoff=0.01)
DATE = "20240101"
MULTI = f"kowiki-{DATE}-pages-articles-multistream.xml.bz2"
INDEX = f"kowiki-{DATE}-pages-articles-multistream-index.txt.bz2"
PLAIN = f"kowiki-{DATE}-pages-articles.xml.bz2"
FOLDER = f"/kowiki/{DATE}/"


def crawl(*args: str) -> subprocess.CompletedProcess:
    """The real command in its own process."""
    return subprocess.run([sys.executable, "-m", "korpus", "crawl", "wiki", *args],
                          capture_output=True, text=True, timeout=120)


def crawl_here(capsys, *args: str) -> subprocess.CompletedProcess:
    """The same command line run in this process (no interpreter start-up)."""
    capsys.readouterr()
    try:
        main(["crawl", "wiki", *args])
        code = 0
    except SystemExit as exit_:
        code = exit_.code or 0
    out = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, out.out, out.err)


def quiet_log(_: str) -> None:
    pass


def serve_wrong_sums(mirror: Mirror, files: dict[str, bytes]) -> dict[str, bytes]:
    """Publish consistent sums (txt and dumpstatus) of other bytes: a wrong publication."""
    other = {name: data[::-1] for name, data in files.items()}
    mirror.add(FOLDER + f"kowiki-{DATE}-md5sums.txt", sums_file(other, "md5"))
    mirror.add(FOLDER + f"kowiki-{DATE}-sha1sums.txt", sums_file(other, "sha1"))
    status = json.loads(dumpstatus("kowiki", DATE, other))
    for job in status["jobs"].values():
        for name, entry in job["files"].items():
            entry["size"] = len(files[name])
    mirror.add(FOLDER + "dumpstatus.json", json.dumps(status))
    return other


def test_cli_latest_is_byte_identical_and_verified(tmp_path):
    with Mirror() as mirror:
        files = serve_wiki(mirror)  # 20240101 done, 20240201 still in progress
        result = crawl("--mirror", mirror.url(), "--date", "latest", "--out", str(tmp_path), "-q")
    assert result.returncode == 0, result.stderr
    for name in (MULTI, INDEX):
        assert (tmp_path / name).read_bytes() == files[name]
        assert f"verified {name}" in result.stdout
    manifest = json.loads((tmp_path / f"kowiki-{DATE}-multistream.verified.json").read_text())
    assert manifest["files"][MULTI]["sha1"] == hashlib.sha1(files[MULTI]).hexdigest()
    assert manifest["files"][MULTI]["md5"] == hashlib.md5(files[MULTI]).hexdigest()
    assert (tmp_path / f"kowiki-{DATE}-sha1sums.txt").exists()
    assert not list(tmp_path.glob("*.part*"))
    assert not (tmp_path / PLAIN).exists()


def test_cli_wrong_sums_exit_nonzero_naming_both(tmp_path, capsys):
    with Mirror() as mirror:
        files = serve_wiki(mirror, newer_in_progress=None)
        other = serve_wrong_sums(mirror, files)
        result = crawl_here(capsys, "--mirror", mirror.url(), "--out", str(tmp_path), "-q",
                            "--variant", "plain", "--retries", "1")
    assert result.returncode != 0
    expected = hashlib.md5(other[PLAIN]).hexdigest()
    actual = hashlib.md5(files[PLAIN]).hexdigest()
    assert expected in result.stderr and actual in result.stderr, result.stderr
    assert not (tmp_path / PLAIN).exists()  # never looks complete
    assert (tmp_path / (PLAIN + ".mismatch")).read_bytes() == files[PLAIN]


def test_mismatch_on_rerun_keeps_the_verified_file(tmp_path):
    with Mirror() as mirror:
        files = serve_wiki(mirror, newer_in_progress=None)
        download_wiki_dump(tmp_path, mirror=mirror.url(), variant="plain", policy=FAST, log=quiet_log)
        other = serve_wrong_sums(mirror, files)
        with pytest.raises(ChecksumMismatch) as err:
            download_wiki_dump(tmp_path, mirror=mirror.url(), variant="plain", policy=FAST,
                               log=quiet_log)
    assert hashlib.md5(other[PLAIN]).hexdigest() in str(err.value)
    assert hashlib.md5(files[PLAIN]).hexdigest() in str(err.value)
    assert (tmp_path / PLAIN).read_bytes() == files[PLAIN]


def test_connection_cut_mid_body_resumes_with_range(tmp_path):
    with Mirror() as mirror:
        files = serve_wiki(mirror)
        mirror.cut_once[FOLDER + MULTI] = 100_000
        dump = download_wiki_dump(tmp_path, mirror=mirror.url(), policy=FAST, log=quiet_log)
        asked = mirror.requests_for(FOLDER + MULTI)
    assert [(e.headers.get("Range"), e.status) for e in asked] == [(None, 200), ("bytes=100000-", 206)]
    assert asked[1].headers.get("If-Range")  # the validator guards the join
    assert (tmp_path / MULTI).read_bytes() == files[MULTI]
    assert dump.files[0].interruptions == 1


def test_a_failed_run_resumes_in_the_next_run(tmp_path, capsys):
    with Mirror() as mirror:
        files = serve_wiki(mirror)
        mirror.cut_once[FOLDER + MULTI] = 200_000
        first = crawl_here(capsys, "--mirror", mirror.url(), "--out", str(tmp_path), "-q", "--retries", "1")
        assert first.returncode != 0 and "resume from byte 200000" in first.stderr, first.stderr
        assert (tmp_path / (MULTI + ".part")).stat().st_size == 200_000
        assert not (tmp_path / MULTI).exists()
        second = crawl_here(capsys, "--mirror", mirror.url(), "--out", str(tmp_path), "-q")
        asked = mirror.requests_for(FOLDER + MULTI)
    assert second.returncode == 0, second.stderr
    assert "resumed from byte 200000" in second.stdout
    assert asked[-1].headers.get("Range") == "bytes=200000-" and asked[-1].status == 206
    assert (tmp_path / MULTI).read_bytes() == files[MULTI]


def test_server_that_ignores_range_restarts_cleanly(tmp_path):
    with Mirror() as mirror:
        files = serve_wiki(mirror)
        mirror.cut_once[FOLDER + MULTI] = 100_000
        mirror.ignore_range.add(FOLDER + MULTI)
        download_wiki_dump(tmp_path, mirror=mirror.url(), policy=FAST, log=quiet_log)
        statuses = [e.status for e in mirror.requests_for(FOLDER + MULTI)]
    assert statuses == [200, 200]
    assert (tmp_path / MULTI).read_bytes() == files[MULTI]


def test_file_changed_on_server_is_fetched_whole_not_spliced(tmp_path):
    with Mirror() as mirror:
        files = serve_wiki(mirror)
        mirror.cut_once[FOLDER + MULTI] = 100_000
        with pytest.raises(DownloadError):
            download_wiki_dump(tmp_path, mirror=mirror.url(), policy=RetryPolicy(attempts=1),
                               log=quiet_log)
        files = serve_wiki(mirror, n_pages=900)  # republished: other bytes, other sums
        download_wiki_dump(tmp_path, mirror=mirror.url(), policy=FAST, log=quiet_log)
        last = mirror.requests_for(FOLDER + MULTI)[-1]
    assert last.headers.get("Range") == "bytes=100000-" and last.status == 200  # If-Range said no
    assert (tmp_path / MULTI).read_bytes() == files[MULTI]


def test_busy_server_is_retried(tmp_path):
    with Mirror() as mirror:
        files = serve_wiki(mirror)
        mirror.fail_once[FOLDER + MULTI] = 503
        mirror.fail_once[FOLDER + "dumpstatus.json"] = 429
        download_wiki_dump(tmp_path, mirror=mirror.url(), policy=FAST, log=quiet_log)
    assert (tmp_path / MULTI).read_bytes() == files[MULTI]


def test_html_error_page_is_refused(tmp_path, capsys):
    with Mirror() as mirror:
        serve_wiki(mirror)
        mirror.html_instead.add(FOLDER + MULTI)
        result = crawl_here(capsys, "--mirror", mirror.url(), "--out", str(tmp_path), "-q")
    assert result.returncode != 0
    assert "HTML page" in result.stderr and MULTI in result.stderr
    assert not (tmp_path / MULTI).exists()


def test_missing_dump_is_a_clear_error(tmp_path, capsys):
    with Mirror() as mirror:
        serve_wiki(mirror)
        result = crawl_here(capsys, "--mirror", mirror.url(), "--out", str(tmp_path), "-q", "--date", "20240201")
    assert result.returncode != 0
    assert "in-progress" in result.stderr


def test_latest_without_listing_follows_the_rss_feed(tmp_path):
    with Mirror(listings=False) as mirror:
        files = serve_wiki(mirror, newer_in_progress=None)
        mirror.add(f"/kowiki/latest/kowiki-latest-{'pages-articles.xml.bz2'}-rss.xml",
                   f"<rss><channel><link>{mirror.url()}/kowiki/{DATE}</link></channel></rss>")
        dump = download_wiki_dump(tmp_path, mirror=mirror.url(), variant="plain", policy=FAST,
                                  log=quiet_log)
    assert dump.date == DATE
    assert (tmp_path / PLAIN).read_bytes() == files[PLAIN]


def test_contradicting_publication_is_reported(tmp_path):
    with Mirror() as mirror:
        files = serve_wiki(mirror, newer_in_progress=None)
        mirror.add(FOLDER + f"kowiki-{DATE}-md5sums.txt", sums_file({PLAIN: b"other"}, "md5"))
        with pytest.raises(DownloadError, match="contradicts itself"):
            download_wiki_dump(tmp_path, mirror=mirror.url(), variant="plain", policy=FAST,
                               log=quiet_log)
    assert files and not (tmp_path / PLAIN).exists()
