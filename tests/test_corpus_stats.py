"""``korpus stats`` / corpus_stats: counts against an independent count, targets, outputs."""

from __future__ import annotations

import base64
import json
import random
import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import CORPORA, needs_shared, run_korpus
from hypothesis import given, settings
from hypothesis import strategies as st

from korpus.cli.main import main
from korpus.core.errors import ConfigError, InputError, KorpusError
from korpus.core.parquet import parquet_writer
from korpus.core.schema import CORPUS_SCHEMA, Record, records_to_table
from korpus.core.stats import Stats
from korpus.corpus_stats import KRBERT_MEDIUM, TargetsMissed, load_targets, make_report, scan_corpus
from korpus.corpus_stats.build_stats import build_stats_path, load_build_stats
from korpus.corpus_stats.compare import ALL
from korpus.corpus_stats.render_html import render_html
from korpus.corpus_stats.scan import _per_source
from korpus.corpus_stats.scripts import CLASSES, WORD, residue, script_exprs
from korpus.corpus_stats.targets import Targets

# Characters whose class the independent classifier below gets from unicodedata alone.
ALPHABET = {
    "hangul": "가나다라마바사아자차카타파하한국어문장ㅋㅎㅠㅜ각",
    "latin": "abcxyzABCXYZéÀüñ",
    "hanja": "韓國語文學漢字",
    "digit": "0123456789０９",
    "other": ".,!?\"'()-·~…「」😀♥",
}
SPACES = [" ", " ", " ", "  ", "\t", "\n", "\u3000", "\u00a0"]
SOURCES = {"wiki": (3, 8), "news": (2, 6), "comments": (1, 2), "law": (4, 12)}


def classify(ch: str) -> str:
    """Independent of corpus_stats: Unicode names and categories, no regex."""
    if ch.isspace():
        return "whitespace"
    name = unicodedata.name(ch, "")
    if "HANGUL" in name:
        return "hangul"
    if name.startswith("LATIN ") or name.startswith("FULLWIDTH LATIN "):
        return "latin"
    if "CJK UNIFIED IDEOGRAPH" in name:
        return "hanja"
    if unicodedata.category(ch) == "Nd":
        return "digit"
    return "other"


def make_sentence(rng: random.Random) -> str:
    words = []
    for _ in range(rng.randint(1, 9)):
        script = rng.choices(list(ALPHABET), weights=[70, 8, 3, 6, 13])[0]
        words.append("".join(rng.choice(ALPHABET[script]) for _ in range(rng.randint(1, 6))))
    out = words[0]
    for w in words[1:]:
        out += rng.choice(SPACES) + w
    return out


def make_records(n: int, seed: int = 7) -> list[Record]:
    rng = random.Random(seed)
    records = []
    for i in range(n):
        source = rng.choice(list(SOURCES))
        lo, hi = SOURCES[source]
        sentences = [make_sentence(rng) for _ in range(rng.randint(lo, hi))]
        text = rng.choice([" ", "\n", "  "]).join(sentences)
        records.append(Record(id=f"gen/{i}", source=source, text=text, sentences=sentences))
    records.append(Record(id="gen/empty", source="comments", text="", sentences=[]))
    return records


def write_shards(records: list[Record], folder: Path, shards: int = 3, row_group: int = 17) -> Path:
    """Several files, several small row groups each: the scan must add them all up."""
    folder.mkdir(parents=True, exist_ok=True)
    for k in range(shards):
        with parquet_writer(folder / f"part-{k:05d}.parquet") as writer:
            writer.write_table(records_to_table(records[k::shards]), row_group_size=row_group)
    return folder


def korpus(*args: str) -> int:
    """Run the CLI in this process; its exit code."""
    try:
        main(list(args))
    except SystemExit as exc:
        return exc.code or 0
    return 0


def independent_counts(folder: Path) -> dict[str, dict]:
    """pyarrow to read, plain Python to count."""
    out: dict[str, dict] = {}
    for path in sorted(folder.glob("*.parquet")):
        for row in pq.read_table(path, columns=["source", "text", "sentences"]).to_pylist():
            c = out.setdefault(row["source"], {"documents": 0, "sentences": 0, "words": 0, "text_words": 0,
                                               "characters": 0, "bytes": 0,
                                               "scripts": dict.fromkeys(CLASSES, 0)})
            c["documents"] += 1
            c["sentences"] += len(row["sentences"])
            c["words"] += sum(len(s.split()) for s in row["sentences"])
            c["text_words"] += len(row["text"].split())
            c["characters"] += len(row["text"])
            c["bytes"] += len(row["text"].encode("utf-8"))
            for ch in row["text"]:
                c["scripts"][classify(ch)] += 1
    return out


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return write_shards(make_records(400), tmp_path_factory.mktemp("stats") / "corpus")


