"""Runs the Swift tests and watches their progress: a test that never returns would otherwise hold the
run until an outer time limit kills it, with nothing said about which test it was. When no test has
started or finished for `stall` seconds, the watcher names the tests still running, shows every
process under the test run with what each thread waits on in the kernel, and stops the run.

It reads swift-testing's console lines ("◇ Test name() started.", "✔ Test name() passed after 1.2
seconds.", "✘ … failed …", "➜ … skipped"), passing every line through unchanged."""
import os
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from .postgres import psql
from .processes import Processes

# "<symbol> Test|Suite <name>[ with N test cases] started|passed|failed|skipped[ after …][ with …]."
# An issue's line ("✘ Test x() recorded an issue at …: Expectation failed") is not an event.
EVENT = re.compile(r"^(?!.* recorded (?:an|a known) issue)\S+ (?P<kind>Test|Suite) (?P<name>.+?)(?: with \d+ test cases?)?"
                   r" (?P<event>started|passed|failed|skipped)\b(?: after [\d.]+ seconds?)?(?: with .*)?\.?\s*$")

STALLED = 124


class Progress:
    """Which tests and suites are running, from the console lines seen so far."""

    def __init__(self):
        self.running = Counter()   # (kind, name) -> how many are running (two suites may share a test name)
        self.finished = 0

    def read(self, line):
        """Takes one line; True when it started or ended a test or suite."""
        match = EVENT.match(line.strip())
        if not match or match["name"].startswith("case "):  # "Test case passing …": one argument set
            return False
        key = (match["kind"], match["name"])
        if match["event"] == "started":
            self.running[key] += 1
        else:
            self.finished += 1
            if self.running[key] > 0:
                self.running[key] -= 1
            if self.running[key] == 0:
                del self.running[key]
        return True

    def still_running(self, kind):
        return sorted(name for (k, name), count in self.running.items() if k == kind for _ in range(count))


def process_tree(root):
    """The pid of root and of every process under it, parents first."""
    children = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    tree, pending = [], [root]
    while pending:
        pid = pending.pop(0)
        tree.append(pid)
        pending.extend(sorted(children.get(pid, [])))
    return tree


def describe_process(pid):
    """One process: its command line, and its threads grouped by what they wait on in the kernel."""
    base = Path("/proc") / str(pid)
    try:
        command = (base / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        waits = Counter()
        for task in (base / "task").iterdir():
            try:
                name = (task / "comm").read_text().strip()
                channel = (task / "wchan").read_text().strip() or "running"
            except OSError:
                continue
            waits["%s: %s" % (name, channel)] += 1
    except OSError:
        return "pid %d: gone" % pid
    threads = ", ".join("%s ×%d" % (what, n) if n > 1 else what for what, n in sorted(waits.items()))
    return "pid %d: %s\n    threads: %s" % (pid, command[:300], threads)


# Every session on the test database: what it runs, what it waits on, how long its transaction is
# open, and the advisory locks it holds or awaits (the store's turns are advisory locks).
POSTGRES_SESSIONS = """
SELECT a.pid, a.state, coalesce(a.wait_event_type || ':' || a.wait_event, '-') AS waits,
       coalesce(to_char(now() - a.xact_start, 'HH24:MI:SS'), '-') AS in_transaction,
       coalesce((SELECT string_agg(l.objid || CASE WHEN l.granted THEN ' held' ELSE ' awaited' END, ', ')
                 FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'advisory'), '-') AS advisory,
       left(regexp_replace(a.query, '\\s+', ' ', 'g'), 160) AS query
FROM pg_stat_activity a WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()
ORDER BY a.xact_start NULLS LAST
"""


def postgres_sessions(url):
    """The test database's sessions as psql prints them, or why they could not be read."""
    if not url:
        return None
    try:
        done = subprocess.run([psql(), url, "-X", "-c", POSTGRES_SESSIONS], capture_output=True, text=True, timeout=20)
        return (done.stdout + done.stderr).rstrip()
    except (OSError, subprocess.TimeoutExpired) as error:
        return "could not ask PostgreSQL: %s" % error


def stall_report(progress, pid, stall):
    lines = ["", "the Swift tests stalled: no test started or finished for %d s" % stall]
    for kind, label in (("Test", "tests still running"), ("Suite", "suites still running")):
        names = progress.still_running(kind)
        lines.append("%s (%d):" % (label, len(names)))
        lines.extend("  " + name for name in names)
    lines.append("processes under the test run:")
    lines.extend("  " + describe_process(p) for p in process_tree(pid))
    sessions = postgres_sessions(os.environ.get("TRELLIS_TEST_POSTGRES_URL"))
    if sessions is not None:
        lines.append("sessions on the test database:")
        lines.extend("  " + line for line in sessions.splitlines())
    return "\n".join(lines)


def watch(argv, stall, out=sys.stdout, startup=None):
    """Runs argv with stdout and stderr passed through `out`; returns its exit status, or STALLED
    (after stopping it) when no test started or finished for `stall` seconds, or when none has started
    within `startup` seconds (default: `stall`)."""
    startup = stall if startup is None else startup
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    progress = Progress()
    lock = threading.Lock()
    last_event = [time.monotonic()]
    seen_event = [False]

    def pump():
        for raw in proc.stdout:
            line = raw.decode(errors="replace")
            out.write(line)
            out.flush()
            with lock:
                if progress.read(line):
                    last_event[0] = time.monotonic()
                    seen_event[0] = True

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    while proc.poll() is None:
        time.sleep(min(1.0, stall / 4, startup / 4))
        with lock:
            quiet = time.monotonic() - last_event[0]
            limit = stall if seen_event[0] else startup
            report = stall_report(progress, proc.pid, limit) if quiet >= limit else None
        if report is not None:
            out.write(report + "\n")
            out.flush()
            Processes().stop(proc, timeout=10, name="the test run")
            reader.join(timeout=10)
            return STALLED
    reader.join()
    return proc.returncode
