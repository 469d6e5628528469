"""Partner files (the shape scripts/run writes) and `trellis partner-sim`, the simulated partner agency."""
import base64
import json
import os
import re
import time
from pathlib import Path

from . import ScriptError
from .processes import PROCESSES
from .web import call


def new_secret():
    return "whsec_" + base64.b64encode(os.urandom(32)).decode()


def write_partners(path, partners, fmt="fhir-r4", **fields):
    """partners: [(id, organizations, endpoint, secret)], status by callback, plus any further fields
    for every entry; the file is private (0600)."""
    doc = [dict({"id": pid, "organizations": list(orgs), "endpoint": endpoint, "format": fmt, "signing_secrets": [secret],
                 "status_mode": "callback"}, **fields) for pid, orgs, endpoint, secret in partners]
    fd = os.open(str(path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(doc, f, indent=1)


class PartnerSim:
    """`trellis partner-sim` on 127.0.0.1 (port 0: any free port), its output appended to log_path."""

    def __init__(self, trellis, log_path, secret, port=0, fail_rate=None, accept_after=None, callback=None, env=None,
                 extra=(), processes=PROCESSES):
        self.argv = [trellis, "partner-sim", "--port", str(port), "--secret", secret]
        if fail_rate:
            self.argv += ["--fail-rate", str(fail_rate)]
        if accept_after is not None:
            self.argv += ["--accept-after", str(accept_after)]
        if callback:
            self.argv += ["--callback", callback]
        self.argv += [str(a) for a in extra]
        self.log_path = Path(log_path)
        self.env, self.processes = env, processes
        self.proc = self.endpoint = self.base = self.port = None

    def start(self, timeout=30):
        """Starts it; returns its referral endpoint once it says it listens."""
        start_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        self.proc = self.processes.spawn(self.argv, self.log_path, env=self.env, name="partner-sim")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ScriptError("the partner simulator exited (status %s); see %s" % (self.proc.returncode, self.log_path))
            with open(self.log_path, "rb") as f:
                f.seek(start_offset)
                m = re.search(rb"listening on (http://([^:/\s]+):(\d+)\S*)", f.read())
            if m:
                self.endpoint = m.group(1).decode()
                self.port = int(m.group(3))
                self.base = "http://%s:%d" % (m.group(2).decode(), self.port)
                return self.endpoint
            time.sleep(0.05)
        raise ScriptError("the partner simulator did not start within %ds; see %s" % (timeout, self.log_path))

    def stop(self):
        return self.processes.stop(self.proc, timeout=10, name="partner-sim")

    def stats(self):
        return call("GET", self.base, "/stats", timeout=10).json()

    def receipts(self):
        return call("GET", self.base, "/receipts", timeout=30).json()["receipts"]

    def set_fail_rate(self, rate):
        """Changes the share of 500 answers while the simulator runs (0: its outage ends)."""
        answer = call("PUT", self.base, "/fail-rate", document={"fail_rate": rate}, timeout=10)
        if answer.status != 200:
            raise ScriptError("the partner simulator refused fail rate %s: %s %s" % (rate, answer.status, answer.text()))
