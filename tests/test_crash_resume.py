"""A few kill-and-resume trials (the benchmark runs 20: tests/crash_trials.py)."""

import pytest
from crash_trials import run_trials

pytestmark = pytest.mark.crash


def test_killed_builds_resume_to_identical_output(tmp_path):
    tally = run_trials(trials=3, lines=20_000, seed=7, workers=2, range_bytes=100_000, base=tmp_path)
    assert tally.failures == [], tally.failures
    assert tally.identical == tally.trials == 3
    assert tally.lost == tally.duplicated == tally.temp_files_left == 0
