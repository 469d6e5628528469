"""Shared helpers for the fault drills (scripts/drill-crash, scripts/drill-database-loss,
scripts/drill-partner-outage). Python 3 standard library only.

Conventions, as scripts/bench keeps them: figures go to stdout as one JSON object per line (the
first describes the machine), progress and diagnostics go to stderr. Every process a drill starts
runs in a process group of its own and is stopped when the drill ends, however it ends (normal
exit, a failed check, an exception, SIGINT, SIGTERM or SIGHUP); throwaway PostgreSQL clusters are
stopped and removed the same way.
"""
import base64
import datetime
import http.client
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DIRECTORIES = sorted(str(p) for p in (ROOT / "config" / "directories").iterdir()
                     if p.name.endswith((".airs.xml", ".hsds.json")))
EXAMPLE_PROFILE = ROOT / "config" / "profiles" / "example.json"
THROWAWAY_PG = ROOT / "scripts" / "lib" / "throwaway-postgres.sh"

_PREFIX = "drill"
_LOG_LOCK = threading.Lock()
_T0 = time.monotonic()


def set_prefix(name):
    global _PREFIX
    _PREFIX = name


def log(*parts):
    text = " ".join(str(p) for p in parts)
    with _LOG_LOCK:
        sys.stderr.write("%s [%6.1fs]: %s\n" % (_PREFIX, time.monotonic() - _T0, text))
        sys.stderr.flush()


def emit(obj):
    """One figure: a compact JSON object on its own line of stdout."""
    with _LOG_LOCK:
        sys.stdout.write(json.dumps(obj, separators=(",", ":"), sort_keys=True, ensure_ascii=False) + "\n")
        sys.stdout.flush()


class DrillError(Exception):
    """The drill itself could not run (not a failed check)."""


