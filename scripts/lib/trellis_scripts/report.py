"""Progress on stderr, figures on stdout (one JSON object per line), the machine, named checks."""
import datetime
import json
import os
import platform
import subprocess
import sys
import threading
import time

_PREFIX = "trellis"
_LOCK = threading.Lock()
_T0 = time.monotonic()


def set_prefix(name):
    global _PREFIX
    _PREFIX = name


def log(*parts):
    text = " ".join(str(p) for p in parts)
    with _LOCK:
        sys.stderr.write("%s [%6.1fs]: %s\n" % (_PREFIX, time.monotonic() - _T0, text))
        sys.stderr.flush()


def emit(obj):
    """One figure: a compact JSON object on its own line of stdout."""
    with _LOCK:
        sys.stdout.write(json.dumps(obj, separators=(",", ":"), sort_keys=True, ensure_ascii=False) + "\n")
        sys.stdout.flush()


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _first_field(path, prefix):
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(prefix):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def machine(trellis):
    """The machine and the executable a run measured."""
    mem = _first_field("/proc/meminfo", "MemTotal:")
    try:
        version = subprocess.run([str(trellis), "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        version = ""
    return {"date": utc_now(), "cpu": _first_field("/proc/cpuinfo", "model name") or platform.machine(),
            "cores": os.cpu_count(), "mem_gb": round(int(mem.split()[0]) / 1048576, 1) if mem else None,
            "kernel": platform.release(), "python": platform.python_version(), "trellis": str(trellis),
            "trellis_version": version, "load_average": [round(x, 2) for x in os.getloadavg()]}


def machine_figure(drill, trellis):
    """machine() in the drills' figure shape."""
    m = machine(trellis)
    return {"drill": drill, "figure": "machine", "date": m["date"], "cpu": m["cpu"], "cores": m["cores"],
            "mem_gb": m["mem_gb"], "kernel": m["kernel"], "python": m["python"], "trellis_bin": m["trellis"],
            "trellis_version": m["trellis_version"], "load_avg_1m": m["load_average"][0]}


class Checks:
    """Named checks with evidence; a drill exits 0 only when every one holds."""

    def __init__(self, drill, scope=None):
        self.drill, self.scope, self.items = drill, scope, []

    def check(self, name, ok, **evidence):
        self.items.append((name, bool(ok), evidence))
        log("check %-32s %s%s" % (name, "ok" if ok else "FAILED",
                                   "" if ok else "  " + json.dumps(evidence, sort_keys=True)[:1500]))
        fig = {"drill": self.drill, "figure": "check", "check": name, "ok": bool(ok)}
        if self.scope:
            fig.update(self.scope)
        fig.update(evidence)
        emit(fig)
        return ok

    @property
    def ok(self):
        return all(ok for _, ok, _ in self.items)

    def failed(self):
        return [name for name, ok, _ in self.items if not ok]
