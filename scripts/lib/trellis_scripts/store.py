"""The trellis executable, settings files that keep keys and checkpoints out of the repository, and the
command line's store operations (directory import, users, partners, audit, referrals)."""
import glob
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

from . import DIRECTORIES, ROOT, ScriptError
from .postgres import psql
from .processes import run
from .report import log




def setup_system(need_postgres):
    """scripts/setup installs what is missing (quiet when all is there). It also insists on Swift, which a
    run with TRELLIS_BIN does not need: then only what this run uses is checked."""
    status = subprocess.run([str(ROOT / "scripts" / "setup")], cwd=str(ROOT), stdout=sys.stderr, stderr=sys.stderr).returncode
    if status != 0:
        if not os.environ.get("TRELLIS_BIN"):
            raise ScriptError("scripts/setup failed (exit status %d)" % status)
        log("scripts/setup exit status %d (Swift is not needed with TRELLIS_BIN); going on" % status)
    if need_postgres and not glob.glob("/usr/lib/postgresql/*/bin/postgres"):
        raise ScriptError("PostgreSQL is not installed (apt-get install postgresql)")


def trellis_binary(run_setup=True):
    """$TRELLIS_BIN, or a release build like scripts/bench makes (after scripts/setup when run_setup)."""
    given = os.environ.get("TRELLIS_BIN")
    if given:
        if not (os.path.isfile(given) and os.access(given, os.X_OK)):
            raise ScriptError("TRELLIS_BIN=%s is not an executable" % given)
        log("trellis: using TRELLIS_BIN=%s (build skipped)" % given)
        return given
    if run_setup:
        log("setup: scripts/setup")
        if subprocess.run([str(ROOT / "scripts" / "setup")], cwd=ROOT, stdout=sys.stderr).returncode != 0:
            raise ScriptError("scripts/setup failed")
    log("build: swift build -c release --product trellis")
    if subprocess.run(["swift", "build", "-c", "release", "--product", "trellis"], cwd=ROOT, stdout=sys.stderr,
                      timeout=3600).returncode != 0:
        raise ScriptError("the release build failed")
    out = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT,
                         capture_output=True, text=True).stdout.strip()
    path = os.path.join(out, "trellis")
    if not os.access(path, os.X_OK):
        raise ScriptError("no trellis executable at %s" % path)
    return path


def write_settings(folder, name, db, checkpoint_file=None, first_start_directories=()):
    """FOLDER/NAME: config/trellis.json with the database and every key and checkpoint file in FOLDER,
    so nothing lands in the repository's data/. Servers sharing a database share the data key and the
    audit signing key; each keeps its own checkpoint file. Returns the path as a string."""
    folder = Path(folder)
    settings = json.loads((ROOT / "config" / "trellis.json").read_text())
    settings["database"] = db
    settings["data_key_file"] = str(folder / "trellis-data.key")
    audit = settings.setdefault("audit", {})
    audit["signing_key_file"] = str(folder / "audit-signing.key")
    audit["checkpoint_file"] = str(checkpoint_file or (folder / "audit-checkpoints.jsonl"))
    settings.setdefault("serve", {})["first_start_directories"] = list(first_start_directories)
    path = folder / name
    path.write_text(json.dumps(settings, indent=1) + "\n")
    return str(path)


def clean_env(config):
    """The environment without settings that would override the file's, and TRELLIS_CONFIG=config."""
    env = {k: v for k, v in os.environ.items()
           if not (k.startswith("TRELLIS_SERVE_") or k in ("TRELLIS_DB", "TRELLIS_DATA_KEY"))}
    env["TRELLIS_CONFIG"] = str(config)
    return env