def utc_now_iso():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def percentile(values, p):
    """Nearest-rank percentile of a list (None when empty)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-p * len(ordered) // 100))))
    return ordered[rank - 1]


def rnd(x, digits=3):
    return None if x is None else round(x, digits)


# --- the machine -------------------------------------------------------------------------------

def machine_figure(drill, trellis_bin):
    cpu = platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem_gb = None
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem_gb = round(int(line.split()[1]) / 1048576, 1)
    except OSError:
        pass
    version = ""
    try:
        version = subprocess.run([trellis_bin, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else (None, None, None)
    return {"drill": drill, "figure": "machine", "date": utc_now_iso(), "cpu": cpu, "cores": os.cpu_count(),
            "mem_gb": mem_gb, "kernel": platform.release(), "python": platform.python_version(),
            "trellis_bin": str(trellis_bin), "trellis_version": version,
            "load_avg_1m": round(load[0], 2) if load[0] is not None else None}


# --- processes ---------------------------------------------------------------------------------

class Processes:
    """Every child a drill starts, each in its own process group, and every cleanup to run at the end."""

    def __init__(self):
        self.lock = threading.Lock()
        self.children = []      # Popen objects
        self.cleanups = []      # callables, run last-registered first
        self.closing = False    # set by cleanup: nothing new starts after it

    def spawn(self, argv, log_path, env=None, cwd=ROOT):
        with self.lock:
            if self.closing:
                raise DrillError("the drill is stopping; not starting %s" % Path(str(argv[0])).name)
            logf = open(log_path, "ab", buffering=0)
            try:
                proc = subprocess.Popen([str(a) for a in argv], cwd=str(cwd), env=env, stdin=subprocess.DEVNULL,
                                        stdout=logf, stderr=subprocess.STDOUT, start_new_session=True)
            finally:
                logf.close()
            self.children.append(proc)
            return proc

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

    def stop(self, proc, timeout=30.0):
        """SIGTERM to the child's process group, then SIGKILL after `timeout` s. Returns (exit status,
        seconds to exit, whether SIGKILL was needed)."""
        if proc.poll() is not None:
            return proc.returncode, 0.0, False
        started = time.monotonic()
        self.signal_group(proc, signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
            killed = False
        except subprocess.TimeoutExpired:
            self.signal_group(proc, signal.SIGKILL)
            proc.wait(timeout=30)
            killed = True
        return proc.returncode, time.monotonic() - started, killed

    def cleanup(self):
        with self.lock:
            self.closing = True
            cleanups = list(reversed(self.cleanups))
            self.cleanups.clear()
            children = list(self.children)
        for proc in children:
            if proc.poll() is None:
                self.signal_group(proc, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for proc in children:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log("pid %d (%s) did not stop within 15 s of SIGTERM: SIGKILL" % (proc.pid, " ".join(proc.args[1:2])))
                self.signal_group(proc, signal.SIGKILL)
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    log("warning: could not stop pid", proc.pid)
        for fn in cleanups:
            try:
                fn()
            except Exception as error:  # noqa: BLE001 - cleanup must go on
                log("warning: cleanup step failed:", error)


PROCESSES = Processes()


def _on_signal(signum, _frame):
    raise SystemExit(128 + signum)


def _thread_exception(args):
    if PROCESSES.closing:
        return  # a helper thread meeting processes the cleanup stopped: expected
    log("error in thread %s: %s: %s" % (args.thread.name if args.thread else "?", args.exc_type.__name__, args.exc_value))


def run_main(main):
    """Runs main() (returning an exit status) with cleanup guaranteed; SIGTERM/SIGHUP end it like SIGINT."""
    threading.excepthook = _thread_exception
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGHUP, _on_signal)
    # Also when started in the background by a shell, which leaves SIGINT ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    status = 1
    try:
        status = main()
    except KeyboardInterrupt:
        log("interrupted; stopping everything the drill started")
        status = 130
    except SystemExit as stop:
        log("stopped by a signal; stopping everything the drill started")
        status = stop.code if isinstance(stop.code, int) else 1
    except DrillError as error:
        log("error:", error)
        status = 2
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        PROCESSES.cleanup()
    sys.exit(status)


# --- the trellis executable --------------------------------------------------------------------

def trellis_binary():
    """$TRELLIS_BIN, or a release build like scripts/bench makes (scripts/setup first)."""
    given = os.environ.get("TRELLIS_BIN")
    if given:
        if not (os.path.isfile(given) and os.access(given, os.X_OK)):
            raise DrillError("TRELLIS_BIN=%s is not an executable" % given)
        log("trellis: using TRELLIS_BIN=%s (build skipped)" % given)
        return given
    log("setup: scripts/setup")
    if subprocess.run([str(ROOT / "scripts" / "setup")], cwd=ROOT, stdout=sys.stderr).returncode != 0:
        raise DrillError("scripts/setup failed")
    log("build: swift build -c release --product trellis")
    if subprocess.run(["swift", "build", "-c", "release", "--product", "trellis"], cwd=ROOT,
                      stdout=sys.stderr).returncode != 0:
        raise DrillError("release build failed")
    out = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT,
                         capture_output=True, text=True).stdout.strip()
    path = os.path.join(out, "trellis")
    if not os.access(path, os.X_OK):
        raise DrillError("no trellis executable at %s" % path)
    return path


def free_port():
    """A TCP port on 127.0.0.1 nothing holds, from 20000-31999 (below Linux's ephemeral range)."""
    for _ in range(200):
        port = random.randint(20000, 31999)
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
        finally:
            s.close()
        return port
    raise DrillError("found no free TCP port on 127.0.0.1")


def new_secret():
    return "whsec_" + base64.b64encode(os.urandom(32)).decode()


def work_dir(name, keep):
    """A fresh folder under /tmp (short: PostgreSQL's socket lives there), removed at the end unless keep."""
    path = Path(tempfile.mkdtemp(prefix="trellis-%s." % name, dir="/tmp"))
    os.chmod(path, 0o755)
    if keep:
        log("work folder (kept):", path)
    else:
        PROCESSES.add_cleanup(lambda: shutil.rmtree(path, ignore_errors=True))
        log("work folder (removed at the end; --keep keeps it):", path)
    return path


# --- PostgreSQL --------------------------------------------------------------------------------

def pg_bin():
    newest = None
    for d in sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: [int(x) for x in re.findall(r"\d+", p.parent.name)] or [0]):
        if (d / "postgres").exists():
            newest = d
    if newest is None and shutil.which("pg_ctl"):
        newest = Path(shutil.which("pg_ctl")).parent
    if newest is None:
        raise DrillError("the PostgreSQL server is not installed (apt-get install postgresql, or scripts/setup)")
    return newest


