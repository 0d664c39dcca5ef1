"""Benchmark the ingest readers: kowiki dumps and a KcBERT-style comments file.

Generates, in a temp folder, from the real Korean sentences under
``../shared/corpora``:

* a kowiki ``pages-articles`` dump of about ``--wiki-mb`` MB of XML, with the
  page mix of the real dump (40 % articles, 30 % redirects, 30 % other
  namespaces) and articles in kowiki-like markup (infoboxes, refs with cite
  templates, links, tables, images, categories, interlanguage links), written
  as plain XML, as ``-multistream.xml.bz2`` (100 pages a stream) with its
  index, and as a single-stream ``.xml.bz2``;
* a comments file of about ``--comments-mb`` MB, one comment per line (the
  real hate-speech comments and NSMC reviews, with varied endings).

Then it times wikitext -> plain text three ways on the same articles (our
walker over mwparserfromhell's tokens, mwparserfromhell's own tree +
``strip_code``, wikitextparser's ``plain_text``), and runs every reader on
every input at 1 and 2 worker processes, each run in a fresh process so its
peak RSS is its own. Shard sizes are scaled down with the input so the bench
dump has as many shards per worker as the full dump would.

    /tmp/venv/bin/python bench/ingest.py --wiki-mb 40 --comments-mb 300

Prints what it measured; nothing is written to the repo.
"""

from __future__ import annotations

import argparse
import bz2
import contextlib
import importlib.util
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "corpora"
sys.path.insert(0, str(REPO))

# The full dump, for the estimate (the figures).
KOWIKI_PAGES = 1_500_000
KOWIKI_ARTICLES = 600_000
KOWIKI_PAGES_BZ2_GB = 1.0  # pages-articles-multistream.xml.bz2, about


# -- text to build from --------------------------------------------------------------

def real_sentences() -> list[str]:
    out = []
    for name in ("sentence-gold/wikipedia.txt", "sentence-gold/blogs_ko.txt", "news/train.news_title.txt"):
        for line in (SHARED / name).read_text(encoding="utf-8").splitlines():
            line = line.strip().strip('"').replace('""', '"')
            line = line.replace("[", "(").replace("]", ")").replace("''", "'")  # no accidental markup
            if len(line) > 15:
                out.append(line)
    return out


def real_comments() -> list[str]:
    out = [line.strip() for line in (SHARED / "comments" / "hate_speech_unlabeled_comments_5.txt")
           .read_text(encoding="utf-8").splitlines() if line.strip()]
    for line in (SHARED / "comments" / "nsmc_ratings_test.txt").read_text(encoding="utf-8").splitlines()[1:]:
        parts = line.split("\t")
        if len(parts) == 3 and parts[1].strip():
            out.append(parts[1].strip())
    return out


class ArticleMaker:
    """kowiki-like article wikitext from real sentences."""

    def __init__(self, sentences: list[str], rng: random.Random):
        self.s, self.rng = sentences, rng

    def words(self, n: int) -> str:
        return " ".join(self.rng.choice(self.rng.choice(self.s).split()) for _ in range(n))

    def linked(self, sentence: str) -> str:
        out = []
        for w in sentence.split():
            r = self.rng.random()
            out.append(f"[[{w}]]" if r < 0.10 else f"[[{self.words(2)}|{w}]]" if r < 0.14 else w)
        return " ".join(out)

    def ref(self) -> str:
        r = self.rng.random()
        if r < 0.5:
            return (f"<ref>{{{{웹 인용|url=https://example.com/{self.rng.randrange(10**6)}|제목={self.words(4)}"
                    f"|날짜=2020-01-0{self.rng.randrange(1, 9)}|출판사={self.words(1)}|확인날짜=2024-05-01}}}}</ref>")
        if r < 0.8:
            return f'<ref name="r{self.rng.randrange(20)}" />'
        return f'<ref name="n{self.rng.randrange(9)}">{self.words(6)}</ref>'

    def paragraph(self, n: int) -> str:
        return " ".join(self.linked(self.rng.choice(self.s)) + (self.ref() if self.rng.random() < 0.3 else "")
                        for _ in range(n))

    def article(self) -> str:
        rng, parts = self.rng, []
        if rng.random() < 0.6:
            parts.append("{{정보상자 인물\n| 이름 = " + self.words(2) + "\n| 출생일 = {{출생일과 나이|1950|1|1}}\n"
                         "| 국적 = {{국기나라|대한민국}}\n| 이미지 = X.jpg\n| 설명 = " + self.words(5) + "\n}}")
        parts.append(f"'''{self.words(1)}'''({{{{llang|en|Foo Bar}}}})는 " + self.paragraph(rng.randrange(1, 4)))
        for _ in range(max(1, int(rng.lognormvariate(1.0, 0.8)))):
            parts.append(f"== {self.words(1)} ==")
            for _ in range(rng.randrange(1, 4)):
                parts.append(self.paragraph(rng.randrange(2, 7)))
                if rng.random() < 0.2:
                    parts.append("\n".join("* " + self.linked(self.words(5)) for _ in range(rng.randrange(2, 6))))
                if rng.random() < 0.1:
                    rows = "".join(f"|-\n| {self.words(2)} || {self.words(2)}\n" for _ in range(rng.randrange(2, 8)))
                    parts.append('{| class="wikitable"\n|-\n! 가 !! 나\n' + rows + "|}")
                if rng.random() < 0.15:
                    parts.append(f"[[파일:{self.words(1)}.jpg|thumb|250px|{self.linked(self.words(4))}]]")
        parts.append("== 각주 ==\n{{각주}}")
        if rng.random() < 0.5:
            parts.append("== 외부 링크 ==\n* [https://example.com 공식 누리집]")
        parts.append("\n".join(f"[[분류:{self.words(2)}]]" for _ in range(rng.randrange(1, 5))))
        parts.append("[[en:Foo]]\n[[ja:Foo]]")
        return "\n\n".join(parts)


