"""Whole-build benchmark: generate N MB of corpus from real Korean text, run
``korpus build`` on it, and print MB/s, docs/s, wall time and peak RSS per phase.

    python bench/run.py --mb 100 [--mix recipe|units] [--workers 2] [--engine local|ray] [--keep DIR]

Input: documents drawn from the real sentences in ../shared/corpora (comments,
news titles, law texts, sentence gold sets). Mix ``recipe`` (default): comments
(one per line, kept whole) and news-like JSONL documents, with planted exact and
near duplicates (about 5% each). Mix ``units``: JSONL documents of 1-12 real
comments and law lines, every one split, 10% planted copies (half exact, half near). Peak RSS is the sum over the build's process tree, sampled every 0.2 s.

With the units mix it also scores duplicate removal on the generated families (a
document, the copies planted from it and later documents of the same text):
recall over the families with a planted copy, precision over all removals
(:func:`dedup_quality`), and for korpus the share of removals that share half their
character 5-grams with the document kept for them (:func:`overlap_precision`). Where datatrove is installed
in its own environment (``bench/datatrove_side.py``), its default MinHash pipeline runs
on the same files after korpus, scored the same way, and the ratio of wall times is
printed; ``--rounds N`` alternates the two N times.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from datatrove_side import datatrove_python  # bench/, this script's folder

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO.parent / "shared" / "corpora"


NSMC_TEST = CORPORA / "comments" / "nsmc_ratings_test.txt"


def nsmc_reviews() -> list[str]:
    """The NSMC test reviews of 10 characters or more, in file order."""
    reviews = []
    for line in NSMC_TEST.read_text(encoding="utf-8").splitlines()[1:]:
        parts = line.split("\t")
        if len(parts) == 3 and len(parts[1]) >= 10:
            reviews.append(parts[1])
    return reviews


def held_out_reviews(n: int, seed: int = 7) -> list[str]:
    """``n`` NSMC test reviews drawn at random: an evaluation set the generated corpus is not made from."""
    reviews = sorted(set(nsmc_reviews()))
    return random.Random(seed).sample(reviews, min(n, len(reviews)))


def real_sentences(held_out: frozenset[str] = frozenset()) -> tuple[list[str], list[str]]:
    """(comment-like lines, formal sentences) from the shared corpora, without the ``held_out`` reviews."""
    comments = [r for r in nsmc_reviews() if r not in held_out]
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


def plant(body: str, recent: list, rng: random.Random):
    """One time in ten, a recent document instead: as it was or near (:func:`perturb`), half each.

    Returns (text, the recent item copied or None); ``recent`` holds (text, anything) pairs.
    """
    if recent and rng.random() < 0.1:
        old = rng.choice(recent)
        return (old[0] if rng.random() < 0.5 else perturb(old[0], rng)), old
    return body, None


def generate_units(dest: Path, mb: float, seed: int = 13, held_out: frozenset[str] = frozenset()) -> dict:
    """The ``units`` mix: JSONL documents of 1-12 real units (comments, law lines), all split.

    Comment-like documents as a comment dump split whole would give: 10% of them
    planted copies, half exact and half near (:func:`perturb`).
    """
    rng = random.Random(seed)
    comments, formal = real_sentences(held_out)
    law = [t for t in formal if t.startswith("제") or "한다" in t][:5000] or formal
    target = int(mb * 1e6)
    dest.mkdir(parents=True, exist_ok=True)
    n_docs = written = 0
    recent: list[tuple[str, int]] = []  # (text, family)
    first: dict[str, int] = {}  # text -> family of its first document
    family: list[int] = []  # per document d<i>: documents of one family are copies of one another
    planted: list[int] = []
    with open(dest / "news.jsonl", "w", encoding="utf-8") as nf:
        while written < target:
            units = [rng.choice(law) if rng.random() < 0.1 else rng.choice(comments)
                     for _ in range(rng.randint(1, 12))]
            body, copied = plant(" ".join(units), recent, rng)
            if copied:
                planted.append(n_docs)
            fam = copied[1] if copied else first.get(body, n_docs)  # an unplanted repeat: real comments drawn twice
            first.setdefault(body, fam)
            family.append(fam)
            recent = (recent + [(body, fam)])[-1000:]
            row = json.dumps({"id": f"d{n_docs}", "text": body}, ensure_ascii=False)
            nf.write(row + "\n")
            n_docs += 1
            written += len(row.encode()) + 1
    (dest / "comments.txt").write_text("", encoding="utf-8")
    truth = {"family": family, "planted": planted}
    (dest.parent / "truth.json").write_text(json.dumps(truth), encoding="utf-8")
    return {"bytes": written, "comments": 0, "news_docs": n_docs, "planted": len(planted)}


def generate(dest: Path, mb: float, seed: int = 13, held_out: frozenset[str] = frozenset()) -> dict:
    """Half comments, half news-like JSONL documents; with planted duplicates."""
    rng = random.Random(seed)
    comments, formal = real_sentences(held_out)
    target = int(mb * 1e6)
    dest.mkdir(parents=True, exist_ok=True)
    n_comments = n_docs = planted = 0
    written = 0
    recent: list[str] = []
    recent_docs: list[tuple[str, None]] = []
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
                planted += copied is not None
                recent_docs = (recent_docs + [(body, None)])[-200:]
                row = json.dumps({"id": f"d{n_docs}", "text": body}, ensure_ascii=False)
                nf.write(row + "\n")
                n_docs += 1
                written += len(row.encode()) + 1
    return {"bytes": written, "comments": n_comments, "news_docs": n_docs, "planted": planted}


MIXES = {"recipe": generate, "units": generate_units}


class TreeRss(threading.Thread):
    """Samples the summed RSS and the CPU time of a process and its descendants."""

    def __init__(self, pid: int, every: float = 0.2):
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.samples: list[tuple[float, int]] = []  # (time, RSS bytes)
        self.cpu: list[tuple[float, float]] = [(time.perf_counter(), 0.0)]  # (time, CPU seconds since the start)
        self.stop = threading.Event()

    def run(self) -> None:
        last: dict[int, float] = {}
        busy = 0.0
        while not self.stop.is_set():
            rss, cpu = _tree_usage(self.pid)
            now = time.perf_counter()
            # CPU per process since the last sample: a worker that exits takes its total with it.
            busy += sum(max(0.0, c - last.get(pid, 0.0)) for pid, c in cpu.items())
            last = cpu
            self.samples.append((now, rss))
            self.cpu.append((now, busy))
            time.sleep(self.every)

    def peak_between(self, t0: float, t1: float) -> int:
        return max((r for t, r in self.samples if t0 <= t <= t1), default=0)

    def cores_between(self, t0: float, t1: float) -> float | None:
        """Cores the tree kept busy on average between two times (None: too few samples)."""
        inside = [(t, c) for t, c in self.cpu if t0 <= t <= t1]
        if len(inside) < 2 or inside[-1][0] - inside[0][0] < 0.1:
            return None
        return (inside[-1][1] - inside[0][1]) / (inside[-1][0] - inside[0][0])


_TICKS = os.sysconf("SC_CLK_TCK")


def _tree_usage(root: int) -> tuple[int, dict[int, float]]:
    """RSS bytes summed over ``root`` and its descendants, and each one's user + system CPU seconds."""
    children: dict[int, list[int]] = {}
    usage: dict[int, tuple[int, float]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(d))
            usage[int(d)] = (int(fields[21]) * os.sysconf("SC_PAGE_SIZE"), (int(fields[11]) + int(fields[12])) / _TICKS)
        except (OSError, IndexError, ValueError):
            continue
    rss, cpu, todo = 0, {}, [root]
    while todo:
        pid = todo.pop()
        r, c = usage.get(pid, (0, 0.0))
        rss, cpu[pid] = rss + r, c
        todo.extend(children.get(pid, []))
    return rss, cpu


