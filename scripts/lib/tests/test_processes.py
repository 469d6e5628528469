import os
import subprocess
import sys
import time

import pytest

from trellis_scripts import ScriptError
from trellis_scripts.processes import WORK_MARKER, prepare_work, proc_status_kb, processes_naming, run

# Prints "ready" once SIGTERM is ignored, then waits: only SIGKILL ends it.
STUBBORN = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ready', flush=True); time.sleep(120)"


def wait_for_text(path, text, proc):
    """Returns once the process wrote text to its log (it says it is ready)."""
    while text not in path.read_text():
        assert proc.poll() is None, "the child exited before it was ready"
        time.sleep(0.02)


def test_a_child_runs_in_a_group_of_its_own_and_stops_on_sigterm(processes, tmp_path):
    proc = processes.spawn(["sleep", "120"], tmp_path / "sleep.log")
    assert os.getpgid(proc.pid) == proc.pid
    status, seconds, killed = processes.stop(proc, timeout=10)
    assert status == -15
    assert not killed
    assert proc.poll() == -15


def test_a_child_that_ignores_sigterm_is_killed(processes, tmp_path):
    log = tmp_path / "stubborn.log"
    proc = processes.spawn([sys.executable, "-c", STUBBORN], log)
    wait_for_text(log, "ready", proc)
    status, _, killed = processes.stop(proc, timeout=0.5)
    assert killed
    assert status == -9


def test_cleanup_stops_every_child_then_runs_cleanups_last_registered_first(processes, tmp_path):
    children = [processes.spawn(["sleep", "120"], tmp_path / ("c%d.log" % n)) for n in range(3)]
    order = []
    processes.add_cleanup(lambda: order.append(("first", all(c.poll() is not None for c in children))))
    processes.add_cleanup(lambda: order.append(("second", True)))
    processes.cleanup()
    assert [c.poll() for c in children] == [-15, -15, -15]
    assert order == [("second", True), ("first", True)]


def test_nothing_starts_after_cleanup(processes, tmp_path):
    processes.cleanup()
    with pytest.raises(ScriptError):
        processes.spawn(["sleep", "1"], tmp_path / "late.log")


def test_a_removed_cleanup_does_not_run(processes):
    ran = []
    step = lambda: ran.append(1)  # noqa: E731
    processes.add_cleanup(step)
    processes.remove_cleanup(step)
    processes.cleanup()
    assert ran == []


def test_run_returns_the_output_and_refuses_an_unexpected_status():
    assert run(["sh", "-c", "echo hello"], "echo") == (0, "hello\n")
    assert run(["sh", "-c", "exit 1"], "exit 1", ok=(0, 1))[0] == 1
    with pytest.raises(ScriptError, match="exit status 3: oops"):
        run(["sh", "-c", "echo oops >&2; exit 3"], "failing")


def test_run_bounds_the_time():
    with pytest.raises(ScriptError, match="timed out"):
        run(["sleep", "30"], "sleep", timeout=0.2)


def test_proc_status_reads_this_process_and_none_for_a_gone_one(processes, tmp_path):
    assert proc_status_kb(os.getpid(), "VmRSS") > 0
    proc = processes.spawn(["true"], tmp_path / "true.log")
    proc.wait(10)
    assert proc_status_kb(proc.pid, "VmRSS") is None


def test_prepare_work_empties_its_own_folder_but_never_a_stranger(tmp_path):
    work = prepare_work(tmp_path / "work")
    (work / "old.txt").write_text("old")
    again = prepare_work(work)
    assert sorted(p.name for p in again.iterdir()) == [WORK_MARKER]
    stranger = tmp_path / "stranger"
    stranger.mkdir()
    (stranger / "theirs.txt").write_text("keep")
    with pytest.raises(ScriptError, match="not made by this script"):
        prepare_work(stranger)
    assert (stranger / "theirs.txt").read_text() == "keep"


def test_processes_are_found_by_a_text_on_their_command_line(processes, tmp_path):
    marker = str(tmp_path / "marker-for-this-test")
    proc = processes.spawn(["sh", "-c", "sleep 120 # " + marker], tmp_path / "named.log", die_with_parent=True)
    assert [pid for pid, _ in processes_naming(marker)] == [proc.pid]
    processes.kill_now()
    assert proc.wait(10) == -9
    assert processes_naming(marker) == []


def test_an_adopted_child_is_stopped_with_the_others(processes):
    stranger = subprocess.Popen(["sleep", "120"], start_new_session=True)
    processes.adopt("stranger", stranger)
    processes.adopt("stranger", stranger)  # once only
    assert [name for name, _ in processes.children] == ["stranger"]
    processes.cleanup()
    assert stranger.poll() == -15