def page_xml(pid: int, title: str, ns: int, text: str) -> str:
    esc = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    title = title.replace("&", "&amp;").replace("<", "&lt;")
    return (f"  <page>\n    <title>{title}</title>\n    <ns>{ns}</ns>\n    <id>{pid}</id>\n    <revision>\n"
            f"      <id>{pid + 10**7}</id>\n      <timestamp>2026-11-01T00:00:00Z</timestamp>\n"
            f'      <text bytes="{len(text.encode())}" xml:space="preserve">{esc}</text>\n    </revision>\n  </page>\n')


HEAD = ('<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11" xml:lang="ko">\n'
        "  <siteinfo>\n    <sitename>위키백과</sitename>\n    <dbname>kowiki</dbname>\n  </siteinfo>\n")
TAIL = "</mediawiki>\n"


def make_pages(target_bytes: int, maker: ArticleMaker, rng: random.Random) -> tuple[list[str], dict]:
    pages, size, pid = [], 0, 1
    info = {"articles": 0, "article_wikitext_bytes": 0}
    while size < target_bytes:
        r = rng.random()
        if r < 0.40:
            text = maker.article()
            page = page_xml(pid, f"문서 {pid}", 0, text)
            info["articles"] += 1
            info["article_wikitext_bytes"] += len(text.encode())
        elif r < 0.70:
            page = page_xml(pid, f"넘겨주기 {pid}", 0, f"#넘겨주기 [[문서 {pid - 1}]]")
        else:
            page = page_xml(pid, f"틀:틀 {pid}", rng.choice((2, 4, 10, 14, 828)), "{{틀}} " + maker.words(20))
        pages.append(page)
        size += len(page.encode())
        pid += 1
    info["pages"] = len(pages)
    return pages, info


def write_dumps(d: Path, pages: list[str]) -> dict[str, Path]:
    xml = (HEAD + "".join(pages) + TAIL).encode()
    out = {"plain xml": d / "kowiki-bench-pages-articles.xml"}
    out["plain xml"].write_bytes(xml)
    multi = d / "kowiki-bench-pages-articles-multistream.xml.bz2"
    groups = [pages[i:i + 100] for i in range(0, len(pages), 100)]
    with ProcessPoolExecutor(2, mp_context=get_context("spawn")) as pool:
        blobs = list(pool.map(bz2.compress, [HEAD.encode()] + ["".join(g).encode() for g in groups] + [TAIL.encode()]))
    offsets, pos = [], 0
    for blob in blobs:
        offsets.append(pos)
        pos += len(blob)
    multi.write_bytes(b"".join(blobs))
    index = "".join(f"{off}:{p.split('<id>', 1)[1].split('<', 1)[0]}:x\n"
                    for g, off in zip(groups, offsets[1:], strict=False) for p in g)
    multi.with_name(multi.name.removesuffix(".xml.bz2") + "-index.txt.bz2").write_bytes(bz2.compress(index.encode()))
    out["multistream bz2"] = multi
    single = d / "kowiki-bench1-pages-articles.xml.bz2"
    single.write_bytes(bz2.compress(xml))
    out["single-stream bz2"] = single
    return out