def run_build(inputs: Path, out: Path, workers: int, engine: str, extra: list[str] = ()) -> dict:
    sources = [f"{kind}={inputs / name}" for kind, name in (("comments", "comments.txt"), ("jsonl", "news.jsonl"))
               if (inputs / name).stat().st_size]
    cmd = [sys.executable, "-m", "korpus", "build", *(x for src in sources for x in ("--source", src)),
           "--out", str(out), "--workers", str(workers),
           "--engine", engine, "--work-dir", str(out.parent / "work"), *extra]
    t0, t0_epoch, before = time.perf_counter(), time.time(), resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    mon = TreeRss(proc.pid)
    mon.start()
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the build and its workers, once they have exited
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    mon.stop.set()
    if proc.returncode:
        raise SystemExit(f"build failed ({proc.returncode}):\n{stderr}")
    stats_file = out.with_suffix(".stats.json")
    stats = json.loads(stats_file.read_text(encoding="utf-8"))
    # The stats file is written last when the write phase (and the workers) are done; what follows
    # (removing the work folder, the interpreter's exit) belongs to no phase.
    phases_end = t0 + (stats_file.stat().st_mtime - t0_epoch)
    return {"wall": wall, "cpu": cpu, "stats": stats, "mon": mon, "t0": t0, "phases_end": phases_end, "log": stderr}


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
    end = res["phases_end"]
    start = end - sum(v for _, v in phases)
    print(f"  {'startup+plan':<14} {start - t0:8.1f} s  peak {mon.peak_between(t0, start) / 2**20:8,.0f} MiB"
          f"{_cores(mon, t0, start)}")
    for name, secs in phases:
        print(f"  {name:<14} {secs:8.1f} s  peak {mon.peak_between(start, start + secs) / 2**20:8,.0f} MiB"
              f"{_cores(mon, start, start + secs)}")
        start += secs
    print(f"  {'wind-down':<14} {t0 + res['wall'] - end:8.1f} s  (work folder removed, workers and interpreter exit)"
          f"{_cores(mon, end, t0 + res['wall'])}")
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


