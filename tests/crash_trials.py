"""Kill ``korpus build`` (or ``korpus crawl law``) with SIGKILL at random moments, resume, compare.

    python tests/crash_trials.py --trials 20 [--lines 60000] [--seed 1]
    python tests/crash_trials.py --crawl --trials 20 [--docs 150]

Each trial starts a fresh build, kills it at a random moment within the
reference run's wall time, runs the same command again to completion, and
compares the rows with an uninterrupted run: same rows in the same order, no
lost and no duplicated ids, no temp files left. Prints a tally; exits non-zero
if any trial differs. ``tests/test_crash_resume.py`` runs a few trials in CI.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))  # lawserver, when run as a script


@dataclass
class Tally:
    trials: int = 0
    identical: int = 0
    killed_midway: int = 0
    lost: int = 0
    duplicated: int = 0
    temp_files_left: int = 0
    failures: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (f"trials {self.trials}, identical outputs {self.identical}, killed before finishing "
                f"{self.killed_midway}, lost documents {self.lost}, duplicated documents {self.duplicated}, "
                f"temp files left {self.temp_files_left}")


def make_inputs(dest: Path, lines: int, seed: int) -> list[str]:
    """Comments with duplicates, JSONL and plain text: every phase has work to do."""
    rng = random.Random(seed)
    dest.mkdir(parents=True, exist_ok=True)
    words = "오늘 날씨 정말 좋네요 기사 잘 봤습니다 출근길 눈 버스 늦었어요 도서관 시장 경제 환율 걱정".split()
    comments = [" ".join(rng.choice(words) for _ in range(rng.randint(4, 12))) + f" {i}" for i in range(lines)]
    comments += rng.sample(comments, lines // 20)
    (dest / "comments.txt").write_text("\n".join(comments) + "\n", encoding="utf-8")
    with open(dest / "docs.jsonl", "w", encoding="utf-8") as fh:
        for i in range(lines // 10):
            text = ". ".join(" ".join(rng.choice(words) for _ in range(8)) for _ in range(5)) + f". 끝 {i}."
            fh.write(json.dumps({"id": f"doc-{i}", "text": text}, ensure_ascii=False) + "\n")
    return ["--source", f"comments={dest / 'comments.txt'}", "--source", f"jsonl={dest / 'docs.jsonl'}"]


def korpus(args: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "korpus", "build", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def finish(args: list[str], env: dict) -> None:
    proc = korpus(args, env)
    _, err = proc.communicate()
    if proc.returncode:
        raise RuntimeError(f"build failed ({proc.returncode}): {err}")


def run_trials(trials: int, lines: int, seed: int, workers: int, range_bytes: int, base: Path) -> Tally:
    env = {**os.environ, "KORPUS_RANGE_BYTES": str(range_bytes), "PYTHONUNBUFFERED": "1"}
    sources = make_inputs(base / "in", lines, seed)
    ref = base / "ref" / "corpus.parquet"
    t0 = time.perf_counter()
    finish([*sources, "--out", str(ref), "--workers", str(workers)], env)
    ref_wall = time.perf_counter() - t0
    expected = pl.read_parquet(ref)
    rng = random.Random(seed)
    tally = Tally()
    for trial in range(trials):
        tally.trials += 1
        trial_dir = base / f"trial-{trial}"
        args = [*sources, "--out", str(trial_dir / "corpus.parquet"), "--workers", str(workers)]
        proc = korpus(args, env)
        time.sleep(rng.uniform(0.3, ref_wall))  # after start-up, anywhere in the run
        if proc.poll() is None:
            tally.killed_midway += 1
            _kill_tree(proc.pid)
        proc.wait()
        finish(args, env)
        got = pl.read_parquet(trial_dir / "corpus.parquet")
        _compare(tally, trial, expected, got, trial_dir)
        shutil.rmtree(trial_dir, ignore_errors=True)
    return tally


def _kill_tree(pid: int) -> None:
    """SIGKILL the build and its worker processes (as a crash or OOM kill would)."""
    kids = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    os.kill(pid, signal.SIGKILL)
    for kid in kids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(kid), signal.SIGKILL)


def _compare(tally: Tally, trial: int, expected: pl.DataFrame, got: pl.DataFrame, trial_dir: Path) -> None:
    exp_ids, got_ids = set(expected["id"]), got["id"]
    lost = len(exp_ids - set(got_ids))
    dup = got_ids.len() - got_ids.n_unique()
    temps = [p for p in trial_dir.rglob(".tmp-*")]
    tally.lost += lost
    tally.duplicated += dup
    tally.temp_files_left += len(temps)
    if got.equals(expected) and not temps:
        tally.identical += 1
    else:
        tally.failures.append(f"trial {trial}: lost {lost}, duplicated {dup}, temp files {len(temps)}, "
                              f"rows {got.height} vs {expected.height}")


def run_crawl_trials(trials: int, docs: int, seed: int, base: Path) -> Tally:
    """Crawl a local fake law.go.kr (every 11th request fails once), kill, resume, compare."""
    from lawserver import LawServer

    rng = random.Random(seed)
    tally = Tally()
    for trial in range(trials):
        tally.trials += 1
        out = base / f"crawl-{trial}"
        with LawServer(counts={"law": docs}, latency=0.02, fail_every=11) as server:
            env = {**os.environ, "KORPUS_LAW_OC": server.oc, "PYTHONUNBUFFERED": "1"}
            cmd = [sys.executable, "-m", "korpus", "crawl", "law", "--api-base", server.base, "--out", str(out),
                   "--target", "law", "--batch-size", "10", "--delay", "0", "--backoff", "0.02"]
            proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(1.0, 6.0))
            if proc.poll() is None:
                tally.killed_midway += 1
                _kill_tree(proc.pid)
            proc.wait()
            server.latency = 0
            again = subprocess.run(cmd, env=env, capture_output=True, text=True)
            expected = server.expected_ids("law")
        ids = pl.read_parquet(list(out.glob("part-*.parquet")))["id"] if again.returncode == 0 else pl.Series([])
        lost, dup = len(expected - set(ids)), ids.len() - ids.n_unique()
        temps = list(out.rglob(".tmp-*"))
        leaked = server.oc in again.stdout + again.stderr
        tally.lost += lost
        tally.duplicated += dup
        tally.temp_files_left += len(temps)
        if again.returncode == 0 and not lost and not dup and not temps and not leaked:
            tally.identical += 1
        else:
            tally.failures.append(f"crawl trial {trial}: exit {again.returncode}, lost {lost}, duplicated {dup}, "
                                  f"temp files {len(temps)}, key in output {leaked}")
        shutil.rmtree(out, ignore_errors=True)
    return tally


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--lines", type=int, default=60_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--range-bytes", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--crawl", action="store_true", help="kill `korpus crawl law` instead of `korpus build`")
    ap.add_argument("--docs", type=int, default=150, help="statutes on the fake server (--crawl)")
    args = ap.parse_args()
    base = Path(tempfile.mkdtemp(prefix="korpus-crash-"))
    try:
        if args.crawl:
            tally = run_crawl_trials(args.trials, args.docs, args.seed, base)
        else:
            tally = run_trials(args.trials, args.lines, args.seed, args.workers, args.range_bytes, base)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    print(tally.line())
    for f in tally.failures:
        print("  " + f)
    sys.exit(1 if tally.failures else 0)


if __name__ == "__main__":
    main()
