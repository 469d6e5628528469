"""The scripts' helper package under test: real processes, ports, PostgreSQL and `trellis serve`.
TRELLIS_BIN names the trellis executable (scripts/test sets it to the build it just made)."""
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from trellis_scripts.processes import Processes  # noqa: E402


@pytest.fixture
def processes():
    """A process manager of the test's own; whatever it started is stopped when the test ends."""
    manager = Processes()
    yield manager
    manager.cleanup()


@pytest.fixture(scope="session")
def trellis_bin():
    path = os.environ.get("TRELLIS_BIN", "")
    assert path and os.access(path, os.X_OK), "set TRELLIS_BIN to the trellis executable (scripts/test does)"
    return path
