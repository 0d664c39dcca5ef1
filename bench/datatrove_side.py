"""datatrove 0.10.1's default MinHash deduplication pipeline on bench/run.py's input (issue #20).

datatrove lives in its own virtual environment, never in korpus's ``.venv``:

    python3.11 -m venv /work/dtenv
    /work/dtenv/bin/pip install 'datatrove[processing]==0.10.1' 'spacy>=3.8' orjson

``[processing]`` brings xxhash and regex (MinHash's hashing and text normalisation);
spaCy is the default (English) word tokenizer, ``spacy.blank("en")``, a rule-based
tokenizer that loads no model and downloads nothing; orjson is what ``JsonlReader`` and
``JsonlWriter`` parse and write with (datatrove lists it only under its ``[io]`` extra).
Elsewhere than /work/dtenv, point ``KORPUS_DATATROVE_PYTHON`` at that environment's python.

From bench/run.py (korpus's environment, no datatrove in it)::

    from datatrove_side import datatrove_python, run_datatrove
    if (py := datatrove_python()):
        dt = run_datatrove(base / "in", base / "datatrove", workers, py)
        # {"wall": s, "docs_in": n, "docs_out": n, "stages": {"signatures": s, ...}}

By hand, inside the datatrove environment::

    /work/dtenv/bin/python bench/datatrove_side.py --inputs DIR/in --work DIR/datatrove --workers 2

The pipeline is datatrove's examples/minhash_deduplication.py run with
``LocalPipelineExecutor`` and the default ``MinhashConfig()`` (5-grams, 14 buckets of 8
hashes, 64-bit xxhash) and default ``language`` (English: spaCy's blank tokenizer):

1. signatures: reader -> ``MinhashDedupSignature``, ``tasks`` = ``workers`` = the workers given
2. buckets: ``MinhashDedupBuckets``, ``tasks`` = 14 (it must be a multiple of the bucket count), ``workers`` given
3. clusters: ``MinhashDedupCluster``, one task
4. filter: reader -> ``MinhashDedupFilter`` (removed documents to a ``JsonlWriter``) -> ``JsonlWriter``
   (gzip, datatrove's default), the same tasks as stage 1

The example's ``TokensCounter`` is left out: it loads the gpt2 tokenizer from the Hugging
Face Hub. The reader is ``JsonlReader`` (``text`` and ``id`` fields) over the non-empty
``.jsonl`` and ``.txt`` files of the input folder; a ``.txt`` (one document per line) goes through the same reader with
``read_file`` overridden for ``.txt`` files: every non-empty line is a document, id
``c<line number>``. datatrove hands out whole files to tasks, so one input file would keep
one task busy in stages 1 and 4 whatever the worker count: bench/run.py first cuts each
input into one file per worker (:func:`split_inputs`, not timed).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

DEFAULT_PYTHON = Path("/work/dtenv/bin/python")
INPUT_SUFFIXES = (".jsonl", ".txt")
STAGES = ("signatures", "buckets", "clusters", "filter")
SUBDIRS = ("signatures", "buckets", "remove_ids", "removed", "output", "logs")


def datatrove_python() -> str | None:
    """The datatrove environment's python: $KORPUS_DATATROVE_PYTHON, else /work/dtenv's, else None."""
    if env := os.environ.get("KORPUS_DATATROVE_PYTHON"):
        return env
    return str(DEFAULT_PYTHON) if DEFAULT_PYTHON.exists() else None


def input_files(folder: Path) -> list[str]:
    """The non-empty ``.jsonl`` and ``.txt`` files in ``folder``, by name."""
    return sorted(p.name for p in Path(folder).iterdir()
                  if p.suffix in INPUT_SUFFIXES and p.is_file() and p.stat().st_size)


def split_inputs(inputs: Path, dest: Path, parts: int) -> Path:
    """Each input file cut into ``parts`` files of whole lines, in order, under ``dest``.

    datatrove gives each task whole files; one file per task lets all workers
    read and write (korpus cuts one file into byte ranges itself).
    """
    dest = Path(dest)
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    for name in input_files(inputs):
        path = Path(inputs) / name
        per_part = path.stat().st_size / parts
        with contextlib.ExitStack() as stack, open(path, encoding="utf-8") as fh:
            outs = [stack.enter_context(open(dest / f"{path.stem}-{k:02d}{path.suffix}", "w", encoding="utf-8"))
                    for k in range(parts)]
            done = 0
            for line in fh:
                outs[min(parts - 1, int(done / per_part))].write(line)
                done += len(line.encode("utf-8"))
    return dest


def removed_ids(work: Path) -> set[str]:
    """The ids of the documents the filter stage removed (its exclusion writer's files)."""
    out = set()
    for path in sorted((Path(work) / "removed").glob("*.jsonl*")):
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as fh:
            out.update(json.loads(line)["id"] for line in fh if line.strip())
    return out


def run_datatrove(inputs: Path, work: Path, workers: int, python: str) -> dict:
    """Run the whole pipeline in ``python`` (a subprocess); wall time includes its start-up.

    Returns ``{"wall", "docs_in", "docs_out", "stages": {name: seconds}}``. Clears the
    pipeline's own folders under ``work`` first (datatrove skips tasks it finds completed).
    """
    work = Path(work)
    work.mkdir(parents=True, exist_ok=True)
    for sub in SUBDIRS:
        shutil.rmtree(work / sub, ignore_errors=True)
    result, log = work / "result.json", work / "datatrove.log"
    result.unlink(missing_ok=True)
    cmd = [python, str(Path(__file__).resolve()), "--inputs", str(Path(inputs).resolve()),
           "--work", str(work.resolve()), "--workers", str(workers), "--result", str(result)]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    t0 = time.perf_counter()
    with open(log, "w", encoding="utf-8") as fh:
        try:
            proc = subprocess.run(cmd, stdout=fh, stderr=subprocess.STDOUT, env=env)
        except OSError as e:
            raise SystemExit(f"cannot run datatrove's python {python!r}: {e}") from e
    wall = time.perf_counter() - t0
    if proc.returncode or not result.exists():
        tail = "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-40:])
        raise SystemExit(f"datatrove failed ({proc.returncode}); log {log}, last lines:\n{tail}")
    return {"wall": wall, **json.loads(result.read_text(encoding="utf-8"))}


def _stat(stats, step_marker: str, key: str) -> int:
    """Sum of ``key`` over the steps whose name contains ``step_marker`` in a PipelineStats."""
    total = 0
    for step in stats.stats:
        if step_marker in step.name and key in step.stats:
            total += step.stats[key].total
    return int(total)


def _pipeline(inputs: Path, work: Path, workers: int) -> dict:
    """Inside the datatrove environment: the four stages, one after another."""
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.dedup import MinhashDedupSignature
    from datatrove.pipeline.dedup.minhash import (
        MinhashConfig,
        MinhashDedupBuckets,
        MinhashDedupCluster,
        MinhashDedupFilter,
    )
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers.jsonl import JsonlWriter

    class InputReader(JsonlReader):
        """JsonlReader; a ``.txt`` file is one document per non-empty line."""

        name = "🐿 Jsonl+lines"

        def read_file(self, filepath: str):
            if not filepath.endswith(".txt"):
                yield from super().read_file(filepath)
                return
            with self.data_folder.open(filepath, "r", encoding="utf-8") as f:
                for li, line in enumerate(f):
                    text = line.rstrip("\n")
                    if not text.strip():
                        continue
                    with self.track_time():
                        document = self.get_document_from_dict({"text": text, "id": f"c{li}"}, filepath, li)
                    if document:
                        yield document

    files = input_files(inputs)
    if not files:
        raise SystemExit(f"no non-empty .jsonl or .txt input in {inputs}")
    paths = work / "logs" / "input_paths.txt"
    paths.parent.mkdir(parents=True, exist_ok=True)
    paths.write_text("".join(f"{name}\n" for name in files), encoding="utf-8")

    def reader():
        return InputReader(str(inputs), paths_file=str(paths), text_key="text", id_key="id")

    config = MinhashConfig()
    logs = work / "logs"
    stage1 = LocalPipelineExecutor(
        pipeline=[reader(), MinhashDedupSignature(output_folder=str(work / "signatures"), config=config)],
        tasks=workers, workers=workers, logging_dir=str(logs / "signatures"))
    stage2 = LocalPipelineExecutor(
        pipeline=[MinhashDedupBuckets(input_folder=str(work / "signatures"),
                                      output_folder=str(work / "buckets"), config=config)],
        tasks=config.num_buckets, workers=workers, logging_dir=str(logs / "buckets"))
    stage3 = LocalPipelineExecutor(
        pipeline=[MinhashDedupCluster(input_folder=str(work / "buckets"),
                                      output_folder=str(work / "remove_ids"), config=config)],
        tasks=1, logging_dir=str(logs / "clusters"))
    stage4 = LocalPipelineExecutor(
        pipeline=[reader(),
                  MinhashDedupFilter(input_folder=str(work / "remove_ids"),
                                     exclusion_writer=JsonlWriter(str(work / "removed"))),
                  JsonlWriter(output_folder=str(work / "output"))],
        tasks=workers, workers=workers, logging_dir=str(logs / "filter"))
    seconds, results = {}, {}
    for name, stage in zip(STAGES, (stage1, stage2, stage3, stage4), strict=True):
        t = time.perf_counter()
        results[name] = stage.run()
        seconds[name] = time.perf_counter() - t
        if results[name] is None:
            raise SystemExit(f"stage {name} did nothing: stale completions under {logs / name}?")
    # Documents the readers yielded in stage 1; documents the output JsonlWriter wrote in
    # stage 4 (the exclusion writer keeps no stats of its own in the pipeline's).
    docs_in = _stat(results["signatures"], "READER", "documents")
    docs_out = _stat(results["filter"], "WRITER", "total")
    return {"docs_in": docs_in, "docs_out": docs_out, "stages": seconds, "files": files,
            "config": str(config)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--inputs", type=Path, required=True, help="bench/run.py's in/ folder")
    ap.add_argument("--work", type=Path, required=True, help="signatures, buckets, output, logs go here")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--result", type=Path, help="write the JSON result here (else print it)")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    out = _pipeline(args.inputs.resolve(), args.work.resolve(), args.workers)
    text = json.dumps(out, ensure_ascii=False)
    if args.result:
        args.result.write_text(text, encoding="utf-8")
    else:
        print(text)


if __name__ == "__main__":
    main()
