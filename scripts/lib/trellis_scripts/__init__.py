"""Helpers shared by the scripts that start Trellis and measure it: the drills, the soak, scale-out,
access-probe and the browser flow. Python 3 standard library only.

One module per concern: processes (children that are always stopped), ports, postgres (a throwaway
cluster), store (settings files and the trellis command line), server (`trellis serve`), partners
(partner files and the partner simulator), web (HTTP calls and /metrics), stats (percentiles, route
figures), profiles (needs profiles and referral documents), report (progress, figures, checks).

Conventions: figures go to stdout as one JSON object per line, progress and diagnostics to stderr.
"""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DIRECTORIES = sorted(str(p) for p in (ROOT / "config" / "directories").glob("*.airs.xml")) + \
    sorted(str(p) for p in (ROOT / "config" / "directories").glob("*.hsds.json"))
EXAMPLE_PROFILE = ROOT / "config" / "profiles" / "example.json"


class ScriptError(Exception):
    """The script itself could not run (exit status 2), as opposed to a failed check."""
BIG_DIRECTORY = ROOT / "bench-out" / "dir-100000.airs.xml"
