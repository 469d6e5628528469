"""Child processes that are always stopped, whatever ends the script (a return, an exception, SIGINT,
SIGTERM or SIGHUP): each runs in a process group of its own, gets SIGTERM and then SIGKILL; cleanup
steps (a PostgreSQL cluster, a work folder) run after the children are gone, last registered first."""
import atexit
import ctypes
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from . import ROOT, ScriptError
from .report import log


class Processes:
    def __init__(self):
        self.lock = threading.Lock()
        self.children = []      # (name, Popen)
        self.cleanups = []      # callables, run last-registered first
        self.closing = False    # set by cleanup: nothing new starts after it

    def start(self, name, argv, stdout, stderr=subprocess.STDOUT, env=None, cwd=ROOT, die_with_parent=False):
        """Popen in a new session (its own process group), stdin from /dev/null. die_with_parent: the
        kernel kills the child should this process be killed outright (SIGKILL, so no cleanup runs)."""
        with self.lock:
            if self.closing:
                raise ScriptError("stopping; not starting %s" % name)
            proc = subprocess.Popen([str(a) for a in argv], cwd=str(cwd), env=env, stdin=subprocess.DEVNULL,
                                    stdout=stdout, stderr=stderr, start_new_session=True,
                                    preexec_fn=exit_with_parent if die_with_parent else None)
            self.children.append((name, proc))
            return proc

    def spawn(self, argv, log_path, env=None, cwd=ROOT, name=None, die_with_parent=False):
        """start() with stdout and stderr appended to log_path."""
        with open(log_path, "ab", buffering=0) as logf:
            return self.start(name or Path(str(argv[0])).name, argv, logf, subprocess.STDOUT, env=env, cwd=cwd,
                              die_with_parent=die_with_parent)

    def adopt(self, name, proc):
        """A child someone else started (chromedriver), stopped with the others."""
        with self.lock:
            if proc is not None and all(p is not proc for _, p in self.children):
                self.children.append((name, proc))

    def kill_now(self):
        """SIGKILL to every child's group, without waiting (for a watchdog)."""
        for _, proc in list(self.children):
            self.signal_group(proc, signal.SIGKILL)

    def add_cleanup(self, fn):
        with self.lock:
            self.cleanups.append(fn)

    def remove_cleanup(self, fn):
        with self.lock:
            if fn in self.cleanups:
                self.cleanups.remove(fn)

    @staticmethod
    def signal_group(proc, sig):
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    def stop(self, proc, timeout=30.0, name=""):
        """SIGTERM to the child's process group, SIGKILL after `timeout` s. Returns (exit status, seconds
        to exit, whether SIGKILL was needed)."""
        if proc.poll() is not None:
            self.signal_group(proc, signal.SIGKILL)  # anything it left in its group
            return proc.returncode, 0.0, False
        started = time.monotonic()
        self.signal_group(proc, signal.SIGTERM)
        killed = False
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            log("%s (pid %d) did not stop within %.0f s of SIGTERM: SIGKILL" % (name or "process", proc.pid, timeout))
            self.signal_group(proc, signal.SIGKILL)
            proc.wait(timeout=30)
            killed = True
        self.signal_group(proc, signal.SIGKILL)
        return proc.returncode, time.monotonic() - started, killed

    def cleanup(self):
        """Stops every child still running, then runs the cleanup steps. Idempotent."""
        with self.lock:
            self.closing = True
            cleanups = list(reversed(self.cleanups))
            self.cleanups.clear()
            children = list(self.children)
        for _, proc in children:
            if proc.poll() is None:
                self.signal_group(proc, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for name, proc in children:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log("pid %d (%s) did not stop within 15 s of SIGTERM: SIGKILL" % (proc.pid, name))
                self.signal_group(proc, signal.SIGKILL)
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    log("warning: could not stop pid", proc.pid)
            self.signal_group(proc, signal.SIGKILL)
        for fn in cleanups:
            try:
                fn()
            except Exception as error:  # noqa: BLE001 - cleanup must go on
                log("warning: cleanup step failed:", error)

    def stop_on_exit(self):
        """SIGINT, SIGTERM and SIGHUP end the script with SystemExit(128 + signal), and the children
        are stopped at interpreter exit too (for scripts that do not use run_main)."""
        def on_signal(signum, _frame):
            raise SystemExit(128 + signum)
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, on_signal)
        atexit.register(self.cleanup)