class Store:
    """A database with settings of its own in FOLDER/trellis.json (TRELLIS_CONFIG in self.env), and the
    trellis commands that act on it."""

    def __init__(self, trellis, folder, url, settings_name="trellis.json", checkpoint_file=None,
                 first_start_directories=DIRECTORIES, by="cli:drill"):
        self.trellis_bin = trellis
        self.by = by  # --by of the commands that take it; None: the command's default
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.url = url
        self.config = write_settings(self.folder, settings_name, url, checkpoint_file, first_start_directories)
        self.env = clean_env(self.config)

    def run(self, *args, timeout=300, check=True):
        done = subprocess.run([str(self.trellis_bin)] + [str(a) for a in args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=timeout)
        if check and done.returncode != 0:
            raise ScriptError("trellis %s failed (exit status %d): %s" % (" ".join(str(a) for a in args[:3]), done.returncode,
                                                                        (done.stderr or done.stdout).strip()[-800:]))
        return done

    def import_directories(self, files=DIRECTORIES, timeout=3600):
        """trellis directory import: exit 1 (some records rejected) still stores the rest."""
        done = self.run("directory", "import", *files, "--db", self.url, "--json", timeout=timeout, check=False)
        if done.returncode not in (0, 1):
            raise ScriptError("trellis directory import failed (exit status %d): %s" % (done.returncode, done.stderr.strip()[-800:]))
        report = json.loads(done.stdout)
        if not (report.get("stored") or {}).get("services"):
            raise ScriptError("trellis directory import stored no service (exit status %d)" % done.returncode)
        log("directory: %d services stored (%d rejected)" % (report["stored"]["services"], report.get("rejected", 0)))
        return report

    def setup(self):
        """The sample directories and a case worker with an API token; returns the token."""
        self.run("directory", "import", *DIRECTORIES, "--db", self.url, "--json")
        return self.add_user("caseworker")

    def _by(self):
        return ["--by", self.by] if self.by else []

    def add_user(self, role, org="ORG-DRILL", name=None):
        """A user of the role with an API token; returns the token."""
        user = json.loads(self.run("user", "add", "--role", role, "--org", org, "--name", name or "Drill %s" % role,
                                   "--db", self.url, "--json", *self._by()).stdout)
        if not str(user.get("token", "")).startswith("trt_"):
            raise ScriptError("trellis user add --json printed no token")
        return user["token"]

    def add_partners(self, path):
        self.run("partner", "add", str(path), "--db", self.url)

    def partner_token(self, partner):
        found = re.search(r"\btrt_[A-Za-z0-9_\-]+", self.run("partner", "token", partner, "--db", self.url).stdout)
        if not found:
            raise ScriptError("trellis partner token printed no token")
        return found.group(0)

    def audit_verify(self):
        done = self.run("audit", "verify", "--db", self.url, "--json", check=False)
        try:
            report = json.loads(done.stdout)
        except ValueError:
            report = {"intact": False, "output": (done.stdout + done.stderr)[-500:]}
        report["exit_status"] = done.returncode
        return report

    def referral_list(self):
        """Every referral in the database (trellis referral list --json), as dicts."""
        out, offset, page = [], 0, 5000
        while True:
            data = json.loads(self.run("referral", "list", "--db", self.url, "--json", "--limit", page, "--offset", offset,
                                       *self._by()).stdout)
            rows = data.get("referrals", [])
            out.extend(rows)
            if len(rows) < page:
                return out
            offset += page

    def organizations(self):
        return organizations(self.url)


def organizations(db):
    """The distinct organization ids of the stored directory (SQLite path or PostgreSQL URL)."""
    query = "SELECT DISTINCT organization_id FROM directory_service ORDER BY 1"
    if db.startswith(("postgres://", "postgresql://")):
        _, out = run([psql(), "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", db, "-c", query], "psql")
        return [line for line in out.splitlines() if line]
    path = db[len("sqlite:"):] if db.startswith("sqlite:") else db
    connection = sqlite3.connect(path)
    try:
        return [row[0] for row in connection.execute(query)]
    finally:
        connection.close()


def directory_organizations(trellis, folder):
    """Every organization id in the sample directories (read through a scratch SQLite import)."""
    scratch = Store(trellis, folder, str(Path(folder) / "scratch.sqlite"))
    scratch.run("directory", "import", *DIRECTORIES, "--db", scratch.url, "--json")
    return organizations(scratch.url)