def write_comments(path: Path, target_bytes: int, comments: list[str], rng: random.Random) -> int:
    endings = ["", " ㅋㅋ", " ㅋㅋㅋㅋ", "!!", "...", " ㅠㅠ", " 진짜", " ㄹㅇ", "?"]
    size, lines = 0, 0
    with open(path, "w", encoding="utf-8") as fh:
        while size < target_bytes:
            block = "".join(rng.choice(comments) + rng.choice(endings) + "\n" for _ in range(10_000))
            fh.write(block)
            size += len(block.encode())
            lines += 10_000
    return lines


def news_page(sentences: list[str], rng: random.Random, n: int) -> str:
    """A news page like the portals': navigation, scripts, a body of paragraphs, related links, footer."""
    nav = "".join(f'<li><a href="/section/{i}">{rng.choice(sentences)[:12]}</a></li>' for i in range(80))
    script = "var cfg = {" + ",".join(f'"k{i}": "{rng.random()}"' for i in range(600)) + "};"
    body = "".join(f"<p>{' '.join(rng.choice(sentences) for _ in range(3))}</p>" for _ in range(rng.randrange(4, 14)))
    related = "".join(f'<li><a href="/a/{rng.randrange(10**6)}">{rng.choice(sentences)}</a></li>' for _ in range(20))
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{rng.choice(sentences)} - 예시일보</title>'
            f'<meta property="og:title" content="기사 {n}"><style>.x{{color:red}}</style><script>{script}</script>'
            f'</head><body><header><nav><ul>{nav}</ul></nav></header><div class="ad-banner">광고</div>'
            f'<div id="content"><h1>기사 {n}</h1><div id="articleBody" class="article_body">{body}'
            f'<p>저작권자 ⓒ 예시일보 무단전재 및 재배포 금지</p></div><div class="related-news"><ul>{related}</ul></div>'
            f'</div><footer>회사 소개 · 개인정보처리방침</footer></body></html>')


def write_warc(path: Path, sentences: list[str], rng: random.Random, pages: int) -> None:
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for n in range(pages):
            body = news_page(sentences, rng, n).encode()
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"https://news.example/{n}", "response",
                                                          payload=io.BytesIO(body), http_headers=headers))


# -- wikitext converters compared -------------------------------------------------------

FORBIDDEN = ("{{", "}}", "[[", "]]", "<ref", "{|", "thumb", "분류:")


def convert_ours(text: str) -> str:
    from korpus.crawlers.readers.wikitext import wikitext_to_plain

    return wikitext_to_plain(text)


def convert_mw_tree(text: str) -> str:
    """mwparserfromhell's own tree: remove what is not text, then strip_code."""
    import mwparserfromhell
    from mwparserfromhell.nodes import Tag, Template, Wikilink

    from korpus.crawlers.readers.wikitext import DROP_SECTIONS, DROP_TAGS, link_text, tidy_lines

    code = mwparserfromhell.parse(text)
    for section in code.get_sections(levels=[2]):
        if section.filter_headings()[0].title.strip_code().strip() in DROP_SECTIONS:
            code.remove(section)
    for node in code.filter(forcetype=(Template, Tag, Wikilink)):
        drop = (isinstance(node, Template) or (isinstance(node, Tag) and str(node.tag).lower() in DROP_TAGS)
                or (isinstance(node, Wikilink) and not link_text(str(node.title), str(node.text or "x"))))
        if drop:
            with contextlib.suppress(ValueError):  # inside something removed already
                code.remove(node)
    for heading in code.filter_headings():
        code.replace(heading, "\n")
    return tidy_lines(code.strip_code(normalize=True, collapse=True))


def convert_wtp(text: str) -> str:
    """wikitextparser: drop refs, files, categories, interlanguage links and reference sections; plain_text."""
    import wikitextparser
    from wikitextparser._wikitext import DeadIndexError

    from korpus.crawlers.readers.wikitext import DROP_SECTIONS, link_text, tidy_lines

    parsed = wikitextparser.parse(text)
    for section in parsed.sections:
        if section.title is not None and section.title.strip() in DROP_SECTIONS:
            section.string = ""
    for tag in parsed.get_tags("ref"):
        tag.string = ""
    for link in parsed.wikilinks:
        with contextlib.suppress(AttributeError, DeadIndexError):  # inside one removed already
            if not link_text(link.title, "x"):
                link.string = ""
    plain = parsed.plain_text(replace_tables=lambda table: "")
    return tidy_lines(re.sub(r"^=+.*?=+\s*$", "", plain, flags=re.M))


