"""Benchmark ``korpus crawl law``: documents/s against the local fake API with
injected failures, and a check that nothing is lost or duplicated.

Starts ``tests/lawserver.py`` on 127.0.0.1 with ``--docs`` statutes (plus a
share of precedents), answering every ``--fail-every``-th request once with a
fault (503, 429, 500 or a cut connection: 10% of requests by default), then
runs the real CLI in a fresh process with politeness off (``--delay 0``)
so the crawler's own throughput is what is measured:

1. a full crawl: documents/s over the whole command and over the crawl
   alone (Scrapy's ``elapsed_time_seconds``), retries, peak RSS;
2. the same command again: nothing new, so only the lists are fetched.

Then it reads the shards and reports ``lost`` (expected ids not stored) and
``duplicated`` (ids stored more than once), and whether the API key shows up
in any output file or log. Exits non-zero if any of those is not zero.

    /tmp/venv/bin/python bench/crawl.py --docs 1000 --concurrency 8

Prints what it measured; nothing is written to the repo.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from lawserver import LawServer  # noqa: E402


def run_crawl(server: LawServer, out: Path, args: argparse.Namespace) -> dict:
    cmd = [sys.executable, "-m", "korpus", "crawl", "law", "--api-base", server.base, "--out", str(out),
           "--target", "law,prec", "--delay", "0", "--concurrency", str(args.concurrency),
           "--backoff", str(args.backoff), "--batch-size", str(args.batch_size), "--keep-raw"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, env={**os.environ, "KORPUS_LAW_OC": server.oc}, cwd=REPO,
                          capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    crawl_s = re.search(r"'elapsed_time_seconds': ([0-9.]+)", proc.stderr)
    retries = re.search(r"'retry/count': (\d+)", proc.stderr)
    return {
        "returncode": proc.returncode,
        "wall_s": round(wall, 2),
        "crawl_s": round(float(crawl_s.group(1)), 2) if crawl_s else None,
        "cpu_s": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 2),
        "peak_rss_mb": round(after.ru_maxrss / 1024, 1),
        "retries": int(retries.group(1)) if retries else 0,
        "summary": proc.stdout.strip().splitlines(),
        "oc_in_log": server.oc in proc.stdout + proc.stderr,
        "stderr_tail": proc.stderr[-1500:] if proc.returncode else "",
    }


def check_output(out: Path, expected: set[str], oc: str) -> dict:
    ids = [i for shard in sorted(out.glob("part-*.parquet")) for i in pq.read_table(shard, columns=["id"])["id"].to_pylist()]
    leaked = [str(p) for p in out.rglob("*") if p.is_file() and oc.encode() in p.read_bytes()]
    return {"stored": len(ids), "lost": len(expected - set(ids)), "duplicated": len(ids) - len(set(ids)),
            "unexpected": len(set(ids) - expected), "files_with_oc": len(leaked)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000, help="documents on the fake server")
    parser.add_argument("--prec-share", type=float, default=0.3, help="share of them that are precedents")
    parser.add_argument("--fail-every", type=int, default=10, help="every k-th request fails once (10 = 10%%)")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds the server waits per response")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--backoff", type=float, default=0.05)
    parser.add_argument("--batch-size", type=int, default=200)
    args = parser.parse_args()

    n_prec = int(args.docs * args.prec_share)
    counts = {"law": args.docs - n_prec, "prec": n_prec}
    work = Path(tempfile.mkdtemp(prefix="korpus-bench-crawl-"))
    try:
        with LawServer(counts=counts, fail_every=args.fail_every, fail_kinds=(503, 429, 500, "reset"),
                       latency=args.latency) as server:
            first = run_crawl(server, work / "out", args)
            requests_first = server.requests
            second = run_crawl(server, work / "out", args)
            expected = server.expected_ids()
            result = {
                "docs": args.docs, "counts": counts, "fail_every": args.fail_every,
                "latency_s": args.latency, "concurrency": args.concurrency,
                "injected_failures": {str(k): v for k, v in server.injected.items()},
                "requests_first_run": requests_first,
                "first": first,
                "docs_per_s_wall": round(args.docs / first["wall_s"], 1),
                "docs_per_s_crawl": round(args.docs / first["crawl_s"], 1) if first["crawl_s"] else None,
                "second": second,
                **check_output(work / "out", expected, server.oc),
                "python": sys.version.split()[0], "cpus": os.cpu_count(),
            }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    bad = (result["lost"] or result["duplicated"] or result["unexpected"] or result["files_with_oc"]
           or first["oc_in_log"] or second["oc_in_log"] or first["returncode"] or second["returncode"])
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