def _cores(mon: TreeRss, t0: float, t1: float) -> str:
    cores = mon.cores_between(t0, t1)
    return "" if cores is None else f"  cores busy {cores:4.2f}"


def korpus_removed(out: Path) -> dict[str, str]:
    """Input id of each document the build's dedup steps removed -> input id of the one kept for it."""
    import pyarrow.parquet as pq

    pairs: dict[str, str] = {}
    for path in sorted(out.with_suffix(".reports").glob("*/removed.parquet")):
        table = pq.read_table(path, columns=["id", "kept_id"]).to_pydict()
        for removed, kept in zip(table["id"], table["kept_id"], strict=True):
            pairs[removed.split("/", 1)[1]] = kept.split("/", 1)[1]
    return pairs


def grams(text: str, n: int = 5) -> set[str]:
    """Character n-grams without whitespace: written here, not korpus's shingles, to check them."""
    solid = "".join(text.split())
    return {solid[i:i + n] for i in range(max(1, len(solid) - n + 1))}


def overlap_precision(inputs: Path, pairs: dict[str, str], jaccard: float = 0.5) -> float:
    """Share of removals whose text has character 5-gram Jaccard >= ``jaccard`` with the kept one.

    Computed exactly on the pair, not estimated: the documents share real comments
    (drawn with replacement), so many true near duplicates are in no generated family.
    """
    wanted = set(pairs) | set(pairs.values())
    text = {}
    with open(inputs / "news.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row["id"] in wanted:
                text[row["id"]] = row["text"]
    right = 0
    for removed, kept in pairs.items():
        a, b = grams(text[removed]), grams(text[kept])
        right += len(a & b) >= jaccard * len(a | b)
    return right / max(1, len(pairs))


def dedup_quality(truth_file: Path, removed: set[str]) -> dict | None:
    """Duplicate removal scored on the generated families (a document and its copies).

    A family of k documents should lose k - 1 (any k - 1: which one stays is the
    tool's choice). Recall: over families with a planted copy, the removals up to
    k - 1 out of the k - 1 due. Precision: removals up to k - 1 per family, over all
    removals (a removed document with no copy in the input is a false one).
    """
    if not truth_file.exists():
        return None
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    family = truth["family"]
    size, gone = Counter(family), Counter(family[int(i[1:])] for i in removed)
    planted_families = {family[i] for i in truth["planted"]}
    due = sum(size[f] - 1 for f in planted_families)
    found = sum(min(gone[f], size[f] - 1) for f in planted_families)
    right = sum(min(n, size[f] - 1) for f, n in gone.items())
    return {"removed": len(removed), "planted": len(truth["planted"]), "recall": found / max(1, due),
            "precision": right / max(1, len(removed))}


def print_quality(name: str, q: dict | None) -> None:
    if q:
        print(f"  {name} duplicates: removed {q['removed']:,}; recall {q['recall']:.3f} ({q['planted']:,} "
              f"planted copies); precision {q['precision']:.3f} (removals that had a copy left in the input)")


def run_datatrove_side(base: Path, workers: int, python: str, mb: float) -> dict:
    from datatrove_side import removed_ids, run_datatrove, split_inputs

    inputs = split_inputs(base / "in", base / "datatrove-in", workers)
    res = run_datatrove(inputs, base / "datatrove", workers, python)
    stages = ", ".join(f"{k} {v:.1f}" for k, v in res["stages"].items())
    print(f"datatrove 0.10.1 default MinHash pipeline ({python}): wall {res['wall']:,.1f} s, "
          f"{mb / res['wall']:,.2f} MB/s; {res['docs_in']:,} docs -> {res['docs_out']:,}; stages (s): {stages}")
    res["quality"] = dedup_quality(base / "truth.json", removed_ids(base / "datatrove"))
    print_quality("datatrove", res["quality"])
    return res


def write_eval_set(path: Path, reviews: list[str]) -> Path:
    """``reviews`` as an NSMC-layout TSV (``id document label``)."""
    path.write_text("id\tdocument\tlabel\n" + "".join(f"{i}\t{r}\t0\n" for i, r in enumerate(reviews)),
                    encoding="utf-8")
    return path


def decontamination_cost(base: Path, gen: dict, args, extra: list[str], decontaminate: list[str]) -> None:
    """Builds without and with decontamination, alternating which goes first; the wall-time ratios."""
    if args.cold_index:
        os.environ["KORPUS_CACHE_DIR"] = "off"
    ratios, cpu_ratios, steps = [], [], []
    for round_ in range(1, args.rounds + 1):
        walls, cpus = {}, {}
        for with_it in ((False, True) if round_ % 2 else (True, False)):
            out = base / ("with" if with_it else "without") / "corpus.parquet"
            shutil.rmtree(out.parent, ignore_errors=True)
            load = os.getloadavg()[0]
            res = run_build(base / "in", out, args.workers, args.engine, extra + (decontaminate if with_it else []))
            walls[with_it], cpus[with_it] = res["wall"], res["cpu"]
            sec = res["stats"]["seconds"]
            start = res["phases_end"] - res["t0"] - sum(sec.get(f"phase:{k}", 0.0) for k in ("map", "global", "write"))
            kept = sum(v.get("docs", 0) for v in res["stats"]["counts"]["write"].values())
            step = sec.get("decontaminate:sidecar", 0.0)
            if with_it:
                steps.append(step)
            print(f"round {round_} {'with   ' if with_it else 'without'}: wall {res['wall']:6.1f} s, "
                  f"CPU {res['cpu']:6.1f} s "
                  f"({gen['bytes'] / 1e6 / res['wall']:.2f} MB/s); start {start:.1f}, map {sec['phase:map']:.1f}, "
                  f"global {sec['phase:global']:.1f}, write {sec['phase:write']:.1f} s; matching {step:.1f} s "
                  f"in the workers; {kept:,} documents kept; load {load:.2f}", flush=True)
        ratios.append(walls[True] / walls[False])
        cpu_ratios.append(cpus[True] / cpus[False])
        print(f"round {round_}: with / without = {ratios[-1]:.3f} (wall), {cpu_ratios[-1]:.3f} (CPU); the step's "
              f"matching was {steps[-1]:.1f} CPU-s, {steps[-1] / cpus[True]:.1%} of the build's CPU")
    for name, rs in (("wall time", ratios), ("CPU time", cpu_ratios)):
        print(f"decontamination cost in {name} over {len(rs)} rounds: mean {(sum(rs) / len(rs) - 1) * 100:+.1f}%, "
              f"median {(statistics.median(rs) - 1) * 100:+.1f}% "
              f"(rounds: {', '.join(f'{(r - 1) * 100:+.1f}%' for r in rs)})")


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
    ap.add_argument("--held-out-eval", type=int, default=0, metavar="N",
                    help="keep N random NSMC test reviews out of the generated text and decontaminate against "
                         "them (an evaluation set the corpus is not made from; the plain nsmc file is a quarter "
                         "of the recipe mix's documents)")
    ap.add_argument("--decontamination-cost", action="store_true",
                    help="each round builds without and with the --decontaminate sets (order alternating) and "
                         "prints the wall-time ratio; implies --no-datatrove")
    ap.add_argument("--cold-index", action="store_true",
                    help="with --decontamination-cost: no cached evaluation index (KORPUS_CACHE_DIR=off), so "
                         "every build reads and indexes the sets again")
    ap.add_argument("--no-datatrove", action="store_true",
                    help="skip datatrove's side by side (run where its environment is found)")
    ap.add_argument("--rounds", type=int, default=1, help="alternate korpus and datatrove this many times")
    args = ap.parse_args()
    if not CORPORA.exists():
        raise SystemExit(f"{CORPORA} not found: the benchmark draws its text from ../shared/corpora")
    base = args.keep or Path(tempfile.mkdtemp(prefix="korpus-bench-"))
    try:
        t = time.perf_counter()
        held_out = held_out_reviews(args.held_out_eval) if args.held_out_eval else []
        gen = MIXES[args.mix](base / "in", args.mb, held_out=frozenset(held_out))
        print(f"generated {gen} (comments drawn from ~84k real ones, so large runs repeat them: "
              f"real near duplicates on top of the planted ones) in {time.perf_counter() - t:.1f} s")
        if held_out:
            args.decontaminate.append(f"heldout={write_eval_set(base / 'heldout.tsv', held_out)}")
        decontaminate = [x for d in args.decontaminate for x in ("--decontaminate", d)]
        extra = [*(["--splitter", args.splitter] if args.splitter else []),
                 *(["--ray-address", args.ray_address] if args.ray_address else [])]
        if args.decontamination_cost:
            if not decontaminate:
                raise SystemExit("--decontamination-cost needs --decontaminate NAME=PATH or --held-out-eval N")
            return decontamination_cost(base, gen, args, extra, decontaminate)
        extra += decontaminate
        python = None if args.no_datatrove else datatrove_python()
        mb = gen["bytes"] / 1e6
        for round_ in range(1, args.rounds + 1):
            if args.rounds > 1:
                print(f"== round {round_} of {args.rounds}")
            out = base / "out" / "corpus.parquet"
            shutil.rmtree(out.parent, ignore_errors=True)
            res = run_build(base / "in", out, args.workers, args.engine, extra)
            report(gen, res, args.workers)
            pairs = korpus_removed(out)
            print_quality("korpus", dedup_quality(base / "truth.json", set(pairs)))
            if pairs and (base / "truth.json").exists():
                print(f"  korpus removals whose text has 5-gram Jaccard >= 0.5 with the document kept for it: "
                      f"{overlap_precision(base / 'in', pairs):.3f}")
            if python:
                dt = run_datatrove_side(base, args.workers, python, mb)
                print(f"korpus {res['wall']:,.1f} s against datatrove {dt['wall']:,.1f} s: "
                      f"{dt['wall'] / res['wall']:.2f}x (same files, {args.workers} workers each)")
        if not python and not args.no_datatrove:
            print("datatrove: not installed in its own environment; see bench/datatrove_side.py to set it up")
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
