"""What every progress line shares: its interval and its clock.

Builds and crawls print a progress line every ``KORPUS_PROGRESS_SECONDS``
(default 10) seconds when stderr is not a terminal, stamped ``[h:mm:ss]``
from the start of the run.
"""

from __future__ import annotations

import os
import sys

DEFAULT_INTERVAL = 10.0


def progress_interval() -> float:
    """Seconds between progress lines: ``KORPUS_PROGRESS_SECONDS``, else 10."""
    return float(os.environ.get("KORPUS_PROGRESS_SECONDS", DEFAULT_INTERVAL))


def clock(seconds: float) -> str:
    """h:mm:ss.

    >>> clock(5.4), clock(3725)
    ('0:00:05', '1:02:05')
    """
    s = int(seconds)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


def print_progress(elapsed: float, text: str) -> None:
    """One progress line on stderr, flushed so a log shows it at once."""
    print(f"[{clock(elapsed)}] {text}", file=sys.stderr, flush=True)