class Postgres:
    """A throwaway cluster from scripts/lib/throwaway-postgres.sh, durable (fsync on), stopped and
    removed when the drill ends. stop()/start() take it down and bring it back on the same port and
    data folder (drill-database-loss)."""

    def __init__(self, folder, durable=True, keep=False):
        self.folder = Path(folder)
        self.keep = keep
        self.bin = pg_bin()
        env = dict(os.environ, THROWAWAY_PG_DURABLE="1" if durable else "0")
        log("postgres: starting a throwaway cluster in", self.folder)
        PROCESSES.add_cleanup(self.remove)
        done = subprocess.run(["bash", str(THROWAWAY_PG), "start", str(self.folder)], env=env, capture_output=True,
                              text=True, timeout=180)
        sys.stderr.write(done.stderr)
        if done.returncode != 0:
            raise DrillError("throwaway-postgres.sh start failed (exit status %d)" % done.returncode)
        self.url = done.stdout.strip().splitlines()[-1]
        self.port = urllib.parse.urlsplit(self.url).port

    def _as_pg(self, argv):
        if os.geteuid() == 0:
            argv = ["runuser", "-u", "postgres", "--"] + argv
        return subprocess.run(argv, cwd="/", capture_output=True, text=True, timeout=120)

    def stop(self):
        """pg_ctl stop -m fast; returns seconds taken."""
        started = time.monotonic()
        done = self._as_pg([str(self.bin / "pg_ctl"), "stop", "-D", str(self.folder / "data"), "-m", "fast", "-w", "-t", "60"])
        if done.returncode != 0:
            raise DrillError("pg_ctl stop failed: %s" % (done.stderr or done.stdout).strip())
        return time.monotonic() - started

    def start(self):
        """pg_ctl start on the same port and data folder; returns seconds until it accepts connections."""
        started = time.monotonic()
        done = self._as_pg([str(self.bin / "pg_ctl"), "start", "-D", str(self.folder / "data"), "-l",
                            str(self.folder / "postgres.log"), "-o", "-p %d" % self.port, "-w", "-t", "60"])
        if done.returncode != 0:
            raise DrillError("pg_ctl start failed: %s" % (done.stderr or done.stdout).strip())
        return time.monotonic() - started

    def remove(self):
        if self.keep:
            if (self.folder / "data" / "postmaster.pid").exists():
                try:
                    self.stop()
                except DrillError as error:
                    log("warning:", error)
            log("postgres: stopped, data kept in %s (start: pg_ctl start -D %s/data -o '-p %d')" % (self.folder, self.folder, self.port))
            return
        if self.folder.exists():
            done = subprocess.run(["bash", str(THROWAWAY_PG), "stop", str(self.folder)], capture_output=True, text=True,
                                  timeout=180)
            if done.returncode != 0:
                log("warning: could not stop the cluster in", self.folder, done.stderr.strip())


# --- the store ---------------------------------------------------------------------------------