@pytest.fixture(scope="module")
def corpus_with_build_stats(tmp_path_factory) -> Path:
    """A corpus file with the build stats the build would have written beside it."""
    folder = tmp_path_factory.mktemp("built")
    records = make_records(120, seed=3)
    path = folder / "corpus.parquet"
    with parquet_writer(path) as writer:
        writer.write_table(records_to_table(records), row_group_size=50)
    stats = Stats()
    for rec in records:
        raw = len(rec.text.encode()) * 2  # the readers produced twice the text that was kept
        stats.add("read", rec.source, "docs", 3)
        stats.add("read", rec.source, "bytes", raw)
        stats.add("cleaned", rec.source, "docs", 2)
        stats.drop("filter", rec.source, "too_short")
        stats.drop("exact_dedup", rec.source, "exact_duplicate")
        stats.add("write", rec.source, "docs")
    stats.drop("read", "wiki", "redirect", 5)
    stats.add("write", "*", "shards", 1)
    stats.add("some_future_stage", "news", "mystery_counter", 9)
    stats.problem("in/comments.txt", "undecodable bytes", line=3, source="comments")
    path.with_suffix(".stats.json").write_text(stats.to_json(), encoding="utf-8")
    return path


def test_counts_equal_an_independent_count(corpus):
    want = independent_counts(corpus)
    got = scan_corpus(corpus)
    assert set(got.sources) == set(want) == set(SOURCES)
    for source, w in want.items():
        g = got.sources[source]
        assert {k: g.get(k) for k in w if k != "scripts"} == {k: v for k, v in w.items() if k != "scripts"}, source
        assert g.scripts == w["scripts"], source
    for key in ("documents", "sentences", "words", "text_words", "characters", "bytes"):
        assert got.total.get(key) == sum(w[key] for w in want.values())
    # The fixture really exercises every class and the odd whitespace.
    assert all(got.total.scripts[c] > 0 for c in CLASSES)
    assert got.total.words == got.total.text_words > 0


def test_length_distributions_are_exact(corpus):
    got = scan_corpus(corpus)
    rows = [r for p in sorted(corpus.glob("*.parquet")) for r in pq.read_table(p).to_pylist()]
    for source in SOURCES:
        sent = np.array([len(s) for r in rows if r["source"] == source for s in r["sentences"]])
        docs = np.array([len(r["text"]) for r in rows if r["source"] == source])
        for dist, lengths in ((got.sentence_lengths[source], sent), (got.document_lengths[source], docs)):
            assert dist.n == len(lengths) and dist.total == lengths.sum()
            for q in (1, 25, 50, 90, 99):
                assert dist.percentile(q) == int(np.percentile(lengths, q, method="inverted_cdf"))
            edges = np.array([0, 5, 20, 50])
            hist = dist.histogram(edges)
            assert hist.tolist() == [int(((lengths >= 0) & (lengths < 5)).sum()),
                                     int(((lengths >= 5) & (lengths < 20)).sum()),
                                     int((lengths >= 20).sum())]


WORD_CHARS = list("가a1 .\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2028\u3000\u200b\ufeff")


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(st.sampled_from(WORD_CHARS), max_size=30), min_size=1, max_size=50))
def test_word_count_is_python_split(texts):
    """Words are exactly Python's str.split() (every Unicode whitespace, and U+001C..U+001F)."""
    assert pl.Series(texts, dtype=pl.String).str.count_matches(WORD).to_list() == [len(t.split()) for t in texts]


@pytest.mark.shared
@needs_shared()
def test_script_counts_match_on_shared_text():
    """Real comments: the class counts equal the unicodedata classifier's."""
    lines = (CORPORA / "comments" / "hate_speech_unlabeled_comments_5.txt").read_text(encoding="utf-8").splitlines()
    lines = [ln for ln in lines[:3000] if ln.strip()]
    want = dict.fromkeys(CLASSES, 0)
    for ch in "".join(lines):
        want[classify(ch)] += 1
    df = pl.DataFrame({"text": lines}).select(**{
        k: v.sum() for k, v in script_exprs(pl.col("text"), residue(pl.col("text"))).items()})
    assert df.row(0, named=True) == want