PROCESSES = Processes()


def exit_with_parent():
    """For preexec_fn: the kernel sends the child SIGKILL when this process ends."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def processes_naming(text):
    """(pid, command line) of every process but this one whose command line contains text: what a run
    started in sessions of their own (chromium's helpers) is found by its scratch folder."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open("/proc/%s/cmdline" % entry, "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in cmdline:
            found.append((int(entry), cmdline[:160]))
    return found


def run_main(main, processes=PROCESSES):
    """Runs main() (returning an exit status) and exits with it, the children stopped and cleanups run
    however it ends; ScriptError gives exit status 2."""
    def thread_exception(args):
        if processes.closing:
            return  # a helper thread meeting processes the cleanup stopped: expected
        log("error in thread %s: %s: %s" % (args.thread.name if args.thread else "?", args.exc_type.__name__, args.exc_value))
    threading.excepthook = thread_exception
    processes.stop_on_exit()
    status = 1
    try:
        status = main()
    except KeyboardInterrupt:
        log("interrupted; stopping everything this run started")
        status = 130
    except SystemExit as stop:
        log("stopped by a signal; stopping everything this run started")
        status = stop.code if isinstance(stop.code, int) else 1
    except ScriptError as error:
        log("error:", error)
        status = 2
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        processes.cleanup()
    sys.exit(status)


def run(argv, what, timeout=600, ok=(0,), input_text=None, env=None):
    """Runs a command to completion (bounded); returns (status, stdout). ScriptError when its status is
    not in ok or it takes longer than timeout."""
    try:
        done = subprocess.run([str(a) for a in argv], cwd=str(ROOT), input=input_text, capture_output=True, text=True,
                              timeout=timeout, start_new_session=True, env=env)
    except subprocess.TimeoutExpired:
        raise ScriptError("%s: timed out after %d s" % (what, timeout))
    if done.returncode not in ok:
        tail = (done.stderr or done.stdout or "").strip().splitlines()[-10:]
        raise ScriptError("%s: exit status %d: %s" % (what, done.returncode, " | ".join(tail)))
    return done.returncode, done.stdout


def proc_status_kb(pid, field):
    """A field of /proc/PID/status (VmRSS, VmHWM, Threads, ...) as an integer; None when gone."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def work_dir(name, keep, processes=PROCESSES):
    """A fresh folder under /tmp (short: PostgreSQL's socket lives there), removed at the end unless keep."""
    path = Path(tempfile.mkdtemp(prefix="trellis-%s." % name, dir="/tmp"))
    os.chmod(path, 0o755)
    if keep:
        log("work folder (kept):", path)
    else:
        processes.add_cleanup(lambda: shutil.rmtree(path, ignore_errors=True))
        log("work folder (removed at the end; --keep keeps it):", path)
    return path


WORK_MARKER = ".trellis-load-work"


def prepare_work(path):
    """Empties and returns a work folder given by the user: only one this code made (it holds a marker)
    or an empty one, never a folder of someone else's."""
    work = Path(path).resolve()
    if work.exists():
        if not work.is_dir():
            raise ScriptError("--out %s is not a folder" % work)
        if any(work.iterdir()) and not (work / WORK_MARKER).exists():
            raise ScriptError("--out %s is not empty and was not made by this script; give an empty or new folder" % work)
        shutil.rmtree(work)
    work.mkdir(parents=True)
    (work / WORK_MARKER).touch()
    return work