class Store:
    """A database for one drill, with settings of its own in FOLDER/trellis.json (TRELLIS_CONFIG): its data
    key, audit signing key and checkpoint file live in FOLDER, never in the repository's data/."""

    def __init__(self, trellis, folder, url):
        self.trellis_bin = trellis
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.url = url
        with open(ROOT / "config" / "trellis.json") as f:
            settings = json.load(f)
        settings["database"] = url
        settings["data_key_file"] = str(self.folder / "trellis-data.key")
        settings.setdefault("audit", {})
        settings["audit"]["checkpoint_file"] = str(self.folder / "audit-checkpoints.jsonl")
        settings["audit"]["signing_key_file"] = str(self.folder / "audit-signing.key")
        settings.setdefault("serve", {})
        settings["serve"]["first_start_directories"] = DIRECTORIES
        self.config = self.folder / "trellis.json"
        with open(self.config, "w") as f:
            json.dump(settings, f, indent=1)
        self.env = {k: v for k, v in os.environ.items()
                    if not (k.startswith("TRELLIS_SERVE_") or k in ("TRELLIS_DB", "TRELLIS_DATA_KEY"))}
        self.env["TRELLIS_CONFIG"] = str(self.config)

    def run(self, *args, timeout=300, check=True):
        done = subprocess.run([self.trellis_bin] + [str(a) for a in args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=timeout)
        if check and done.returncode != 0:
            raise DrillError("trellis %s failed (exit status %d): %s" % (" ".join(str(a) for a in args[:3]), done.returncode,
                                                                       (done.stderr or done.stdout).strip()[-800:]))
        return done

    def setup(self):
        """The sample directories and a case worker with an API token; returns the token."""
        self.run("directory", "import", *DIRECTORIES, "--db", self.url, "--json")
        return self.add_user("caseworker")

    def add_user(self, role):
        """A user of the role (organization ORG-DRILL) with an API token; returns the token."""
        user = json.loads(self.run("user", "add", "--role", role, "--org", "ORG-DRILL", "--name", "Drill %s" % role,
                                   "--db", self.url, "--json", "--by", "cli:drill").stdout)
        if not str(user.get("token", "")).startswith("trt_"):
            raise DrillError("trellis user add --json printed no token")
        return user["token"]

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
                                       "--by", "cli:drill").stdout)
            rows = data.get("referrals", [])
            out.extend(rows)
            if len(rows) < page:
                return out
            offset += page


def directory_organizations(trellis, folder):
    """Every organization id in the sample directories (read through a scratch SQLite import)."""
    scratch = Store(trellis, folder, str(Path(folder) / "scratch.sqlite"))
    scratch.run("directory", "import", *DIRECTORIES, "--db", scratch.url, "--json")
    con = sqlite3.connect(scratch.url)
    try:
        return [r[0] for r in con.execute("SELECT DISTINCT organization_id FROM directory_service ORDER BY 1")]
    finally:
        con.close()


# --- HTTP --------------------------------------------------------------------------------------

class Answer:
    __slots__ = ("status", "headers", "body", "seconds")

    def __init__(self, status, headers, body, seconds):
        self.status, self.headers, self.body, self.seconds = status, headers, body, seconds

    def json(self):
        return json.loads(self.body)

    def text(self, limit=300):
        return self.body[:limit].decode("utf-8", "replace")


def call(method, base, path, document=None, token=None, timeout=10.0, raw_body=None, headers=None):
    """One request on a new connection (so a failure is never a stale keep-alive). Raises OSError or
    http.client.HTTPException when no answer came."""
    parts = urllib.parse.urlsplit(base)
    headers = dict(headers or {}, **{"Accept": "application/json", "Connection": "close"})
    body = raw_body
    if document is not None:
        body = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = "Bearer " + token
    started = time.monotonic()
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        return Answer(response.status, dict(response.getheaders()), data, time.monotonic() - started)
    finally:
        conn.close()


