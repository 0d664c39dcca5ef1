"""Whole-build benchmark: generate N MB of corpus from real Korean text, run
``korpus build`` on it, and print MB/s, docs/s, wall time and peak RSS per phase.

    python bench/run.py --mb 100 [--mix recipe|units] [--workers 2] [--engine local|ray] [--keep DIR]

Input: documents drawn from the real sentences in ../shared/corpora (comments,
news titles, law texts, sentence gold sets). Mix ``recipe`` (default): comments
(one per line, kept whole) and news-like JSONL documents, with planted exact and
near duplicates (about 5% each). Mix ``units``: JSONL documents of 1-12 real
comments and law lines, every one split, 10% planted copies (half exact, half near). Peak RSS is the sum over the build's process tree, sampled every 0.2 s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO.parent / "shared" / "corpora"


def real_sentences() -> tuple[list[str], list[str]]:
    """(comment-like lines, formal sentences) from the shared corpora."""
    comments: list[str] = []
    nsmc = CORPORA / "comments" / "nsmc_ratings_test.txt"
    for line in nsmc.read_text(encoding="utf-8").splitlines()[1:]:
        parts = line.split("\t")
        if len(parts) == 3 and len(parts[1]) >= 10:
            comments.append(parts[1])
    hate = CORPORA / "comments" / "hate_speech_unlabeled_comments_5.txt"
    comments += [c for c in hate.read_text(encoding="utf-8").splitlines() if len(c) >= 10]
    formal: list[str] = []
    for f in sorted((CORPORA / "news").glob("*.txt")):
        formal += [t.strip().strip('"') for t in f.read_text(encoding="utf-8").splitlines() if t.strip()]
    for f in [CORPORA / "law" / "constitution.txt", *sorted((CORPORA / "law" / "kobill").glob("*.txt"))]:
        formal += [t.strip() for t in f.read_text(encoding="utf-8").splitlines() if len(t.strip()) > 15]
    for f in sorted((CORPORA / "sentence-gold").glob("*.txt")):
        formal += [t.strip() for t in f.read_text(encoding="utf-8").splitlines() if t.strip()]
    return comments, formal


def perturb(text: str, rng: random.Random) -> str:
    """A near duplicate: a spacing change and a one-character typo."""
    chars = list(text)
    i = rng.randrange(len(chars))
    chars[i] = "가" if chars[i] != "가" else "나"
    out = "".join(chars)
    return out.replace(" ", "", 1) if " " in out else out + " "


def plant(body: str, recent: list[str], rng: random.Random) -> tuple[str, bool]:
    """One time in ten, a recent document instead: as it was or near (:func:`perturb`), half each."""
    if recent and rng.random() < 0.1:
        old = rng.choice(recent)
        return (old if rng.random() < 0.5 else perturb(old, rng)), True
    return body, False


def generate_units(dest: Path, mb: float, seed: int = 13) -> dict:
    """The ``units`` mix: JSONL documents of 1-12 real units (comments, law lines), all split.

    Comment-like documents as a comment dump split whole would give: 10% of them
    planted copies, half exact and half near (:func:`perturb`).
    """
    rng = random.Random(seed)
    comments, formal = real_sentences()
    law = [t for t in formal if t.startswith("제") or "한다" in t][:5000] or formal
    target = int(mb * 1e6)
    dest.mkdir(parents=True, exist_ok=True)
    n_docs = planted = written = 0
    recent: list[str] = []
    with open(dest / "news.jsonl", "w", encoding="utf-8") as nf:
        while written < target:
            units = [rng.choice(law) if rng.random() < 0.1 else rng.choice(comments)
                     for _ in range(rng.randint(1, 12))]
            body, copied = plant(" ".join(units), recent, rng)
            planted += copied
            recent = (recent + [body])[-1000:]
            row = json.dumps({"id": f"d{n_docs}", "text": body}, ensure_ascii=False)
            nf.write(row + "\n")
            n_docs += 1
            written += len(row.encode()) + 1
    (dest / "comments.txt").write_text("", encoding="utf-8")
    return {"bytes": written, "comments": 0, "news_docs": n_docs, "planted": planted}


def generate(dest: Path, mb: float, seed: int = 13) -> dict:
    """Half comments, half news-like JSONL documents; with planted duplicates."""
    rng = random.Random(seed)
    comments, formal = real_sentences()
    target = int(mb * 1e6)
    dest.mkdir(parents=True, exist_ok=True)
    n_comments = n_docs = planted = 0
    written = 0
    recent: list[str] = []
    recent_docs: list[str] = []
    with open(dest / "comments.txt", "w", encoding="utf-8") as cf, \
            open(dest / "news.jsonl", "w", encoding="utf-8") as nf:
        while written < target:
            if rng.random() < 0.5:
                line = rng.choice(comments) + f" {rng.randrange(10**6)}"
                if recent and rng.random() < 0.1:
                    line = rng.choice(recent) if rng.random() < 0.5 else perturb(rng.choice(recent), rng)
                    planted += 1
                cf.write(line.replace("\n", " ") + "\n")
                n_comments += 1
                written += len(line.encode()) + 1
                recent = (recent + [line])[-1000:]
            else:
                body, copied = plant(" ".join(rng.choice(formal) for _ in range(rng.randint(8, 30))),
                                     recent_docs, rng)
                planted += copied
                recent_docs = (recent_docs + [body])[-200:]
                row = json.dumps({"id": f"d{n_docs}", "text": body}, ensure_ascii=False)
                nf.write(row + "\n")
                n_docs += 1
                written += len(row.encode()) + 1
    return {"bytes": written, "comments": n_comments, "news_docs": n_docs, "planted": planted}


MIXES = {"recipe": generate, "units": generate_units}


class TreeRss(threading.Thread):
    """Samples the summed RSS of a process and its descendants."""

    def __init__(self, pid: int, every: float = 0.2):
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.samples: list[tuple[float, int]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.samples.append((time.perf_counter(), _tree_rss(self.pid)))
            time.sleep(self.every)

    def peak_between(self, t0: float, t1: float) -> int:
        return max((r for t, r in self.samples if t0 <= t <= t1), default=0)


def _tree_rss(root: int) -> int:
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(d))
            rss[int(d)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total


def run_build(inputs: Path, out: Path, workers: int, engine: str, extra: list[str] = ()) -> dict:
    sources = [f"{kind}={inputs / name}" for kind, name in (("comments", "comments.txt"), ("jsonl", "news.jsonl"))
               if (inputs / name).stat().st_size]
    cmd = [sys.executable, "-m", "korpus", "build", *(x for src in sources for x in ("--source", src)),
           "--out", str(out), "--workers", str(workers),
           "--engine", engine, "--work-dir", str(out.parent / "work"), *extra]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    mon = TreeRss(proc.pid)
    mon.start()
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - t0
    mon.stop.set()
    if proc.returncode:
        raise SystemExit(f"build failed ({proc.returncode}):\n{stderr}")
    stats = json.loads(out.with_suffix(".stats.json").read_text(encoding="utf-8"))
    return {"wall": wall, "stats": stats, "mon": mon, "t0": t0, "log": stderr}


def report(gen: dict, res: dict, workers: int) -> None:
    stats, mon, t0 = res["stats"], res["mon"], res["t0"]
    counts, seconds = stats["counts"], stats["seconds"]
    mb = gen["bytes"] / 1e6
    read = sum(v.get("docs", 0) for v in counts["read"].values())
    written = sum(v.get("docs", 0) for v in counts["write"].values())
    print(f"input {mb:,.1f} MB, {read:,} docs -> {written:,} docs kept; workers={workers}")
    print(f"wall {res['wall']:,.1f} s: {mb / res['wall']:,.2f} MB/s ({mb / res['wall'] / workers:,.2f} per worker), "
          f"{read / res['wall']:,.0f} docs/s; peak RSS (process tree) {mon.peak_between(0, 1e18) / 2**20:,.0f} MiB")
    # Phases ran one after another after planning; attribute RSS peaks by their wall-clock windows.
    phases = [(name, seconds.get(f"phase:{name}", 0.0)) for name in ("map", "global", "write")]
    end = t0 + res["wall"]
    start = end - sum(v for _, v in phases)
    print(f"  {'startup+plan':<14} {start - t0:8.1f} s  peak {mon.peak_between(t0, start) / 2**20:8,.0f} MiB")
    for name, secs in phases:
        print(f"  {name:<14} {secs:8.1f} s  peak {mon.peak_between(start, start + secs) / 2**20:8,.0f} MiB")
        start += secs
    print("  CPU seconds inside steps (summed over workers):")
    for name, secs in sorted(seconds.items(), key=lambda kv: -kv[1]):
        if not name.startswith("phase:"):
            print(f"    {name:<28} {secs:8.1f} s")
    for stage, per in counts.items():
        drops: dict[str, int] = {}
        for keys in per.values():
            for k, n in keys.items():
                if k.startswith("dropped:"):
                    drops[k[8:]] = drops.get(k[8:], 0) + n
        if drops:
            print(f"  dropped in {stage} (all sources): {drops}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=100)
    ap.add_argument("--mix", choices=MIXES, default="recipe",
                    help="recipe: half comments kept whole, half news-like documents; "
                         "units: documents of 1-12 real comments and law lines, all split")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--engine", default="local")
    ap.add_argument("--keep", type=Path, help="keep inputs and outputs here")
    ap.add_argument("--splitter", help="passed to korpus build --splitter")
    ap.add_argument("--ray-address", help="passed to korpus build --ray-address (with --engine ray)")
    ap.add_argument("--decontaminate", action="append", default=[], metavar="NAME=PATH",
                    help="passed to korpus build --decontaminate (repeatable)")
    args = ap.parse_args()
    if not CORPORA.exists():
        raise SystemExit(f"{CORPORA} not found: the benchmark draws its text from ../shared/corpora")
    base = args.keep or Path(tempfile.mkdtemp(prefix="korpus-bench-"))
    try:
        t = time.perf_counter()
        gen = MIXES[args.mix](base / "in", args.mb)
        print(f"generated {gen} (comments drawn from ~84k real ones, so large runs repeat them: "
          f"real near duplicates on top of the planted ones) in {time.perf_counter() - t:.1f} s")
        extra = [*(["--splitter", args.splitter] if args.splitter else []),
                 *(["--ray-address", args.ray_address] if args.ray_address else []),
                 *[x for d in args.decontaminate for x in ("--decontaminate", d)]]
        res = run_build(base / "in", base / "out" / "corpus.parquet", args.workers, args.engine, extra)
        report(gen, res, args.workers)
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
