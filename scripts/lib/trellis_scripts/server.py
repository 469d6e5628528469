"""`trellis serve` on 127.0.0.1 with a loopback metrics port, its output appended to one log."""
import os
import re
import signal
from pathlib import Path

from .ports import free_port
from .processes import PROCESSES, proc_status_kb
from .report import log, utc_now
from .web import wait_http_ok


class Server:
    """A server for a Store (its settings through TRELLIS_CONFIG), on a fixed port (the same across
    restarts; a free one when None). /metrics needs an administrator's token on the main port, so it is
    read from `--metrics-port` (metrics_base)."""

    def __init__(self, store, log_path, port=None, partners=None, backoff_scale=None, extra=(), processes=PROCESSES,
                 name="serve"):
        self.store, self.processes, self.name = store, processes, name
        self.port = port or free_port()
        self.base = "http://127.0.0.1:%d" % self.port
        self.metrics_port = free_port()
        self.metrics_base = "http://127.0.0.1:%d" % self.metrics_port
        self.log_path = Path(log_path)
        self.argv = [store.trellis_bin, "serve", "--db", store.url, "--port", str(self.port),
                     "--metrics-port", str(self.metrics_port)]
        if partners:
            self.argv += ["--partners", str(partners)]
        if backoff_scale is not None:
            self.argv += ["--backoff-scale", str(backoff_scale)]
        self.argv += [str(a) for a in extra]
        self.proc = None
        self.starts = 0

    def _mark(self, text):
        with open(self.log_path, "ab") as f:
            f.write(("\n==== %s at %s ====\n" % (text, utc_now())).encode())

    def start(self, timeout=300):
        """Starts it and waits for GET /readyz 200; returns seconds to ready."""
        self.starts += 1
        self._mark("start %d" % self.starts)
        self.proc = self.processes.spawn(self.argv, self.log_path, env=self.store.env, name=self.name)
        log("%s: trellis serve (pid %d) on %s, log %s" % (self.name, self.proc.pid, self.base, self.log_path))
        return wait_http_ok(self.base, "/readyz", timeout, proc=self.proc)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill(self):
        """SIGKILL, as a crash or an OOM kill would; waits for the process to be gone."""
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        self._mark("SIGKILL")

    def stop(self, timeout=30):
        """SIGTERM (graceful); returns (exit status, seconds, whether SIGKILL was needed)."""
        return self.processes.stop(self.proc, timeout=timeout, name=self.name)

    def log_lines(self, pattern):
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return []
        return [line for line in text.splitlines() if re.search(pattern, line)]

    def rss_kb(self):
        return proc_status_kb(self.proc.pid, "VmRSS")

    def memory_mb(self):
        """VmRSS, VmHWM and the parts of RSS (anonymous, file-backed, shared memory) in MB; the thread count."""
        out = {}
        for field, key in (("VmRSS", "rss_mb"), ("VmHWM", "hwm_mb"), ("RssAnon", "anon_mb"), ("RssFile", "file_mb"),
                           ("RssShmem", "shmem_mb")):
            kb = proc_status_kb(self.proc.pid, field)
            out[key] = round(kb / 1024, 1) if kb is not None else None
        out["threads"] = proc_status_kb(self.proc.pid, "Threads")
        return out