def audit_records(base, admin_token):
    """The audit trail through GET /v1/audit (an administrator's token), up to the page that is not full
    (reading the trail is itself audited, so there is always one more record: the read before)."""
    out, after = [], 0
    while True:
        answer = call("GET", base, "/v1/audit?after=%d&limit=1000" % after, token=admin_token, timeout=60)
        if answer.status != 200:
            raise DrillError("GET /v1/audit answered %d: %s" % (answer.status, answer.text()))
        page = answer.json()
        records = page.get("records", [])
        out.extend(records)
        if len(records) < 1000:
            return out
        after = page.get("next_after") or records[-1]["sequence"]


def wait_http_ok(base, path, timeout, proc=None, expect=200):
    """Waits until GET path answers `expect`; returns seconds waited. DrillError if proc exits or time runs out."""
    started = time.monotonic()
    last = None
    while time.monotonic() - started < timeout:
        if proc is not None and proc.poll() is not None:
            raise DrillError("the process exited (status %s) before %s%s answered" % (proc.returncode, base, path))
        try:
            answer = call("GET", base, path, timeout=2)
            last = answer.status
            if answer.status == expect:
                return time.monotonic() - started
        except (OSError, http.client.HTTPException) as error:
            last = type(error).__name__
        time.sleep(0.05)
    raise DrillError("GET %s%s did not answer %d within %ds (last: %s)" % (base, path, expect, timeout, last))


def metrics(base):
    """The Prometheus text as {name{labels}: value}."""
    out = {}
    for line in call("GET", base, "/metrics", timeout=10).body.decode().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name, _, value = line.rpartition(" ")
        try:
            out[name] = float(value)
        except ValueError:
            pass
    return out


def outbox_figures(base):
    m = metrics(base)
    states = {re.search(r'state="([^"]*)"', k).group(1): int(v) for k, v in m.items()
              if k.startswith("trellis_outbox{") and 'state="' in k}
    depth = m.get("trellis_outbox_depth")
    return (int(depth) if depth is not None else None), states


# --- trellis serve and the partner simulator ---------------------------------------------------

class Server:
    """`trellis serve` on a fixed port of 127.0.0.1 (the same across restarts), its output appended to one log."""

    def __init__(self, store, port, log_path, partners=None, backoff_scale=None, extra=()):
        self.store, self.port, self.log_path = store, port, Path(log_path)
        self.base = "http://127.0.0.1:%d" % port
        # /metrics needs an administrator's token on the main port: scrape the loopback metrics port instead.
        self.metrics_base = "http://127.0.0.1:%d" % free_port()
        self.argv = [store.trellis_bin, "serve", "--db", store.url, "--port", str(port), "--metrics-port", self.metrics_base.rsplit(":", 1)[1]]
        if partners:
            self.argv += ["--partners", str(partners)]
        if backoff_scale is not None:
            self.argv += ["--backoff-scale", str(backoff_scale)]
        self.argv += list(extra)
        self.proc = None
        self.starts = 0

    def start(self, ready_timeout=60):
        """Starts it and waits for GET /readyz 200; returns seconds to ready."""
        self.starts += 1
        with open(self.log_path, "ab") as f:
            f.write(("\n==== drill: start %d at %s ====\n" % (self.starts, utc_now_iso())).encode())
        self.proc = PROCESSES.spawn(self.argv, self.log_path, env=self.store.env)
        return wait_http_ok(self.base, "/readyz", ready_timeout, proc=self.proc)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill(self):
        """SIGKILL, as a crash or an OOM kill would; waits for the process to be gone."""
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        with open(self.log_path, "ab") as f:
            f.write(("\n==== drill: SIGKILL at %s ====\n" % utc_now_iso()).encode())

    def stop(self, timeout=30):
        """SIGTERM (graceful); returns (exit status, seconds, whether SIGKILL was needed)."""
        return PROCESSES.stop(self.proc, timeout=timeout)

    def log_lines(self, pattern):
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return []
        return [line for line in text.splitlines() if re.search(pattern, line)]