def test_cli_check_exits_nonzero_naming_every_missed_target(corpus):
    proc = run_korpus("stats", str(corpus), "--check", "-q")
    assert proc.returncode == 1
    assert "3 krbert-medium target(s) missed" in proc.stderr
    for name in ("sentences", "words", "bytes"):
        assert re.search(rf"\b{name} [\d,.]+( [kMG]?B)? of ", proc.stderr), name
    assert "91,000,000" in proc.stderr and "1,170,000,000" in proc.stderr and "12.37 GB" in proc.stderr


def test_check_passes_when_targets_are_met(corpus, tmp_path, capsys):
    toml = tmp_path / "small.toml"
    toml.write_text('name = "tiny"\nsentences = 10\nwords = 100\ngb = 0.000001\n'
                    '[sources.news]\ndocuments = 5\n', encoding="utf-8")
    assert korpus("stats", str(corpus), "--targets", str(toml), "--check") == 0
    out = capsys.readouterr().out
    assert "against tiny" in out and "missed" not in out


def test_check_names_a_missed_source_target(corpus, tmp_path, capsys):
    toml = tmp_path / "t.toml"
    toml.write_text("documents = 1\n[sources.comments]\nwords = 10000000\n[sources.blogs]\ndocuments = 1\n",
                    encoding="utf-8")
    assert korpus("stats", str(corpus), "--targets", str(toml), "--check", "-q") == 1
    err = capsys.readouterr().err
    assert "2 t target(s) missed" in err
    assert "comments words" in err and "blogs documents 0 of 1" in err


