"""``korpus crawl news`` end to end: a Scrapy crawl (its own process) of a local news site."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys

import pyarrow.parquet as pq
import pytest
from mirrors import (
    AD_TEXT,
    BYLINE_TEXT,
    FOOTER_TEXT,
    NAV_TEXT,
    RELATED_TEXT,
    Mirror,
    article_html,
    serve_news,
    urlset,
)

from korpus.cli.main import main
from korpus.core.layout import corpus_files
from korpus.core.schema import CORPUS_SCHEMA

FURNITURE = (NAV_TEXT, FOOTER_TEXT, RELATED_TEXT, AD_TEXT, BYLINE_TEXT, "SCRIPTTEXT", "SIDEBARTEXT",
             "SEARCHBOX")
FAST = ("--delay", "0", "--backoff", "0.05", "--log-level", "ERROR")


def crawl_news(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "korpus", "crawl", "news", *FAST, *args],
                          capture_output=True, text=True, timeout=180)


def rows(folder) -> list[dict]:
    return [r for path in corpus_files(folder) for r in pq.read_table(path).to_pylist()]


def article_requests(mirror: Mirror) -> list[str]:
    return [e.path for e in mirror.log if e.path.startswith(("/news/", "/amp/", "/private/"))]


@pytest.fixture(scope="module")
def site():
    with Mirror() as mirror:
        articles = serve_news(mirror)
        yield mirror, articles


@pytest.fixture(scope="module")
def first_crawl(site, tmp_path_factory):
    mirror, articles = site
    mirror.fail_once[articles[1].path] = 503  # busy once: retried after a back-off
    mirror.fail_once[articles[2].path] = 429
    out = tmp_path_factory.mktemp("news")
    result = crawl_news("--sitemap", mirror.url("/sitemap.xml"), "--out", str(out))
    return out, result, list(mirror.log)


def test_sitemap_crawl_stores_exactly_the_allowed_articles(site, first_crawl):
    mirror, articles = site
    out, result, log = first_crawl
    assert result.returncode == 0, result.stderr
    stored = {r["url"]: r for r in rows(out)}
    allowed = [a for a in articles if a.allowed]
    assert sorted(stored) == sorted(mirror.url(a.path) for a in allowed)
    assert not any(e.path.startswith("/private/") for e in log)  # robots.txt obeyed
    for a in allowed:
        row = stored[mirror.url(a.path)]
        assert row["text"].split("\n") == a.paragraphs
        assert row["title"] == a.title and row["date"] == a.date and row["source"] == "news"
        assert row["id"] == "news/" + hashlib.sha1(row["url"].encode()).hexdigest()[:16]
        for text in FURNITURE:
            assert text not in row["text"]
    assert "1 duplicate" in result.stdout  # /amp/a1.html has a1's canonical URL
    assert "1 forbidden by robots.txt" in result.stdout
    assert "no_article_markup=2" in result.stdout  # the section listing and the about page
    for a in articles[1:3]:
        assert [e.status for e in log if e.path == a.path] == [503 if a is articles[1] else 429, 200]


def test_output_is_the_corpus_schema_in_top_level_shards(first_crawl):
    out, _, _ = first_crawl
    shards = sorted(p.name for p in out.glob("*.parquet"))
    assert shards == ["part-00000.parquet"]
    assert pq.read_schema(out / shards[0]).equals(CORPUS_SCHEMA, check_metadata=False)
    summary = json.loads((out / "_state" / "last-run.json").read_text())
    assert summary["stored"] == 4 and summary["errors"] == []
    counts = json.loads((out / "_state" / "stats.json").read_text())["counts"]["crawl"]["news"]
    assert counts["kept"] == 4 and counts["dropped:no_article_markup"] == 2
    assert counts["dropped:duplicate"] == 1 and counts["dropped:robots_forbidden"] == 1


def test_rerun_fetches_nothing_again_and_since_filters_new_entries(site, first_crawl, tmp_path):
    mirror, articles = site
    out = tmp_path / "news"
    shutil.copytree(first_crawl[0], out)
    before = len(mirror.log)
    again = crawl_news("--sitemap", mirror.url("/sitemap.xml"), "--out", str(out))
    assert again.returncode == 0, again.stderr
    refetched = [e.path for e in mirror.log[before:] if not e.path.endswith((".xml", ".txt"))]
    assert refetched == []  # stored articles and known non-articles are not fetched again
    assert "stored 0 article(s)" in again.stdout

    a = articles[1]
    mirror.add("/news/2024/03/new.html", article_html("새 기사", "2024-03-02T09:00:00+09:00", a.paragraphs))
    mirror.add("/news/2022/old.html", article_html("옛 기사", "2022-01-02T09:00:00+09:00", a.paragraphs))
    mirror.add("/news/nolastmod-old.html", article_html("날짜 없는 옛 기사", "2022-05-05", a.paragraphs))
    mirror.add("/sitemap-news.xml", urlset([
        (mirror.url("/news/2024/03/new.html"), "2024-03-02"),
        (mirror.url("/news/2022/old.html"), "2022-01-02"),
        (mirror.url("/news/nolastmod-old.html"), None),
        *[(mirror.url(x.path), x.lastmod) for x in articles]]))
    before = len(mirror.log)
    third = crawl_news("--sitemap", mirror.url("/sitemap.xml"), "--out", str(out), "--since", "2024-01-01")
    assert third.returncode == 0, third.stderr
    fetched = [e.path for e in mirror.log[before:] if e.path.startswith("/news/")]
    assert sorted(fetched) == ["/news/2024/03/new.html", "/news/nolastmod-old.html"]
    assert sorted(p.name for p in out.glob("*.parquet")) == ["part-00000.parquet", "part-00001.parquet"]
    urls = [r["url"] for r in rows(out)]
    assert len(urls) == len(set(urls)) == 5
    assert mirror.url("/news/2024/03/new.html") in urls
    mirror.add("/sitemap-news.xml", urlset([(mirror.url(x.path), x.lastmod) for x in articles]))


def test_start_url_crawl_follows_links_within_the_domain(site, tmp_path):
    mirror, articles = site
    before = len(mirror.log)
    result = crawl_news("--start-url", mirror.url("/index.html"), "--allow-domain", "127.0.0.1",
                        "--out", str(tmp_path), "--since", "2024-01-01")
    assert result.returncode == 0, result.stderr
    urls = sorted(r["url"] for r in rows(tmp_path))
    wanted = [a for a in articles if a.allowed and a.date >= "2024-01-01"]
    assert urls == sorted(mirror.url(a.path) for a in wanted)
    assert not any(e.path.startswith("/private/") for e in mirror.log[before:])
    assert "before_since=3" in result.stdout  # a1, its amp copy, a4


def test_broken_sitemaps_exit_nonzero_and_say_which(site, tmp_path):
    mirror, _ = site
    mirror.html_instead.add("/sitemap-html.xml")
    result = crawl_news("--sitemap", mirror.url("/missing-sitemap.xml"),
                        "--sitemap", mirror.url("/sitemap-html.xml"), "--out", str(tmp_path))
    assert result.returncode != 0
    assert "/missing-sitemap.xml: 127.0.0.1 answered HTTP 404" in result.stderr
    assert "/sitemap-html.xml: an HTML page, not a sitemap" in result.stderr


@pytest.mark.parametrize("args, says", [
    ((), "--sitemap"),
    (("--sitemap", "ftp://x/sitemap.xml"), "not an http(s) URL"),
    (("--sitemap", "http://x/s.xml", "--since", "2024/01/01"), "YYYY-MM-DD"),
])
def test_bad_options_are_config_errors(tmp_path, capsys, args, says):
    """Checked before Scrapy starts, so this runs in the test process."""
    with pytest.raises(SystemExit) as exit_:
        main(["crawl", "news", "--out", str(tmp_path), *args])
    assert exit_.value.code == 2 and says in capsys.readouterr().err


def test_an_unreachable_host_is_one_line_naming_it(tmp_path):
    """Default output: korpus's summary and one line per failed entry; no Scrapy log, no traceback."""
    proc = subprocess.run([sys.executable, "-m", "korpus", "crawl", "news", "--retries", "0", "--out",
                           str(tmp_path / "n"), "--start-url", "http://no-such-host.invalid/news/"],
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "[scrapy" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == (
        "korpus: news crawl incomplete: http://no-such-host.invalid/news/: cannot resolve host no-such-host.invalid")
    assert len(proc.stderr.strip().splitlines()) == 1
