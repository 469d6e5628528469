"""A throwaway PostgreSQL cluster (scripts/lib/throwaway-postgres.sh) on 127.0.0.1, stopped and removed
when the script ends; it can be taken down and brought back on the same port and data folder."""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from . import ROOT, ScriptError
from .processes import PROCESSES
from .report import log

THROWAWAY_PG = ROOT / "scripts" / "lib" / "throwaway-postgres.sh"


def _version_key(path):
    return [int(x) for x in re.findall(r"\d+", str(path))] or [0]


def pg_bin():
    """The newest installed PostgreSQL's bin folder."""
    found = sorted((Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/postgres")), key=_version_key)
    if found:
        return found[-1]
    if shutil.which("pg_ctl"):
        return Path(shutil.which("pg_ctl")).parent
    raise ScriptError("the PostgreSQL server is not installed (apt-get install postgresql, or scripts/setup)")


def psql():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/psql"), key=_version_key)
    return found[-1] if found else "psql"


class Postgres:
    """create() starts a cluster in folder (a new one under /tmp when None) and returns its URL; durable
    keeps fsync on. stop()/start() take it down and bring it back; remove() runs at the end."""

    def __init__(self, folder=None, durable=True, keep=False, processes=PROCESSES, prefix="trellis-pg."):
        self.folder = Path(folder) if folder else Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
        self.durable, self.keep, self.processes = durable, keep, processes
        self.url = self.port = None

    def create(self):
        log("postgres: starting a throwaway cluster in", self.folder)
        self.processes.add_cleanup(self.remove)
        env = dict(os.environ, THROWAWAY_PG_DURABLE="1" if self.durable else "0")
        done = subprocess.run(["bash", str(THROWAWAY_PG), "start", str(self.folder)], cwd=str(ROOT), env=env,
                              capture_output=True, text=True, timeout=180)
        sys.stderr.write(done.stderr)
        if done.returncode != 0:
            raise ScriptError("throwaway-postgres.sh start failed (exit status %d)" % done.returncode)
        self.url = done.stdout.strip().splitlines()[-1]
        self.port = urllib.parse.urlsplit(self.url).port
        return self.url

    def _as_pg(self, argv):
        if os.geteuid() == 0:
            argv = ["runuser", "-u", "postgres", "--"] + argv
        return subprocess.run(argv, cwd="/", capture_output=True, text=True, timeout=120)

    def stop(self):
        """pg_ctl stop -m fast; returns seconds taken."""
        started = time.monotonic()
        done = self._as_pg([str(pg_bin() / "pg_ctl"), "stop", "-D", str(self.folder / "data"), "-m", "fast", "-w", "-t", "60"])
        if done.returncode != 0:
            raise ScriptError("pg_ctl stop failed: %s" % (done.stderr or done.stdout).strip())
        return time.monotonic() - started

    def start(self):
        """pg_ctl start on the same port and data folder; returns seconds until it accepts connections."""
        started = time.monotonic()
        done = self._as_pg([str(pg_bin() / "pg_ctl"), "start", "-D", str(self.folder / "data"), "-l",
                            str(self.folder / "postgres.log"), "-o", "-p %d" % self.port, "-w", "-t", "60"])
        if done.returncode != 0:
            raise ScriptError("pg_ctl start failed: %s" % (done.stderr or done.stdout).strip())
        return time.monotonic() - started

    def running(self):
        return (self.folder / "data" / "postmaster.pid").exists()

    def remove(self):
        if self.keep:
            if self.running():
                try:
                    self.stop()
                except ScriptError as error:
                    log("warning:", error)
            log("postgres: stopped, data kept in %s (start: pg_ctl start -D %s/data -o '-p %d')" % (self.folder, self.folder, self.port))
            return
        if self.folder.exists():
            done = subprocess.run(["bash", str(THROWAWAY_PG), "stop", str(self.folder)], cwd=str(ROOT),
                                  capture_output=True, text=True, timeout=180)
            if done.returncode != 0:
                log("warning: could not stop the cluster in", self.folder, done.stderr.strip())
