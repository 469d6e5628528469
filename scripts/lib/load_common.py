"""Shared pieces of scripts/soak and scripts/scale-out (stdlib only): the trellis executable, child
processes that are always stopped (each in its own process group), a throwaway PostgreSQL, settings
files that keep keys and checkpoints in the work folder, users and tokens, the partner simulator, needs
profiles, a keep-alive HTTP client and latency figures.

Progress goes to stderr (log), figures to stdout as JSON lines (emit).
"""
import atexit
import base64
import datetime
import glob
import http.client
import json
import math
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_DIRECTORIES = sorted(str(p) for p in (ROOT / "config" / "directories").glob("*.airs.xml")) + \
    sorted(str(p) for p in (ROOT / "config" / "directories").glob("*.hsds.json"))
BIG_DIRECTORY = ROOT / "bench-out" / "dir-100000.airs.xml"

PREFIX = "load"


def set_prefix(name):
    global PREFIX
    PREFIX = name


def log(*parts):
    stamp = datetime.datetime.now().strftime("%H:%M:%S")
    print("%s: %s %s" % (PREFIX, stamp, " ".join(str(p) for p in parts)), file=sys.stderr, flush=True)


def emit(obj):
    print(json.dumps(obj, separators=(",", ":"), ensure_ascii=False), flush=True)


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Fatal(Exception):
    """The run could not be set up or carried out (exit status 2), as opposed to a failed check."""


# --- child processes ---------------------------------------------------------------------------

class Children:
    """Every process started here runs in its own process group and is stopped at exit (SIGTERM to
    the group, then SIGKILL after a grace period), whatever ends the script: a return, an exception,
    SIGINT, SIGTERM or SIGHUP."""

    def __init__(self):
        self.procs = []          # (name, Popen)
        self.cleanups = []       # callables run at exit, last registered first
        self.lock = threading.Lock()
        self.done = False
        atexit.register(self.stop_all)
        for sig, status in ((signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)):
            signal.signal(sig, self._on_signal(status))

    def _on_signal(self, status):
        def handler(signum, frame):
            log("signal %d: stopping everything this run started" % signum)
            raise SystemExit(status)
        return handler

    def start(self, name, argv, stdout, stderr, env=None, cwd=None):
        proc = subprocess.Popen(argv, stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL, env=env,
                                cwd=str(cwd or ROOT), start_new_session=True)
        with self.lock:
            self.procs.append((name, proc))
        return proc

    def on_exit(self, fn):
        self.cleanups.append(fn)

    def stop(self, proc, grace=30.0, name=""):
        """SIGTERM to the process (the group too once it is gone), SIGKILL after `grace` seconds.
        Returns the exit status (negative: killed by that signal), or None if it could not be reaped."""
        if proc.poll() is None:
            try:
                proc.send_signal(signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                proc.wait(grace)
            except subprocess.TimeoutExpired:
                log("%s (pid %d) did not stop within %.0f s of SIGTERM: SIGKILL" % (name or "process", proc.pid, grace))
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    return None
        # Anything the process left in its group (it started none, but be sure).
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        return proc.returncode

    def stop_all(self):
        if self.done:
            return
        self.done = True
        with self.lock:
            procs = list(reversed(self.procs))
        for name, proc in procs:
            if proc.poll() is None:
                self.stop(proc, grace=15.0, name=name)
            else:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
        for fn in reversed(self.cleanups):
            try:
                fn()
            except Exception as error:  # noqa: BLE001 - cleanup must go on
                log("cleanup failed: %s" % error)


def run(argv, what, timeout=600, ok=(0,), input_text=None, capture=True):
    """Runs a command to completion (bounded), returns (status, stdout); Fatal when its status is not in ok."""
    try:
        done = subprocess.run(argv, cwd=str(ROOT), input=input_text, capture_output=capture, text=True,
                              timeout=timeout, start_new_session=True)
    except subprocess.TimeoutExpired:
        raise Fatal("%s: timed out after %d s" % (what, timeout))
    if done.returncode not in ok:
        tail = (done.stderr or "").strip().splitlines()[-10:]
        raise Fatal("%s: exit status %d: %s" % (what, done.returncode, " | ".join(tail)))
    return done.returncode, done.stdout


# --- the machine, the executable, setup ----------------------------------------------------------

def machine(trellis):
    cpu = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal:"):
                mem_gb = round(int(line.split()[1]) / 1048576, 1)
    except OSError:
        pass
    version = subprocess.run([trellis, "--version"], capture_output=True, text=True).stdout.strip()
    return {"date": utc_now(), "cpu": cpu, "cores": os.cpu_count(), "mem_gb": mem_gb, "kernel": os.uname().release,
            "python": sys.version.split()[0], "trellis": trellis, "trellis_version": version,
            "load_average": [round(x, 2) for x in os.getloadavg()]}


def setup_system(need_postgres):
    """scripts/setup installs what is missing (quiet when all is there). It also insists on Swift, which a
    run with TRELLIS_BIN does not need: then only what this run uses is checked."""
    status = subprocess.run([str(ROOT / "scripts" / "setup")], cwd=str(ROOT), stdout=sys.stderr, stderr=sys.stderr).returncode
    if status != 0:
        if not os.environ.get("TRELLIS_BIN"):
            raise Fatal("scripts/setup failed (exit status %d)" % status)
        log("scripts/setup exit status %d (Swift is not needed with TRELLIS_BIN); going on" % status)
    if need_postgres and not glob.glob("/usr/lib/postgresql/*/bin/postgres"):
        raise Fatal("PostgreSQL is not installed (apt-get install postgresql)")


def trellis_binary():
    explicit = os.environ.get("TRELLIS_BIN")
    if explicit:
        if not (os.path.isfile(explicit) and os.access(explicit, os.X_OK)):
            raise Fatal("TRELLIS_BIN=%s is not an executable" % explicit)
        log("trellis: using TRELLIS_BIN=%s (build skipped)" % explicit)
        return explicit
    log("build: swift build -c release --product trellis")
    status = subprocess.run(["swift", "build", "-c", "release", "--product", "trellis"], cwd=str(ROOT),
                            stdout=sys.stderr, stderr=sys.stderr, timeout=3600).returncode
    if status != 0:
        raise Fatal("the release build failed")
    out = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=str(ROOT),
                         capture_output=True, text=True).stdout.strip()
    path = os.path.join(out, "trellis")
    if not os.access(path, os.X_OK):
        raise Fatal("no trellis executable at %s" % path)
    return path