def compare_converters(articles: list[str]) -> dict:
    total = sum(len(a.encode()) for a in articles)
    results = {}
    for name, fn in (("ours (mwparserfromhell tokens + walker)", convert_ours),
                     ("mwparserfromhell tree + strip_code", convert_mw_tree),
                     ("wikitextparser plain_text", convert_wtp)):
        if fn is convert_wtp and importlib.util.find_spec("wikitextparser") is None:
            print(f"  {name:42s} skipped: pip install wikitextparser to compare it")
            continue
        fn(articles[0])  # imports and first-call setup out of the timing
        t0 = time.process_time()
        outs = [fn(a) for a in articles]
        dt = time.process_time() - t0
        residue = sum(any(f in o for f in FORBIDDEN) for o in outs)
        results[name] = {"ms_per_article": dt / len(articles) * 1e3, "mb_s": total / dt / 1e6,
                         "articles_with_residue": residue}
        print(f"  {name:42s} {dt / len(articles) * 1e3:6.2f} cpu-ms/article  {total / dt / 1e6:5.2f} MB/s  "
              f"articles with markup residue: {residue}/{len(articles)}", flush=True)
    return results


# -- reader runs in their own process ---------------------------------------------------

def _peak_rss_mb() -> float:
    """This process's own peak RSS (VmHWM; ru_maxrss would include the parent it was forked from)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _read_shard(kind: str, shard, scan_only: bool = False) -> tuple[int, int, dict, int, float]:
    from korpus.core.stats import Stats
    from korpus.crawlers.readers import reader_for

    stats = Stats()
    reader = reader_for(kind, **dict(shard.options))
    n = size = 0
    if scan_only:  # decoded lines only, no records: the I/O and decoding layer alone
        for _, line in reader.lines(shard, stats):
            n += 1
            size += len(line)
    else:
        for rec in reader.read(shard, stats):
            n += 1
            size += len(rec.text)
    return n, size, stats.to_dict()["counts"].get("read", {}), os.getpid(), _peak_rss_mb()


def _cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def child(kind: str, path: str, workers: int) -> None:
    """Plan, read every shard with ``workers`` processes, print one JSON line."""
    from korpus.crawlers.readers import lines, reader_for, wiki

    wiki.PLAIN_RANGE_BYTES, wiki.BZ2_RANGE_BYTES, wiki.STRIDE_BYTES = 2 << 20, 512 << 10, 2 << 20
    lines.LineReader.range_bytes = 16 << 20
    scan_only = kind.endswith("-scan")
    kind = kind.removesuffix("-scan")
    cpu0 = _cpu_seconds(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    shards = reader_for(kind).plan(path)
    plan_s = time.perf_counter() - t0
    if workers == 1:
        results = [_read_shard(kind, s, scan_only) for s in shards]
    else:
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
            results = list(pool.map(_read_shard, [kind] * len(shards), shards, [scan_only] * len(shards)))
    seconds = time.perf_counter() - t0
    cpu = _cpu_seconds(resource.RUSAGE_SELF) - cpu0 + _cpu_seconds(resource.RUSAGE_CHILDREN)
    counts: dict = {}
    records = text_chars = 0
    peaks = {os.getpid(): _peak_rss_mb()}
    for n, size, read, pid, peak in results:
        records += n
        text_chars += size
        peaks[pid] = max(peaks.get(pid, 0), peak)
        for source in read.values():
            for key, v in source.items():
                counts[key] = counts.get(key, 0) + v
    print(json.dumps({"shards": len(shards), "plan_s": plan_s, "seconds": seconds, "cpu_s": cpu,
                      "records": records, "text_chars": text_chars, "counts": counts,
                      "peak_rss_mb": max(peaks.values()), "total_rss_mb": sum(peaks.values())}))


def run_reader(kind: str, path: Path, workers: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", kind, str(path), str(workers)],
                         capture_output=True, text=True, check=True, cwd=REPO)
    return json.loads(out.stdout.strip().splitlines()[-1])


# -- main ------------------------------------------------------------------------------

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wiki-mb", type=float, default=40)
    ap.add_argument("--comments-mb", type=float, default=300)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--inputs", nargs="+", default=["wiki", "comments", "news"], choices=["wiki", "comments", "news"])
    ap.add_argument("--warc-pages", type=int, default=3000)
    ap.add_argument("--converter-articles", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--child", nargs=3, metavar=("KIND", "PATH", "WORKERS"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child[0], args.child[1], int(args.child[2]))
        return
    if not SHARED.is_dir():
        sys.exit(f"needs {SHARED} (real Korean text to build the inputs from)")

    rng = random.Random(args.seed)
    maker = ArticleMaker(real_sentences(), rng)
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start", flush=True)

    print(f"\nwikitext -> plain text, {args.converter_articles} generated articles, one process:", flush=True)
    sample = [maker.article() for _ in range(args.converter_articles)]
    print(f"  mean article wikitext: {sum(len(a.encode()) for a in sample) / len(sample) / 1e3:.1f} KB", flush=True)
    compare_converters(sample)

    with tempfile.TemporaryDirectory(prefix="korpus-bench-ingest-") as tmp:
        d = Path(tmp)
        t0 = time.perf_counter()
        wiki_bytes = int(args.wiki_mb * 1e6) if "wiki" in args.inputs else 0
        pages, info = make_pages(wiki_bytes, maker, rng)
        dumps = write_dumps(d, pages) if pages else {}
        xml_mb = sum(len(p.encode()) for p in pages) / 1e6
        runs = [("wiki", name, path) for name, path in dumps.items()]
        print(f"\ninputs: kowiki dump {info['pages']:,} pages ({info['articles']:,} articles, "
              f"{info['article_wikitext_bytes'] / 1e6:.1f} MB article wikitext), {xml_mb:.1f} MB XML", flush=True)
        if "comments" in args.inputs:
            comments = d / "20190101_20200611_v2.txt"
            n_comments = write_comments(comments, int(args.comments_mb * 1e6), real_comments(), rng)
            runs += [("comments", "comments txt", comments), ("comments-scan", "comments txt, lines only", comments)]
            print(f"  comments {n_comments:,} lines, {comments.stat().st_size / 1e6:.0f} MB", flush=True)
        if "news" in args.inputs:
            warc = d / "crawl.warc.gz"
            write_warc(warc, maker.s, rng, args.warc_pages)
            runs.append(("news", "warc.gz (HTML pages)", warc))
            print(f"  WARC {args.warc_pages:,} HTML pages, {warc.stat().st_size / 1e6:.0f} MB gzip", flush=True)
        print(f"  generated in {time.perf_counter() - t0:.0f} s", flush=True)
        rates = {}
        print(f"\n{'reader / input':38s} {'workers':>7s} {'shards':>6s} {'wall s':>7s} {'cpu s':>7s} "
              f"{'pages/s':>9s} {'docs/s':>9s} {'MB/s in':>8s} {'MB/s xml':>8s} {'per cpu-s':>14s} "
              f"{'peak RSS':>9s} {'all procs':>9s}", flush=True)
        for kind, name, path in runs:
            for w in args.workers:
                r = run_reader(kind, path, w)
                size_mb = path.stat().st_size / 1e6
                units = r["counts"].get("pages", r["counts"].get("lines", r["counts"].get("html_pages", 0)))
                uncompressed = xml_mb if kind == "wiki" else size_mb
                print(f"{kind.removesuffix('-scan') + ' / ' + name:38s} {w:7d} {r['shards']:6d} {r['seconds']:7.1f} "
                      f"{r['cpu_s']:7.1f} {units / r['seconds']:9,.0f} {r['records'] / r['seconds']:9,.0f} "
                      f"{size_mb / r['seconds']:8.1f} {uncompressed / r['seconds']:8.1f} "
                      f"{uncompressed / r['cpu_s']:7.1f} MB/cpu-s {r['peak_rss_mb']:6.0f} MB {r['total_rss_mb']:6.0f} MB",
                      flush=True)
                rates[(name, w)] = r
        estimate(info, rates, args.workers)
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end (other work on the machine slows every figure)")


def estimate(info: dict, rates: dict, workers: list[int]) -> None:
    """Scale the multistream runs to the whole dump, by articles (conversion dominates).

    On a shared machine the wall time depends on the load; CPU seconds do not,
    so the estimate is given both ways: as measured, and for 2 idle cores.
    """
    print("\nfull kowiki estimate (1.5M pages, 600k articles), from the multistream runs:")
    for w in workers:
        r = rates.get(("multistream bz2", w))
        if not r:
            continue
        wall = r["seconds"] / info["articles"] * KOWIKI_ARTICLES / 60
        idle = r["cpu_s"] / info["articles"] * KOWIKI_ARTICLES / 60 / 2
        mb_cpu = info["article_wikitext_bytes"] / r["cpu_s"] / 1e6
        print(f"  {w} worker(s): {r['cpu_s'] / info['articles'] * 1e3:.2f} cpu-ms per article (other pages included); "
              f"600k articles: {wall:.0f} min at this run's wall rate, {idle:.0f} min on 2 idle cores; "
              f"{mb_cpu:.2f} MB of article wikitext per cpu-s -> {3000 / mb_cpu / 60 / 2:.0f} min on 2 idle cores "
              f"if kowiki has 3 GB of it")


if __name__ == "__main__":
    main()
