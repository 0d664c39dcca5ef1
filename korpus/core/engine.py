"""What an engine is: it runs independent tasks and yields their results as they finish.

A task is a picklable top-level function and its arguments. The build's engines
(:mod:`korpus.build.engines`: a local process pool, Ray) implement this
protocol; stage code that fans work out takes any engine and never knows where
it runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol, runtime_checkable

Task = tuple[Callable[..., Any], tuple]


@runtime_checkable
class Engine(Protocol):
    name: str
    workers: int

    def run(self, tasks: Sequence[Task]) -> Iterator[tuple[int, Any]]:
        """Yield ``(task index, result)`` as tasks finish; the first error stops the run."""
        ...

    def start(self, warm: Callable[[], None] | None = None) -> None:
        """Start the workers now, each running ``warm`` (its imports, say) while the caller goes on."""
        ...

    def close(self, wait: bool = True) -> None:
        """Release the workers; ``wait=False`` (an interrupt, an error) stops running tasks at once."""
        ...
