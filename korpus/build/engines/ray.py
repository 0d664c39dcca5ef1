"""The Ray engine: same tasks as the local pool, run as Ray remote functions."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from korpus.core.errors import KorpusError


class RayEngine:
    name = "ray"

    def __init__(self, workers: int = 0, address: str | None = None):
        try:
            import ray
        except ImportError:
            raise KorpusError("the ray engine needs the extra: pip install 'korpus[ray]'") from None
        self.ray = ray
        if not ray.is_initialized():
            ray.init(address=address, include_dashboard=False, log_to_driver=False,
                     ignore_reinit_error=True)
        self.workers = workers or int(ray.cluster_resources().get("CPU", 1))

    def run(self, tasks: Sequence[tuple]) -> Iterator[tuple[int, Any]]:
        remote = self.ray.remote(_call)
        refs = {}
        queue = list(enumerate(tasks))
        # Keep at most `workers` tasks in flight, so a huge plan does not flood the object store.
        while queue or refs:
            while queue and len(refs) < self.workers:
                i, (fn, args) = queue.pop(0)
                refs[remote.remote(fn, args)] = i
            done, _ = self.ray.wait(list(refs), num_returns=1)
            for ref in done:
                yield refs.pop(ref), self.ray.get(ref)

    def start(self, warm: Callable[[], None] | None = None) -> None:
        """Ray starts its workers itself; they outlive the build."""

    def close(self, wait: bool = True) -> None:
        """The cluster outlives the build; nothing to release here."""


def _call(fn, args):
    return fn(*args)
