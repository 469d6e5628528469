#!/usr/bin/env python3
"""Runs a test command (`swift test …`) and stops it when it stalls: when no test has started or
finished for --stall seconds, it names the tests still running and what every process under the run
waits on, stops the run and exits 124. Otherwise it exits with the command's own status.

Usage: watch_swift_tests.py [--stall SECONDS] -- COMMAND [ARGUMENT …]
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from trellis_scripts.test_watch import watch  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     usage="%(prog)s [--stall SECONDS] -- COMMAND [ARGUMENT ...]")
    parser.add_argument("--stall", type=float, default=600,
                        help="seconds without a test starting or finishing before the run is stopped (default 600)")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command or args.stall <= 0:
        parser.error("give a positive --stall and a command after --")
    return watch(command, args.stall)


if __name__ == "__main__":
    sys.exit(main())
