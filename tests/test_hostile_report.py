"""The hostile-input report runs end to end and every input is handled as required."""

import subprocess
import sys
from pathlib import Path


def test_hostile_report_passes_for_every_input():
    script = Path(__file__).with_name("hostile_report.py")
    proc = subprocess.run([sys.executable, str(script), "--giant-mb", "20", "--workers", "1"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "20 of 20 inputs handled as required" in proc.stdout
    assert "FAIL" not in proc.stdout