class PartnerSim:
    """`trellis partner-sim` on 127.0.0.1 (port 0: any free port)."""

    def __init__(self, trellis, log_path, secret, port=0, fail_rate=None, accept_after=None, callback=None, env=None):
        self.argv = [trellis, "partner-sim", "--port", str(port), "--secret", secret]
        if fail_rate:
            self.argv += ["--fail-rate", str(fail_rate)]
        if accept_after is not None:
            self.argv += ["--accept-after", str(accept_after)]
        if callback:
            self.argv += ["--callback", callback]
        self.log_path = Path(log_path)
        self.env = env
        self.proc = None
        self.endpoint = None
        self.base = None

    def start(self, timeout=30):
        start_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        self.proc = PROCESSES.spawn(self.argv, self.log_path, env=self.env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise DrillError("the partner simulator exited (status %s); see %s" % (self.proc.returncode, self.log_path))
            with open(self.log_path, "rb") as f:
                f.seek(start_offset)
                m = re.search(rb"listening on (http://\S+)", f.read())
            if m:
                self.endpoint = m.group(1).decode()
                self.base = self.endpoint.rsplit("/referrals", 1)[0]
                return self.endpoint
            time.sleep(0.05)
        raise DrillError("the partner simulator did not start within %ds" % timeout)

    def stop(self):
        return PROCESSES.stop(self.proc, timeout=10)

    def stats(self):
        return call("GET", self.base, "/stats", timeout=10).json()

    def receipts(self):
        return call("GET", self.base, "/receipts", timeout=30).json()["receipts"]

    def set_fail_rate(self, rate):
        """Changes the share of 500 answers while the simulator runs (0: its outage ends)."""
        answer = call("PUT", self.base, "/fail-rate", document={"fail_rate": rate}, timeout=10)
        if answer.status != 200:
            raise DrillError("the partner simulator refused fail rate %s: %s %s" % (rate, answer.status, answer.text()))


def write_partners(path, partners):
    """partners: [(id, organizations, endpoint, secret)] in the shape scripts/run writes (fhir-r4, callback)."""
    doc = [{"id": pid, "organizations": orgs, "endpoint": endpoint, "format": "fhir-r4", "signing_secrets": [secret],
            "status_mode": "callback"} for pid, orgs, endpoint, secret in partners]
    fd = os.open(str(path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(doc, f, indent=1)


# --- referrals ---------------------------------------------------------------------------------

def load_profile():
    with open(EXAMPLE_PROFILE) as f:
        return json.load(f)


def match_candidates(base, token, profile):
    """(service_id, organization_id) of every service POST /v1/matches ranks for the profile."""
    answer = call("POST", base, "/v1/matches?limit=50", document=profile, token=token, timeout=30)
    if answer.status != 200:
        raise DrillError("POST /v1/matches answered %d: %s" % (answer.status, answer.text()))
    seen, out = set(), []
    for match in answer.json().get("matches", []):
        for r in match.get("results", []):
            key = (r["service_id"], r["organization_id"])
            if key not in seen:
                seen.add(key)
                out.append(key)
    if not out:
        raise DrillError("POST /v1/matches ranked no service for config/profiles/example.json")
    return out


def referral_document(profile, person_ref, service_id, organization_id):
    person = dict(profile["person"], ref=person_ref, name="Drill Person %s" % person_ref, phone="(555) 555-0100")
    return {"profile": dict(profile, person=person), "service_id": service_id,
            "consent": {"recipient": organization_id, "categories": ["contact", "needs"], "method": "verbal",
                        "captured_by": "drill", "captured_at": utc_now_iso()}}


def error_envelope_ok(body):
    """Whether a body is the API's error envelope {"error": {"code", "message", ...}}."""
    try:
        doc = json.loads(body)
    except ValueError:
        return False
    err = doc.get("error") if isinstance(doc, dict) else None
    return isinstance(err, dict) and isinstance(err.get("code"), str) and isinstance(err.get("message"), str)


class Checks:
    """Named checks with evidence; the drill exits 0 only when every one holds."""

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