def test_targets_file_errors_name_the_key_and_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("sentence = 5\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad\.toml: unknown key 'sentence'"):
        load_targets(bad)
    bad.write_text("gb = 1\nbytes = 5\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="both set"):
        load_targets(bad)
    bad.write_text('[sources.news]\nwords = "many"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"'sources\.news\.words' must be a positive number"):
        load_targets(bad)
    bad.write_text("words = [\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_targets(bad)
    with pytest.raises(ConfigError, match="neither a built-in target"):
        load_targets("krbert-large")
    assert load_targets("krbert-medium") is KRBERT_MEDIUM
    assert KRBERT_MEDIUM.total == {"sentences": 91_000_000, "words": 1_170_000_000, "bytes": 12_370_000_000}


def test_json_report(corpus, tmp_path):
    out = tmp_path / "deep" / "report.json"
    assert korpus("stats", str(corpus), "--json", str(out), "-q") == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    want = independent_counts(corpus)
    assert data["schema"] == "korpus-stats/1"
    assert len(data["files"]) == 3
    for source, w in want.items():
        for key in ("documents", "sentences", "words", "characters", "bytes"):
            assert data["sources"][source][key] == w[key]
        assert data["sources"][source]["scripts"] == w["scripts"]
        shares = data["sources"][source]["script_shares"]
        assert sum(shares.values()) == pytest.approx(1.0)
    total_sentences = sum(w["sentences"] for w in want.values())
    results = {r["metric"]: r for r in data["results"]}
    assert results["sentences"]["have"] == total_sentences
    assert results["sentences"]["share"] == pytest.approx(total_sentences / 91_000_000)
    assert results["bytes"]["target"] == 12_370_000_000 and not results["bytes"]["met"]
    assert data["missed"] == ["sentences", "words", "bytes"]
    assert data["build"] is None  # no build stats beside this corpus
    sent = data["lengths"]["sentence_characters"]
    assert sent["total"]["n"] == total_sentences
    assert sum(sent["total"]["histogram"]["counts"]) == total_sentences
    assert sent["news"]["histogram"]["edges"] == sent["total"]["histogram"]["edges"]
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".tmp-")]


class _Images(HTMLParser):
    def __init__(self):
        super().__init__()
        self.srcs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.srcs.append(dict(attrs)["src"])


def _pngs(html: str) -> list[bytes]:
    parser = _Images()
    parser.feed(html)
    out = []
    for src in parser.srcs:
        prefix = "data:image/png;base64,"
        assert src.startswith(prefix)
        out.append(base64.b64decode(src[len(prefix):], validate=True))
    return out


def test_html_report_embeds_png_plots(corpus_with_build_stats, tmp_path):
    out = tmp_path / "report.html"
    assert korpus("stats", str(corpus_with_build_stats), "--html", str(out), "-q") == 0
    html = out.read_text(encoding="utf-8")
    assert re.search(r'<img alt="[^"]+" src="data:image/png;base64,[A-Za-z0-9+/=]{100,}">', html)
    pngs = _pngs(html)
    assert len(pngs) == 6  # targets, composition, 2 length histograms, scripts, funnel
    assert all(p.startswith(b"\x89PNG\r\n\x1a\n") and len(p) > 5000 for p in pngs)
    for heading in ("Against the targets", "By source", "Scripts", "Build funnel", "Sentence length"):
        assert heading in html
    assert "The build recorded 1 input problem(s)" in html


def test_html_without_build_stats_says_so(corpus):
    html = render_html(make_report(corpus))
    assert len(_pngs(html)) == 5
    assert "No build stats at" in html


def test_funnel_and_projection_from_build_stats(corpus_with_build_stats):
    report = make_report(corpus_with_build_stats)
    funnel = report.funnel
    assert funnel is not None and funnel.path == build_stats_path(corpus_with_build_stats)
    n = report.counts.total.documents
    news = report.counts.sources["news"].documents
    assert funnel.steps["news"] == {"read": {"documents": 3 * news, "bytes": funnel.raw_bytes["news"]},
                                   "cleaned": {"documents": 2 * news, "bytes": None},
                                   "deduplicated": {"documents": news, "bytes": None}}
    assert funnel.step_total("read") == 3 * n and funnel.step_total("deduplicated") == n
    drops = {(d.stage, d.reason): d.total for d in funnel.drops}
    assert drops == {("read", "redirect"): 5, ("filter", "too_short"): n, ("exact_dedup", "exact_duplicate"): n}
    assert "some_future_stage" in funnel.stages  # unknown stages are kept, not fatal
    # Raw bytes are twice the corpus bytes: the yield is one half.
    sentences = next(r for r in report.results if r.metric == "sentences")
    by_source = {p.source: p for p in sentences.projections}
    for source, c in report.counts.sources.items():
        p = by_source[source]
        assert p.basis == "raw" and p.yield_ == pytest.approx(0.5)
        deficit = 91_000_000 - report.counts.total.sentences
        assert p.more_gb == pytest.approx(deficit * (2 * c.bytes) / c.sentences / 1e9)
    mix = by_source[ALL]
    total = report.counts.total
    assert mix.more_gb == pytest.approx((91_000_000 - total.sentences) * 2 * total.bytes / total.sentences / 1e9)
    assert "more raw input (current mix)" in mix.phrase()


def test_projection_without_build_stats_counts_corpus_text(corpus):
    report = make_report(corpus)
    words = next(r for r in report.results if r.metric == "words")
    total = report.counts.total
    for p in words.projections:
        assert p.basis == "corpus" and p.yield_ == pytest.approx(1.0)
    mix = words.headline
    assert mix.source == ALL
    assert mix.more_gb == pytest.approx((1_170_000_000 - total.words) * total.bytes / total.words / 1e9)
    assert mix.phrase().endswith("GB more corpus text in the current mix")


def test_html_escapes_what_the_corpus_says(tmp_path):
    path = tmp_path / "c.parquet"
    pq.write_table(records_to_table([Record(id="x/1", source="<script>alert(1)</script>", text="가 나",
                                            sentences=["가 나"])]), path)
    html = render_html(make_report(path))
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_build_stats_file_locations(tmp_path):
    assert build_stats_path(tmp_path / "x.parquet") == tmp_path / "x.stats.json"
    folder = tmp_path / "corpus"
    folder.mkdir()
    assert build_stats_path(folder) == tmp_path / "corpus.stats.json"
    assert load_build_stats(tmp_path / "absent.json") is None
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="bad.json: not a build stats JSON"):
        load_build_stats(bad)
    bad.write_text('{"seconds": {}}', encoding="utf-8")
    with pytest.raises(InputError, match="no 'counts'"):
        load_build_stats(bad)