def bench_python():
    """A Python with lxml for scripts/lib/bench_profiles.py: the project's .venv as scripts/bench sets it
    up (python3 -m venv .venv; pip install -r scripts/lib/requirements-bench.txt); None when that fails."""
    venv = ROOT / ".venv" / "bin" / "python"
    try:
        if not venv.exists():
            log("setup: creating Python venv at .venv/")
            subprocess.run([sys.executable, "-m", "venv", str(ROOT / ".venv")], check=True, stdout=sys.stderr,
                           stderr=sys.stderr, timeout=300)
        if subprocess.run([str(venv), "-c", "import lxml"], capture_output=True).returncode != 0:
            subprocess.run([str(venv), "-m", "pip", "install", "-q", "--disable-pip-version-check", "-r",
                            str(ROOT / "scripts" / "lib" / "requirements-bench.txt")], check=True,
                           stdout=sys.stderr, stderr=sys.stderr, timeout=900)
        return str(venv)
    except (subprocess.SubprocessError, OSError) as error:
        log("setup: no Python with lxml (%s): profiles will be variations of config/profiles/example.json" % error)
        return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def new_secret():
    return "whsec_" + base64.b64encode(os.urandom(32)).decode()


WORK_MARKER = ".trellis-load-work"


def prepare_work(path):
    """Empties and returns the work folder: only one this code made (it holds a marker) or an empty
    one, never a folder of someone else's."""
    work = Path(path).resolve()
    if work.exists():
        if not work.is_dir():
            raise Fatal("--out %s is not a folder" % work)
        if any(work.iterdir()) and not (work / WORK_MARKER).exists():
            raise Fatal("--out %s is not empty and was not made by this script; give an empty or new folder" % work)
        subprocess.run(["rm", "-rf", "--", str(work)], check=True)
    work.mkdir(parents=True)
    (work / WORK_MARKER).touch()
    return work


