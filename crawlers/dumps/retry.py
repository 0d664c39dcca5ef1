"""How long a download keeps trying: attempts, doubling back-off, time-outs (no heavy imports)."""

from __future__ import annotations

from dataclasses import dataclass

from korpus.crawlers.dumps.defaults import RETRY_ATTEMPTS, RETRY_BACKOFF


@dataclass(frozen=True)
class RetryPolicy:
    """``attempts`` failed tries in a row (without new bytes) before giving up."""

    attempts: int = RETRY_ATTEMPTS
    backoff: float = RETRY_BACKOFF
    max_wait: float = 120.0
    connect_timeout: float = 20.0
    read_timeout: float = 120.0

    def wait(self, failures: int, retry_after: float | None = None) -> float:
        """Seconds to sleep before try ``failures + 1``: doubling, capped; Retry-After wins.

        >>> RetryPolicy(backoff=1.0, max_wait=5.0).wait(1), RetryPolicy(backoff=1.0, max_wait=5.0).wait(4)
        (1.0, 5.0)
        """
        if retry_after is not None:
            return min(retry_after, self.max_wait)
        return min(self.backoff * 2 ** (failures - 1), self.max_wait)