def test_lenient_build_stats_derive_missing_steps(tmp_path):
    """No ``cleaned`` or ``write`` stage: derived from the drops; junk values ignored."""
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"counts": {
        "read": {"wiki": {"kept": 10, "bytes": 1000, "note": "text"}},
        "filter": {"wiki": {"dropped:too_short": 2}},
        "near_dedup": {"wiki": {"dropped:near_duplicate": 3}},
        "odd": "not a table",
    }}), encoding="utf-8")
    funnel = load_build_stats(path)
    assert funnel.steps["wiki"]["cleaned"]["documents"] == 8
    assert funnel.steps["wiki"]["deduplicated"]["documents"] == 5
    assert funnel.stages == ["read", "filter", "near_dedup"]


def test_bad_inputs_name_the_file(tmp_path):
    junk = tmp_path / "junk.parquet"
    junk.write_bytes(b"not parquet at all")
    with pytest.raises(InputError, match="junk.parquet: not a readable Parquet file"):
        scan_corpus(junk)
    other = tmp_path / "other.parquet"
    pq.write_table(pa.table({"source": ["a"], "body": ["b"]}), other)
    with pytest.raises(InputError, match="other.parquet: no column 'text'"):
        scan_corpus(other)
    with pytest.raises(InputError, match="no such corpus file or folder"):
        scan_corpus(tmp_path / "missing")
    with pytest.raises(InputError, match="no such build stats file"):
        make_report(junk, build_stats=tmp_path / "nope.json")


def test_a_corrupt_page_names_its_file_and_row_group(tmp_path):
    folder = write_shards(make_records(60), tmp_path / "c", shards=2, row_group=10)
    bad = folder / "part-00001.parquet"
    meta = pq.ParquetFile(bad).metadata
    chunk = meta.row_group(1).column(CORPUS_SCHEMA.names.index("text"))
    data = bytearray(bad.read_bytes())
    start = chunk.data_page_offset + 40
    for i in range(start, start + min(400, chunk.total_compressed_size - 60)):
        data[i] ^= 0x5A
    bad.write_bytes(bytes(data))
    with pytest.raises(InputError, match=r"part-00001\.parquet: row group 1 cannot be read"):
        scan_corpus(folder)


def test_cli_error_is_one_line(tmp_path):
    proc = run_korpus("stats", str(tmp_path / "missing.parquet"))
    assert proc.returncode == 1
    assert proc.stderr.strip().count("\n") == 0 and "missing.parquet" in proc.stderr


def test_empty_corpus(tmp_path):
    path = tmp_path / "empty.parquet"
    pq.write_table(CORPUS_SCHEMA.empty_table(), path)
    report = make_report(path, targets=Targets("t", {"documents": 1}))
    assert report.counts.total.documents == 0
    assert [r.label for r in report.missed] == ["documents"]
    with pytest.raises(TargetsMissed):
        report.check()
    assert isinstance(TargetsMissed("t", []), KorpusError)
    html = render_html(report)
    assert html.startswith("<!DOCTYPE html>")
    json.dumps(report.to_dict())


def test_sums_do_not_overflow_32_bits(tmp_path):
    """12 GB of text does not fit the 32-bit counts polars starts from."""
    docs = pl.DataFrame({"source": ["a", "a"], "length": [3_000_000_000, 3_000_000_000],
                         "documents": [1, 1], "sentences": [1, 1], "text_words": [1, 1],
                         "bytes": [4_000_000_000, 4_000_000_000],
                         **{f"script_{c}": [0, 0] for c in CLASSES}},
                        schema_overrides={c: pl.UInt64 for c in ("documents", "sentences",
                                                                  "text_words", "bytes")})
    sources, _ = _per_source(docs)
    assert sources["a"].bytes == 8_000_000_000 and sources["a"].characters == 6_000_000_000


@pytest.mark.slow
def test_stats_of_a_real_build(tmp_path):
    """The bundled sample, built for real: the funnel ends at the corpus's own count."""
    out = tmp_path / "built"
    run_korpus("build", "--out", f"{out}/", "--workers", "1", cwd=tmp_path, check=True)
    report = make_report(out)
    assert report.funnel is not None and report.funnel.path == tmp_path / "built.stats.json"
    assert report.funnel.step_total("deduplicated") == report.counts.total.documents
    assert report.funnel.raw_bytes and all(p.basis == "raw" for r in report.missed for p in r.projections)