# --- PostgreSQL -------------------------------------------------------------------------------------

class ThrowawayPostgres:
    """scripts/lib/throwaway-postgres.sh start/stop; stopped and removed at exit."""

    def __init__(self, children, prefix):
        import tempfile
        self.dir = tempfile.mkdtemp(prefix=prefix, dir="/tmp")
        self.script = str(ROOT / "scripts" / "lib" / "throwaway-postgres.sh")
        self.url = None
        children.on_exit(self.stop)

    def start(self):
        log("postgres: starting a throwaway cluster in %s" % self.dir)
        done = subprocess.run([self.script, "start", self.dir], cwd=str(ROOT), capture_output=True, text=True, timeout=120)
        sys.stderr.write(done.stderr)
        if done.returncode != 0:
            raise Fatal("throwaway-postgres.sh start failed (exit status %d)" % done.returncode)
        self.url = done.stdout.strip().splitlines()[-1]
        return self.url

    def stop(self):
        if self.dir and os.path.isdir(self.dir):
            subprocess.run([self.script, "stop", self.dir], cwd=str(ROOT), stdout=sys.stderr, stderr=sys.stderr, timeout=120)
            self.dir = None

    @staticmethod
    def psql():
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/psql"), key=lambda p: [int(x) if x.isdigit() else x for x in re.split(r"(\d+)", p)])
        return found[-1] if found else "psql"


def organizations(db):
    """The distinct organization ids of the stored directory."""
    query = "SELECT DISTINCT organization_id FROM directory_service ORDER BY 1"
    if db.startswith("postgres://") or db.startswith("postgresql://"):
        _, out = run([ThrowawayPostgres.psql(), "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", db, "-c", query], "psql")
        return [line for line in out.splitlines() if line]
    import sqlite3
    path = db[len("sqlite:"):] if db.startswith("sqlite:") else db
    with sqlite3.connect(path) as connection:
        return [row[0] for row in connection.execute(query)]


# --- settings and accounts --------------------------------------------------------------------------

def write_settings(work, name, db, checkpoint_file=None):
    """A settings file (config/trellis.json with the database and every key and checkpoint file in the
    work folder), so nothing lands in the repository's data/ folder. Several servers sharing a
    database share the data key and the audit signing key; each keeps its own checkpoint file."""
    settings = json.loads((ROOT / "config" / "trellis.json").read_text())
    settings["database"] = db
    settings["data_key_file"] = str(work / "trellis-data.key")
    audit = settings.setdefault("audit", {})
    audit["signing_key_file"] = str(work / "audit-signing.key")
    audit["checkpoint_file"] = str(checkpoint_file or (work / "audit-checkpoints.jsonl"))
    settings.setdefault("serve", {})["first_start_directories"] = []
    path = work / name
    path.write_text(json.dumps(settings, indent=2) + "\n")
    return str(path)


def import_directories(trellis, files, db, config, timeout=3600):
    """trellis directory import FILES --db DB --json: exit 1 (some records rejected) still stores the rest."""
    started = time.monotonic()
    status, out = run([trellis, "directory", "import", *files, "--db", db, "--config", config, "--json"],
                      "trellis directory import", timeout=timeout, ok=(0, 1))
    report = json.loads(out)
    stored = (report.get("stored") or {}).get("services")
    if not stored:
        raise Fatal("trellis directory import stored no service (exit status %d)" % status)
    log("directory: %d services stored (%d rejected) in %.1f s" % (stored, report.get("rejected", 0), time.monotonic() - started))
    return report


def add_user(trellis, db, config, role, org, name):
    _, out = run([trellis, "user", "add", "--role", role, "--org", org, "--name", name, "--db", db, "--config", config,
                  "--json"], "trellis user add")
    token = json.loads(out).get("token", "")
    if not token.startswith("trt_"):
        raise Fatal("trellis user add --json printed no token")
    return token


