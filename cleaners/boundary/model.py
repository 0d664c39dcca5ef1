"""The shipped weights of the boundary model, and scoring a batch of candidates.

The model is a logistic regression over hashed features: one float16 weight
per bucket, stored as a plain ``.npy`` (bytes that a rebuild reproduces);
a candidate is a cut where the sum of its features' weights is above 0.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL_FILE = Path(__file__).with_name("model.npy")
BUCKETS = 1 << 20


@lru_cache(maxsize=4)
def load_weights(path: str = str(MODEL_FILE)) -> np.ndarray:
    """The weight table (float32 for summing), read once per process."""
    try:
        weights = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: the splitter model is missing; rebuild it with "
                                "python -m korpus.cleaners.boundary.train") from None
    if weights.ndim != 1 or weights.dtype != np.float16:
        raise ValueError(f"{path}: not a boundary model (want a 1-d float16 array)")
    return weights.astype(np.float32)


def scores(index: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The model's log-odds for each candidate (row of feature indices)."""
    return weights[index].sum(axis=1)
