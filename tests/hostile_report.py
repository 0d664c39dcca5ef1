"""The hostile-input report: each input, what happened, good documents kept.

    python tests/hostile_report.py [--giant-mb 100] [--workers 2]

Writes every case of :mod:`hostile` (truncated bz2/gzip/XML, invalid UTF-8
and NUL bytes, CP949, empty files, deep nesting, XXE, billion laughs, HTML with
scripts, names with spaces and Hangul) plus a file whose one line is
``--giant-mb`` MB, builds them all in one ``korpus build`` (a child process,
so its peak memory is measured), and prints one row per input. Exits non-zero
if any good document is missing, any forbidden text leaks, or a damaged file
goes unreported.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from hostile import Case, make_hostile  # noqa: E402


def giant_line_case(root: Path, mb: int) -> Case:
    """One line of ``mb`` MB between two good comments: skipped, counted, memory bounded."""
    path = root / "comments" / "giant line.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("거대한 줄 앞의 멀쩡한 댓글입니다\n")
        chunk = "가나다라마바사아자차" * 10_000
        for _ in range(mb * 1_000_000 // len(chunk.encode())):
            fh.write(chunk)
        fh.write("\n거대한 줄 뒤의 멀쩡한 댓글입니다\n")
    stem = "giant line"
    return Case(f"comments {mb} MB single line", "comments", path,
                ids=[f"comments/{stem}:1", f"comments/{stem}:3"], problem=True)


def write_config(cases: list[Case], out: Path, workers: int) -> Path:
    lines = [f'out = "{out}"', f"workers = {workers}",
             "[filter]", "min_chars = 1", "min_hangul_ratio = 0.0",
             "[dedup]", "exact = false", "near = false"]
    for case in cases:
        lines += ["[[source]]", f"kind = {json.dumps(case.kind)}", f"path = {json.dumps(str(case.path))}"]
        lines += [f"{k} = {json.dumps(v)}" for k, v in case.options.items()]
    config = out.parent / "korpus.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def run(cases: list[Case], out: Path, workers: int) -> tuple[int, float, str]:
    config = write_config(cases, out, workers)
    proc = subprocess.run([sys.executable, "-m", "korpus", "build", "--config", str(config)],
                          capture_output=True, text=True)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return proc.returncode, peak_mb, proc.stderr


def judge(case: Case, by_id: dict[str, str], problems: list[dict]) -> dict:
    kept = [i for i in case.ids if i in by_id]
    texts = "\n".join(by_id[i] for i in kept)
    leaked = [a for a in case.absent if any(a in t for t in by_id.values())]
    missing_text = [t for t in case.texts if t not in texts]
    reported = [p for p in problems if p["path"] == str(case.path)]
    ok = len(kept) == len(case.ids) and not leaked and not missing_text and bool(reported) == case.problem
    first = reported[0] if reported else None
    where = ""
    if first:
        where = (f"line {first['line']}, " if first.get("line") else "") + (
            f"offset {first['offset']}: " if first.get("offset") is not None else "")
    return {"case": case.name, "file": case.path.name, "good kept": f"{len(kept)}/{len(case.ids)}",
            "leaked": leaked, "reported": (where + first["message"])[:90] if first else "-",
            "verdict": "ok" if ok else "FAIL"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--giant-mb", type=int, default=100)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="korpus-hostile-") as tmp:
        root = Path(tmp)
        cases = make_hostile(root / "in") + [giant_line_case(root / "in", args.giant_mb)]
        out = root / "out" / "corpus.parquet"
        out.parent.mkdir()
        rc, peak_mb, stderr = run(cases, out, args.workers)
        if rc != 0:
            print(stderr)
            raise SystemExit(f"the build itself failed (exit {rc})")
        table = pl.read_parquet(out)
        by_id = dict(zip(table["id"].to_list(), table["text"].to_list(), strict=True))
        problems = json.loads(out.with_suffix(".stats.json").read_text(encoding="utf-8"))["problems"]
        rows = [judge(c, by_id, problems) for c in cases]
    print(f"build exit {rc}; {len(by_id):,} documents written; peak RSS of the largest process {peak_mb:,.0f} MB")
    print(f"{'input':<34} {'good kept':>10}  {'verdict':<7} what happened")
    for r in rows:
        leak = f" LEAKED {r['leaked']}" if r["leaked"] else ""
        print(f"{r['case']:<34} {r['good kept']:>10}  {r['verdict']:<7} {r['reported']}{leak}")
    failed = [r for r in rows if r["verdict"] != "ok"]
    print(f"{len(rows) - len(failed)} of {len(rows)} inputs handled as required")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
