import sys
import io
import os

from trellis_scripts.postgres import Postgres, psql
from trellis_scripts.test_watch import STALLED, Progress, process_tree, watch

# What swift-testing prints, as read from a CI log.
CONSOLE = """\
◇ Suite PartnerAnswerRouteTests started.
◇ Test aPartnerThatCannotCallBackIsPolled() started.
✔ Test aPartnerThatCannotCallBackIsPolled() passed after 0.488 seconds.
◇ Test everyColumnOfARecordIsCovered(_:_:) started.
◇ Test case passing 4 arguments text → "Her diagnosis", personal → true to aRefusedMessageNamesTheField(_:_:_:_:) started.
✔ Test everyColumnOfARecordIsCovered(_:_:) with 26 test cases passed after 100.935 seconds.
◇ Test "A display name that says started" started.
✘ Test "A display name that says started" recorded an issue at File.swift:3:5: Expectation failed
✘ Test "A display name that says started" failed after 0.2 seconds with 1 issue.
◇ Test skippedOne() started.
➜ Test skippedOne() skipped.
◇ Test neverEnds() started.
2026-12-07T23:31:36+0000 info trellis.tests.audit: psql_connection_id=1 [PostgresNIO] Connection creation failed
"""


def test_the_console_lines_leave_only_what_never_ended_running():
    progress = Progress()
    events = sum(progress.read(line) for line in CONSOLE.splitlines())
    assert progress.still_running("Test") == ["neverEnds()"]
    assert progress.still_running("Suite") == ["PartnerAnswerRouteTests"]
    assert events == 10  # the test-case line, the issue line and the log line are not events
    assert progress.finished == 4


def test_two_tests_of_one_name_are_counted_apart():
    progress = Progress()
    for line in ["◇ Test same() started.", "◇ Test same() started.", "✔ Test same() passed after 1 seconds."]:
        progress.read(line)
    assert progress.still_running("Test") == ["same()"]


def run_child(script, stall):
    # However slow the machine is to start the child, its first test starts the stall clock.
    out = io.StringIO()
    status = watch([sys.executable, "-c", script], stall, out=out, startup=300)
    return status, out.getvalue()


def test_a_run_that_finishes_passes_its_output_and_status_through():
    status, text = run_child("print('◇ Test a() started.'); print('✔ Test a() passed after 0.1 seconds.'); raise SystemExit(3)", 60)
    assert status == 3
    assert "✔ Test a() passed" in text
    assert "stalled" not in text


def test_a_stalled_run_is_stopped_and_its_running_test_and_processes_named():
    # The child starts a grandchild, then a test, then waits forever (as a hung test would). The test's
    # start is printed once the grandchild runs, and starts the stall clock.
    script = ("import subprocess, sys, time; subprocess.Popen(['sleep', '300']); "
              "print('◇ Test hangs() started.', flush=True); time.sleep(300)")
    status, text = run_child(script, 1)
    assert status == STALLED
    report = text[text.index("the Swift tests stalled"):]
    assert "tests still running (1):\n  hangs()" in report
    assert "sleep 300" in report          # the grandchild, with what its thread waits on
    assert "threads: sleep: " in report


def test_the_process_tree_starts_at_its_root():
    assert process_tree(os.getpid())[0] == os.getpid()


def test_a_stall_shows_who_holds_an_advisory_lock_on_the_test_database(processes, monkeypatch):
    # A session that takes an advisory lock in a transaction and never ends it, as a stuck store write would.
    pg = Postgres(durable=False, processes=processes, prefix="trellis-pytest-pg.")
    url = pg.create()
    monkeypatch.setenv("TRELLIS_TEST_POSTGRES_URL", url)
    # The test's start is printed once the lock is held (psql has printed its result), so the stall
    # clock starts with the lock in place however slow the machine.
    script = ("import subprocess, sys, time\n"
              "held = subprocess.Popen([%r, %r, '-X', '-q', '-At', '-c', 'BEGIN', '-c', 'SELECT pg_advisory_xact_lock(4242), 1', "
              "'-c', 'SELECT pg_sleep(300)'], stdout=subprocess.PIPE, text=True)\n"
              "held.stdout.readline()\n"
              "print('◇ Test holdsTheTurn() started.', flush=True)\n"
              "time.sleep(300)\n") % (psql(), url)
    status, text = run_child(script, 3)
    assert status == STALLED
    sessions = text[text.index("sessions on the test database:"):]
    assert "4242 held" in sessions
    assert "pg_sleep(300)" in sessions


def test_a_run_where_no_test_ever_starts_is_stopped_after_the_startup_limit():
    out = io.StringIO()
    status = watch([sys.executable, "-c", "import time; time.sleep(300)"], 300, out=out, startup=1)
    assert status == STALLED
    assert "tests still running (0):" in out.getvalue()