def partner_token(trellis, db, config, partner):
    _, out = run([trellis, "partner", "token", partner, "--db", db, "--config", config], "trellis partner token")
    found = re.search(r"\btrt_[A-Za-z0-9_\-]+", out)
    if not found:
        raise Fatal("trellis partner token printed no token")
    return found.group(0)


def add_partners(trellis, db, config, path):
    run([trellis, "partner", "add", str(path), "--db", db, "--config", config], "trellis partner add")


def write_partners(path, partners):
    """partners: [(id, organizations, endpoint, format, secret)] as scripts/run writes them."""
    entries = [{"id": pid, "organizations": orgs, "endpoint": endpoint, "format": fmt, "signing_secrets": [secret],
                "status_mode": "callback"} for pid, orgs, endpoint, fmt, secret in partners]
    fd = os.open(str(path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(entries, f, indent=1)


# --- the partner simulator and servers ---------------------------------------------------------------

def wait_for_line(path, pattern, proc, timeout, what):
    deadline = time.monotonic() + timeout
    regex = re.compile(pattern)
    while time.monotonic() < deadline:
        try:
            text = Path(path).read_text(errors="replace")
        except OSError:
            text = ""
        found = regex.search(text)
        if found:
            return found
        if proc.poll() is not None:
            raise Fatal("%s exited (status %s) before it was ready; see %s" % (what, proc.returncode, path))
        time.sleep(0.1)
    raise Fatal("%s was not ready within %d s; see %s" % (what, timeout, path))


def start_partner_sim(children, trellis, work, secret, name="partner-sim", extra=()):
    out = open(work / ("%s.out" % name), "w")
    err = open(work / ("%s.log" % name), "w")
    proc = children.start(name, [trellis, "partner-sim", "--port", "0", "--secret", secret, *extra], out, err)
    found = wait_for_line(work / ("%s.out" % name), r"(http://127\.0\.0\.1:(\d+)\S*)", proc, 30, "trellis partner-sim")
    log("%s (pid %d) at %s %s" % (name, proc.pid, found.group(1), " ".join(extra)))
    return proc, found.group(1), int(found.group(2))


class Server:
    """One `trellis serve` on a free port of 127.0.0.1."""

    def __init__(self, children, trellis, work, name, db, config, partners_file, extra=()):
        self.children, self.name = children, name
        self.port = free_port()
        self.base = "http://127.0.0.1:%d" % self.port
        self.log_path = work / ("%s.log" % name)
        self.out = open(self.log_path, "w")
        # /metrics needs an administrator's token on the main port: scrape the loopback metrics port instead.
        self.metrics_base = "http://127.0.0.1:%d" % free_port()
        self.argv = [trellis, "serve", "--db", db, "--config", config, "--port", str(self.port), "--partners",
                     str(partners_file), "--metrics-port", self.metrics_base.rsplit(":", 1)[1], *extra]
        self.proc = None

    def start(self, timeout=300):
        self.proc = self.children.start(self.name, self.argv, self.out, subprocess.STDOUT)
        log("%s: trellis serve (pid %d) on %s, log %s" % (self.name, self.proc.pid, self.base, self.log_path))
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise Fatal("%s: trellis serve exited (status %s) before it was ready; see %s" % (self.name, self.proc.returncode, self.log_path))
            try:
                status, body = request_once("GET", self.base, "/readyz", timeout=5)
                last = status
                if status == 200:
                    log("%s: ready: %s" % (self.name, body[:200].decode(errors="replace")))
                    return
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.2)
        raise Fatal("%s: GET /readyz did not answer 200 within %d s (last: %s)" % (self.name, timeout, last))

    def stop(self, grace=30.0):
        """SIGTERM; (exit status, seconds to stop)."""
        started = time.monotonic()
        status = self.children.stop(self.proc, grace=grace, name=self.name)
        return status, round(time.monotonic() - started, 2)

    def rss_kb(self):
        return proc_status_kb(self.proc.pid, "VmRSS")

    def hwm_kb(self):
        return proc_status_kb(self.proc.pid, "VmHWM")

    def memory_mb(self):
        """VmRSS, VmHWM and the parts of RSS (anonymous, file-backed, shared memory), in MB; and the thread count."""
        out = {}
        for field, key in (("VmRSS", "rss_mb"), ("VmHWM", "hwm_mb"), ("RssAnon", "anon_mb"), ("RssFile", "file_mb"),
                           ("RssShmem", "shmem_mb")):
            kb = proc_status_kb(self.proc.pid, field)
            out[key] = round(kb / 1024, 1) if kb is not None else None
        out["threads"] = proc_status_kb(self.proc.pid, "Threads")
        return out


def proc_status_kb(pid, field):
    try:
        for line in open("/proc/%d/status" % pid):
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def metrics(base):
    """GET /metrics as {name{labels}: value} (samples only)."""
    status, body = request_once("GET", base, "/metrics", timeout=10)
    if status != 200:
        return {}
    out = {}
    for line in body.decode(errors="replace").splitlines():
        if not line or line.startswith("#"):
            continue
        key, _, value = line.rpartition(" ")
        try:
            out[key] = float(value)
        except ValueError:
            pass
    return out


def server_requests_total(sample):
    return int(sum(v for k, v in sample.items() if k.startswith("http_server_request_duration_seconds_count")))


# --- needs profiles -----------------------------------------------------------------------------------

def make_profiles(work, directories, count, seed):
    """Needs profiles placed where the directory's services are (scripts/lib/bench_profiles.py on the first
    AIRS file, with .venv's lxml), else variations of config/profiles/example.json."""
    airs = [d for d in directories if d.endswith(".xml")]
    python = bench_python() if airs else None
    if python:
        out = work / "profiles.jsonl"
        done = subprocess.run([python, str(ROOT / "scripts" / "lib" / "bench_profiles.py"), airs[0], "--count", str(count),
                               "--seed", str(seed), "--output", str(out)], cwd=str(ROOT), stdout=sys.stderr, stderr=sys.stderr,
                              timeout=1800)
        if done.returncode == 0:
            profiles = [json.loads(line) for line in out.read_text().splitlines() if line.strip()]
            profiles.append(json.loads((ROOT / "config" / "profiles" / "example.json").read_text()))
            return profiles
        log("profiles: bench_profiles.py failed (exit status %d); using variations of the example" % done.returncode)
    rng = random.Random(seed)
    example = json.loads((ROOT / "config" / "profiles" / "example.json").read_text())
    profiles = []
    for n in range(count):
        p = json.loads(json.dumps(example))
        p["person"]["ref"] = "P-LOAD-%d" % n
        p["person"]["age"] = rng.randint(18, 79)
        p["person"]["location"]["latitude"] = round(41.26 + rng.uniform(-0.08, 0.08), 5)
        p["person"]["location"]["longitude"] = round(-95.94 + rng.uniform(-0.08, 0.08), 5)
        p["needs"] = rng.sample(example["needs"], rng.randint(1, len(example["needs"])))
        p["preferences"]["max_distance_km"] = rng.choice((10, 15, 25, 40))
        if rng.random() < 0.5:
            p["preferences"]["faith_based"] = "not_offered"
            p["preferences"]["faith_tradition"] = None
        profiles.append(p)
    return profiles


def referral_document(profile, person_ref, service_id, organization_id, n):
    person = dict(profile["person"], ref=person_ref)
    person.setdefault("name", "Load Person %d" % n)
    person.setdefault("phone", "(555) 555-%04d" % (n % 10000))
    return {"profile": dict(profile, person=person), "service_id": service_id,
            "consent": {"recipient": organization_id, "categories": ["contact", "needs"], "method": "verbal",
                        "captured_by": "load", "captured_at": utc_now()}}


# --- HTTP -------------------------------------------------------------------------------------------

def split_base(base):
    rest = base.split("://", 1)[1]
    host, _, port = rest.partition(":")
    return host, int(port.split("/")[0] or 80)


def request_once(method, base, path, body=None, headers=None, timeout=30):
    host, port = split_base(base)
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


class Client:
    """One keep-alive connection to one server. A failed request closes it (the next request opens a
    new one) and is reported to the caller as a socket error: nothing is retried behind its back."""

    def __init__(self, base, timeout=30):
        self.base = base
        self.host, self.port = split_base(base)
        self.timeout = timeout
        self.connection = None

    def call(self, method, path, document=None, token=None, headers=None, raw=None):
        """(status or None, body bytes or error text, seconds)."""
        body = raw if raw is not None else (json.dumps(document, separators=(",", ":")).encode() if document is not None else None)
        h = {"Accept": "application/json"}
        if body is not None:
            h["Content-Type"] = "application/json"
        if token:
            h["Authorization"] = "Bearer " + token
        if headers:
            h.update(headers)
        started = time.perf_counter()
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            self.connection.request(method, path, body=body, headers=h)
            response = self.connection.getresponse()
            data = response.read()
            if (response.getheader("Connection") or "").lower() == "close":
                self.close()
            return response.status, data, time.perf_counter() - started
        except (OSError, http.client.HTTPException) as error:
            self.close()
            return None, "%s: %s" % (type(error).__name__, error), time.perf_counter() - started

    def close(self):
        if self.connection is not None:
            try:
                self.connection.close()
            except OSError:
                pass
            self.connection = None


# --- figures ----------------------------------------------------------------------------------------

def percentile(sorted_values, q):
    """Nearest-rank percentile of an ascending list; None when empty."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(q / 100.0 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def ms(seconds):
    return None if seconds is None else round(seconds * 1000.0, 2)


class RouteStats:
    """Per route: answers by status, latencies, errors (with a few samples), replays."""

    def __init__(self):
        self.lock = threading.Lock()
        self.routes = {}

    def route(self, name):
        r = self.routes.get(name)
        if r is None:
            r = self.routes[name] = {"latencies": [], "statuses": {}, "errors": 0, "socket_errors": 0,
                                     "replays": 0, "replays_ok": 0, "error_samples": []}
        return r

    def record(self, name, status, seconds, error=None, replay=False, replay_ok=False, body=b""):
        with self.lock:
            r = self.route(name)
            r["latencies"].append(seconds)
            key = str(status) if status is not None else "socket"
            r["statuses"][key] = r["statuses"].get(key, 0) + 1
            if replay:
                r["replays"] += 1
                if replay_ok:
                    r["replays_ok"] += 1
            if error:
                r["errors"] += 1
                if status is None:
                    r["socket_errors"] += 1
                if len(r["error_samples"]) < 5:
                    text = body.decode(errors="replace") if isinstance(body, bytes) else str(body)
                    r["error_samples"].append("%s %s: %s" % (key, error, text[:240]))

    def export(self):
        with self.lock:
            return json.loads(json.dumps(self.routes))

    @staticmethod
    def merge(parts):
        out = {}
        for part in parts:
            for name, r in part.items():
                m = out.setdefault(name, {"latencies": [], "statuses": {}, "errors": 0, "socket_errors": 0,
                                          "replays": 0, "replays_ok": 0, "error_samples": []})
                m["latencies"].extend(r["latencies"])
                for k, v in r["statuses"].items():
                    m["statuses"][k] = m["statuses"].get(k, 0) + v
                for k in ("errors", "socket_errors", "replays", "replays_ok"):
                    m[k] += r[k]
                m["error_samples"].extend(r["error_samples"][: max(0, 5 - len(m["error_samples"]))])
        return out

    @staticmethod
    def summary(name, r, seconds):
        lat = sorted(r["latencies"])
        n = len(lat)
        return {"route": name, "requests": n, "seconds": round(seconds, 1),
                "requests_per_s": round(n / seconds, 1) if seconds > 0 else None,
                "p50_ms": ms(percentile(lat, 50)), "p99_ms": ms(percentile(lat, 99)), "max_ms": ms(lat[-1]) if lat else None,
                "errors": r["errors"], "socket_errors": r["socket_errors"], "statuses": r["statuses"],
                "replays": r["replays"], "replays_as_expected": r["replays_ok"],
                "error_samples": r["error_samples"]}
