#!/usr/bin/env python3
"""A real headless-browser test of Trellis's web pages.

Starts everything it needs on 127.0.0.1 (a fresh SQLite database with the Riverbend directory and three
users, a simulated partner agency answering for every organization, `trellis serve`), drives Debian's
chromium through Debian's chromedriver with Selenium, and stops all of it again, also on failure.

The flow: a case worker signs in (after one wrong password), fills the needs profile partly by
keyboard, reads the matches with and without faith-based opt-in, refers the person to the first
housing match with only some consent categories, checks the disclosure preview, sends, waits for the
simulated agency to accept, finds the referral in the tracker and filters it, and is refused /admin
and /dashboard; a supervisor opens the dashboard; an administrator uploads a directory and verifies
the audit trail, then re-uploads the referred service's source as a full export without it, and the
case worker's tracker flags the open referral to the withdrawn service. The inbox agency turns a
referral down and the case worker refers the person to the next match (the two linked), and another
referral ends with an outcome (service started) and its follow-up is recorded. Every page is checked for labelled fields, same-origin resources, a CSRF field in
every POST form and JavaScript errors, and screenshotted as NN-name.png in --out; a failure names the
step and the page, and saves the page's source beside its screenshot. Last, every page is shown at 1280 px
and at a phone's 390 px (NAME-1280.png, NAME-390.png), and on the phone none may scroll sideways.

Exit status: 0 when every step passed, 1 when one failed, 2 when it could not start (bad arguments,
missing chromium or chromedriver).
"""

import argparse
import base64
import contextlib
import datetime
import json
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import string
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.request
from pathlib import Path

from trellis_scripts.partners import new_secret, write_partners
from trellis_scripts.ports import free_port
from trellis_scripts.processes import Processes as ScriptProcesses, exit_with_parent, processes_naming

REPO = Path(__file__).resolve().parents[2]
DIRECTORIES = ["config/directories/riverbend.airs.xml", "config/directories/riverbend.hsds.json"]
UPLOAD = "config/directories/riverbend.hsds.json"
PARTNER_ID = "browser-agency"

# The person the case worker enters. The age must not leave when demographics is not ticked; 47 is
# looked for as a token of its own (not inside an id, a time or a decimal).
AGE = "47"
AGE_TOKEN = re.compile(r"(?<![\w:.\-/+])47(?![\w:.\-/])")
POSTAL_CODE = "68102"   # downtown Omaha, beside config/profiles/example.json's location
LANGUAGES = "en"
# In km (the profile's max_distance_km). With 4 km a faith-based shelter (St. Brigid, 3.6 km) ranks
# among the first five housing results once the person opts in, beside secular ones.
MAX_DISTANCE = "4"
CONSENT_CATEGORIES = ["contact", "demographics", "needs", "circumstances", "clinical_notes", "substance_use"]
TICKED = {"contact", "needs"}
NEEDS = ["housing", "employment", "faith", "clinical", "peer_support"]
# Pages are screenshotted at a desktop's and a phone's width (NAME-WIDTH.png); at PHONE_MAX px or less
# nothing may scroll sideways.
WIDTHS = (1280, 390)
PHONE_MAX = 480
ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
TERMINAL_NOT_ACCEPTED = {"rejected", "cancelled", "failed", "entered-in-error", "undeliverable"}


class StepFailed(Exception):
    """A check did not hold. The message says what was expected and what was found."""


class FlowTimeout(BaseException):
    """The overall deadline passed. A BaseException, so that no `except Exception` swallows it."""


def fail(message):
    raise StepFailed(message)


def check(condition, message):
    if not condition:
        fail(message)


def letters(n):
    return "".join(secrets.choice(string.ascii_uppercase) for _ in range(n))


def slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "page"


def tail(path, lines=20):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


# ----------------------------------------------------------------------------------------------------
# Processes: every child runs in a session of its own, so that it and whatever it starts stop together,
# and is told to die with this process should it be killed outright (SIGKILL, so no cleanup runs).

class Processes(ScriptProcesses):
    """The scripts' process manager, plus the processes that name this run's scratch directory (the
    servers, chromium and its crash handlers, which run in sessions of their own)."""

    def __init__(self, scratch):
        super().__init__()
        self.scratch = str(scratch)

    def ours(self):
        return processes_naming(self.scratch)

    def stop_all(self):
        self.cleanup()
        for pid, _ in self.ours():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 5
        while self.ours() and time.monotonic() < deadline:
            time.sleep(0.1)
        return self.ours()

    def kill_now(self):
        """For the watchdog: no waiting."""
        super().kill_now()
        for pid, _ in self.ours():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)


# ----------------------------------------------------------------------------------------------------
# JavaScript run in the pages.

JS_NAV_STATUS = """
const n = performance.getEntriesByType('navigation')[0];
return n && typeof n.responseStatus === 'number' ? n.responseStatus : null;
"""

JS_TOO_WIDE = """
const limit = window.innerWidth;
const out = [];
for (const e of document.querySelectorAll('body *')) {
  const r = e.getBoundingClientRect();
  if (r.right > limit + 0.5 && out.length < 8) {
    out.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : '') + ' (right edge ' + Math.round(r.right) + ' px)');
  }
}
return out;
"""

JS_FETCH_STATUS = """
const done = arguments[arguments.length - 1];
fetch(arguments[0], {credentials: 'same-origin', redirect: 'manual'})
  .then(r => done(r.type === 'opaqueredirect' ? 302 : r.status)).catch(e => done(null));
"""

JS_NAME_OF = """
function nameOf(el) {
  const labels = Array.from(el.labels || []).map(l => l.textContent.trim()).filter(Boolean);
  if (labels.length) return labels.join(' ');
  const aria = (el.getAttribute('aria-label') || '').trim();
  if (aria) return aria;
  const by = (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean)
    .map(id => document.getElementById(id)).filter(Boolean).map(e => e.textContent.trim()).join(' ').trim();
  return by;
}
function isField(el) {
  if (!el || !['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName)) return false;
  return !(el.tagName === 'INPUT' && ['hidden', 'submit', 'button', 'reset', 'image'].includes((el.type || '').toLowerCase()));
}
function visible(el) {
  const style = getComputedStyle(el);
  return el.getClientRects().length > 0 && style.visibility !== 'hidden' && style.display !== 'none';
}
function describe(el) {
  const html = el.outerHTML;
  return html.length > 200 ? html.slice(0, 200) + '…' : html;
}
"""

JS_UNLABELLED = JS_NAME_OF + """
return Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(el => isField(el) && visible(el) && !nameOf(el)).map(describe);
"""

JS_FOREIGN = """
const origin = location.origin;
const out = [];
function foreign(raw, what) {
  if (!raw) return;
  let u;
  try { u = new URL(raw, document.baseURI); } catch (e) { out.push(what + ' ' + raw + ' (not a URL)'); return; }
  if (['data:', 'blob:', 'about:', 'javascript:'].includes(u.protocol)) return;
  if (u.origin !== origin) out.push(what + ' ' + u.href);
}
for (const e of performance.getEntriesByType('resource')) foreign(e.name, 'loaded (' + e.initiatorType + ')');
const attrs = [['script[src]', 'src'], ['img[src]', 'src'], ['iframe[src]', 'src'], ['frame[src]', 'src'],
  ['source[src]', 'src'], ['video[src]', 'src'], ['audio[src]', 'src'], ['track[src]', 'src'],
  ['embed[src]', 'src'], ['object[data]', 'data'], ['input[type=image][src]', 'src'],
  ['link[href]:not([rel~=canonical]):not([rel~=alternate])', 'href']];
for (const [sel, attr] of attrs)
  for (const el of document.querySelectorAll(sel)) foreign(el.getAttribute(attr), '<' + el.tagName.toLowerCase() + ' ' + attr + '>');
for (const el of document.querySelectorAll('svg image, svg use')) {
  const raw = el.getAttribute('href') || el.getAttribute('xlink:href');
  if (raw && !raw.startsWith('#')) foreign(raw, '<svg ' + el.tagName + ' href>');
}
for (const f of document.forms) foreign(f.getAttribute('action') || location.href, '<form action>');
return out;
"""

JS_CSRF = """
const out = [];
for (const f of document.forms) {
  if ((f.getAttribute('method') || 'get').toLowerCase() !== 'post') continue;
  const c = f.querySelector('input[type=hidden][name=csrf]');
  if (!c || !c.value) out.push('<form' + (f.id ? ' id=' + f.id : '') + ' action=' + (f.getAttribute('action') || '') + '>');
}
return out;
"""

JS_ACTIVE = JS_NAME_OF + """
const a = document.activeElement, prev = arguments[0];
const form = document.getElementById('profile-form');
return {id: a ? a.id : '', tag: a ? a.tagName.toLowerCase() : '', type: a ? (a.type || '').toLowerCase() : '',
        field: isField(a), name: a ? nameOf(a) : '', in_form: !!(form && a && form.contains(a)),
        after: !prev || !a ? true : !!(prev.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_FOLLOWING),
        html: a ? describe(a) : ''};
"""


# ----------------------------------------------------------------------------------------------------

class Flow:
    def __init__(self, args):
        self.args = args
        self.out = args.out
        self.trellis = str(args.trellis)
        self.scratch = Path(tempfile.mkdtemp(prefix="trellis-browser-"))
        self.db = self.scratch / "trellis.sqlite"
        self.procs = Processes(self.scratch)
        self.env = self._child_env()
        self.step_name = "starting"
        self.passed = 0
        self.shots = 0
        self.driver = None
        self.service = None
        self.base = None
        self.last_url = None
        self.started = time.monotonic()
        self.password = {}
        self.users = {
            "caseworker": ("cw-browser", "ORG-CW", "Casey Browser"),
            "supervisor": ("sup-browser", "ORG-CW", "Sam Browser"),
            "admin": ("admin-browser", "ORG-ADMIN", "Ari Browser"),
        }
        self.notes = []
        self.faith_based = {}   # service id -> faith_based, from `trellis match --json`
        self.inbox_org = None   # the organization that answers in the inbox pages
        self.inbox_service = None
        self.smtp_out = self.scratch / "smtp.jsonl"
        self.dead_proxy = None

    # -- the environment ---------------------------------------------------------------------------

    def _child_env(self):
        # As scripts/run: from the repository root with its config/ folder; the database, keys and
        # checkpoints of this run in its scratch directory. Settings from the caller's environment
        # (TRELLIS_DB, TRELLIS_DATA_KEY, TRELLIS_ZCTA...) would make the run depend on who starts it.
        env = {k: v for k, v in os.environ.items() if not k.startswith("TRELLIS_")}
        env["TRELLIS_CONFIG"] = str(REPO / "config" / "trellis.json")
        for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
            env.pop(k, None)
        return env

    def log(self, message):
        print(f"browser: [{time.monotonic() - self.started:5.1f}s] {message}", flush=True)

    @contextlib.contextmanager
    def step(self, name):
        self.step_name = name
        self.log(name)
        yield
        self.passed += 1

    def run(self, argv, stdin=None, timeout=60):
        proc = subprocess.run([self.trellis, *argv], cwd=REPO, env=self.env, input=stdin, text=True,
                              capture_output=True, timeout=timeout)
        if proc.returncode != 0:
            fail(f"`trellis {' '.join(argv)}` exited {proc.returncode}: {(proc.stderr or proc.stdout).strip()[-800:]}")
        return proc.stdout

    # -- 1. the database -----------------------------------------------------------------------------

    def prepare_database(self):
        with self.step("import the Riverbend directory into a fresh SQLite database"):
            self.run(["directory", "import", *DIRECTORIES, "--db", str(self.db)], timeout=120)
        with self.step("add a case worker, a supervisor and an administrator with passwords"):
            for role, (uid, org, name) in self.users.items():
                self.password[role] = "pw-" + secrets.token_urlsafe(18)  # 27 bytes
                self.run(["user", "add", "--role", role, "--org", org, "--name", name, "--id", uid,
                          "--password-stdin", "--db", str(self.db), "--by", "browser-flow"],
                         stdin=self.password[role] + "\n")

    def organizations(self):
        """Every organization of the imported directory: those the ranking returns, and those stored."""
        orgs = set()
        profile = {"person": {"ref": "P-ORGS", "location": {"postal_code": POSTAL_CODE}},
                   "needs": [{"domain": d} for d in NEEDS],
                   "preferences": {"faith_based": "opt_in", "max_distance_km": 1000, "telehealth_ok": True}}
        path = self.scratch / "all-needs.json"
        path.write_text(json.dumps(profile))
        ranking = json.loads(self.run(["match", "--profile", str(path), "--directory", *DIRECTORIES,
                                       "--limit", "50", "--json"]))
        for need in ranking["matches"]:
            for r in need["results"]:
                orgs.add(r["organization_id"])
                self.faith_based[r["service_id"]] = bool(r.get("faith_based"))
        ranked = len(orgs)
        # The ranking leaves out services its rules exclude; the stored directory has them all.
        try:
            con = sqlite3.connect(str(self.db))
            try:
                orgs.update(row[0] for row in con.execute("SELECT DISTINCT organization_id FROM directory_service"))
            finally:
                con.close()
        except sqlite3.Error as error:
            self.notes.append(f"could not read the stored directory's organizations ({error}); "
                              f"the partner answers for the {ranked} the ranking returned")
        check(orgs, "found no organization in the imported directory")
        return sorted(orgs)

    # -- 2. the servers ------------------------------------------------------------------------------

    def choose_inbox_agency(self):
        """The organization of the second housing match the case worker is shown (after opting in to
        faith-based services): it answers in Trellis's inbox pages instead of through the simulator."""
        profile = {"person": {"ref": "P-INBOX", "age": int(AGE), "languages": [LANGUAGES], "location": {"postal_code": POSTAL_CODE}},
                   "needs": [{"domain": "housing"}, {"domain": "faith"}],
                   "preferences": {"faith_based": "opt_in", "max_distance_km": float(MAX_DISTANCE)}}
        path = self.scratch / "inbox-choice.json"
        path.write_text(json.dumps(profile))
        ranking = json.loads(self.run(["match", "--profile", str(path), "--directory", *DIRECTORIES, "--limit", "5", "--json"]))
        housing = [r for m in ranking["matches"] if m["need"]["domain"] == "housing" for r in m["results"]]
        check(len(housing) >= 2, f"the case worker's profile ranks {len(housing)} housing services; the inbox step needs two")
        first = housing[0]["organization_id"]
        chosen = next((r for r in housing[1:] if r["organization_id"] != first), None)
        check(chosen, "every housing match belongs to one organization; the inbox step needs a second")
        self.inbox_org, self.inbox_service = chosen["organization_id"], chosen["service_id"]
        self.users["agency"] = ("intake-browser", self.inbox_org, "Ida Intake")
        self.password["agency"] = "pw-" + secrets.token_urlsafe(18)
        self.run(["user", "add", "--role", "agency", "--org", self.inbox_org, "--name", "Ida Intake", "--id", "intake-browser",
                  "--notify-email", "intake@inbox-agency.example.org", "--password-stdin", "--db", str(self.db), "--by", "browser-flow"],
                 stdin=self.password["agency"] + "\n")
        self.log(f"inbox agency {self.inbox_org} (service {self.inbox_service})")

    def start_smtp_recorder(self):
        python = REPO / ".venv" / "bin" / "python"
        check(python.exists(), "no .venv/bin/python: run scripts/test, which installs aiosmtpd there")
        log = self.out / "smtp.log"
        # The recorder stops when its standard input closes: this run holds the pipe open until it ends.
        with open(log, "wb", buffering=0) as logf:  # this run's port, not an earlier run's
            recorder = subprocess.Popen([str(python), str(REPO / "scripts" / "lib" / "smtp_recorder.py"), "--out", str(self.smtp_out)],
                                        stdin=subprocess.PIPE, stdout=logf, stderr=subprocess.STDOUT, env=self.env, cwd=REPO,
                                        start_new_session=True)  # a group of its own, as the others: stopped by group
        self.procs.adopt("smtp recorder", recorder)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            found = re.search(r"listening (\d+)", Path(log).read_text(errors="replace"))
            if found:
                return int(found.group(1))
            check(recorder.poll() is None, f"the SMTP recorder exited {recorder.returncode}: {tail(log, 5)}")
            time.sleep(0.1)
        fail("the SMTP recorder did not say where it listens within 20 s; see smtp.log")

    def start_servers(self):
        with self.step("start the SMTP recorder, the partner simulator and `trellis serve`"):
            self.choose_inbox_agency()
            smtp_port = self.start_smtp_recorder()
            self.env.update({"TRELLIS_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}", "TRELLIS_SMTP_FROM": "trellis@county.example.org"})
            orgs = [o for o in self.organizations() if o != self.inbox_org]
            for attempt in range(3):
                if self._start_servers_once(orgs, attempt):
                    return
            fail("`trellis serve` did not start on a free port in 3 attempts; see serve.log")

    def _start_servers_once(self, orgs, attempt):
        port = free_port()
        secret = new_secret()
        sim_log = self.out / "partner-sim.log"
        serve_log = self.out / "serve.log"
        for log in (sim_log, serve_log):
            with open(log, "a") as f:
                f.write(f"--- attempt {attempt + 1}, trellis serve on port {port}\n")
        sim = self.procs.spawn([
            self.trellis, "partner-sim", "--port", "0", "--secret", secret, "--accept-after", "1",
            "--callback", f"http://127.0.0.1:{port}/v1/partners/{PARTNER_ID}/status"], sim_log, env=self.env,
            name="partner-sim", die_with_parent=True)
        endpoint = None
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and endpoint is None:
            text = Path(sim_log).read_text(errors="replace").split(f"serve on port {port}\n")[-1]
            found = re.search(r"listening on (http://127\.0\.0\.1:\d+\S*)", text)
            if found:
                endpoint = found.group(1)
            elif sim.poll() is not None:
                fail(f"the partner simulator exited {sim.returncode}: {tail(sim_log, 5)}")
            else:
                time.sleep(0.1)
        check(endpoint, "the partner simulator did not say where it listens within 20 s; see partner-sim.log")
        partners = self.scratch / "partners.json"
        write_partners(partners, [(PARTNER_ID, orgs, endpoint, secret)], response_deadline_business_days=2)
        entries = json.loads(partners.read_text())
        entries.append({"id": "browser-inbox", "organizations": [self.inbox_org], "delivery": "inbox"})
        partners.write_text(json.dumps(entries))
        self.env["TRELLIS_SMTP_SITE_URL"] = f"http://127.0.0.1:{port}"
        self.log(f"partner simulator at {endpoint}, answering for {len(orgs)} organizations")
        serve = self.procs.spawn([
            self.trellis, "serve", "--db", str(self.db), "--port", str(port), "--partners", str(partners),
            "--backoff-scale", "0.01", "--insecure-cookies"], serve_log, env=self.env,  # plain HTTP on loopback
            name="trellis serve", die_with_parent=True)
        base = f"http://127.0.0.1:{port}"
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        deadline = time.monotonic() + 60
        last = "no answer"
        while time.monotonic() < deadline:
            if serve.poll() is not None:
                log = tail(serve_log, 15)
                self.procs.stop(sim)
                if re.search(r"address already in use|bind", log, re.I):
                    return False
                fail(f"`trellis serve` exited {serve.returncode} before it was ready:\n{log}")
            try:
                with opener.open(f"{base}/readyz", timeout=2) as answer:
                    if answer.status == 200:
                        self.base = base
                        self.log(f"trellis serve ready at {base}")
                        return True
            except urllib.error.HTTPError as error:
                last = f"HTTP {error.code}: {error.read()[:300].decode(errors='replace')}"
            except (urllib.error.URLError, OSError) as error:
                last = str(error)
            time.sleep(0.2)
        fail(f"GET {base}/readyz did not answer 200 within 60 s (last: {last}); see serve.log")

    # -- 3. the browser ------------------------------------------------------------------------------

    def start_browser(self):
        with self.step("start headless chromium through chromedriver"):
            from selenium import webdriver
            from selenium.webdriver.chrome.service import Service

            chromium = shutil.which("chromium")
            chromedriver = shutil.which("chromedriver")
            check(chromium and chromedriver, "chromium or chromedriver is not installed: run scripts/setup "
                  "(Debian's chromium and chromium-driver packages)")
            # Anything but 127.0.0.1 goes to a local port that refuses connections (chromium's own
            # background requests too), and names other than 127.0.0.1 do not resolve: the browser
            # reaches only this machine.
            self.dead_proxy = socket.socket()
            self.dead_proxy.bind(("127.0.0.1", 0))
            dead = self.dead_proxy.getsockname()[1]
            options = webdriver.ChromeOptions()
            options.binary_location = chromium
            setpriv = shutil.which("setpriv")
            if setpriv:  # chromium dies with chromedriver, which dies with this process, even on SIGKILL
                launcher = self.scratch / "chromium"
                launcher.write_text(f'#!/bin/sh\nexec {setpriv} --pdeathsig KILL {chromium} "$@"\n')
                launcher.chmod(0o755)
                options.binary_location = str(launcher)
            for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000",
                         f"--user-data-dir={self.scratch / 'chromium-profile'}",
                         f"--proxy-server=http://127.0.0.1:{dead}", "--proxy-bypass-list=127.0.0.1",
                         "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         "--disable-extensions", "--disable-default-apps", "--no-first-run",
                         "--no-default-browser-check", "--disable-breakpad", "--lang=en-US",
                         "--force-webrtc-ip-handling-policy=disable_non_proxied_udp"]:
                options.add_argument(flag)
            options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
            env = dict(self.env, XDG_CONFIG_HOME=str(self.scratch / "xdg-config"),
                       XDG_CACHE_HOME=str(self.scratch / "xdg-cache"), SE_OFFLINE="true")
            # Service(executable_path=...) keeps selenium-manager from looking for (or downloading) anything.
            self.service = Service(executable_path=chromedriver, log_output=str(self.out / "chromedriver.log"),
                                   env=env, popen_kw={"start_new_session": True, "preexec_fn": exit_with_parent})
            try:
                self.driver = webdriver.Chrome(options=options, service=self.service)
            finally:
                self.procs.adopt("chromedriver", getattr(self.service, "process", None))
            self.driver.set_page_load_timeout(30)
            self.driver.set_script_timeout(10)
            self.driver.implicitly_wait(0)
            self.log(f"chromium {self.driver.capabilities.get('browserVersion', '?')}")

    # -- page helpers --------------------------------------------------------------------------------

    def current_url(self):
        if self.driver is None:
            return self.last_url or self.base or "(no page)"
        try:
            self.last_url = self.driver.current_url
        except Exception:
            pass
        return self.last_url or "(no page)"

    def shot(self, name):
        """The whole page (up to 12,000 px tall), not only the window."""
        self.shots += 1
        return self.capture(self.out / f"{self.shots:02d}-{slug(name)}.png")

    def capture(self, path):
        try:
            size = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
            clip = {"x": 0, "y": 0, "width": max(1, min(size["width"], 4000)),
                    "height": max(1, min(size["height"], 12000)), "scale": 1}
            data = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
                "format": "png", "captureBeyondViewport": True, "clip": clip})["data"]
            path.write_bytes(base64.b64decode(data))
        except Exception:
            self.driver.save_screenshot(str(path))
        return path

    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def path(self):
        from urllib.parse import urlsplit
        return urlsplit(self.current_url()).path

    def wait(self, condition, timeout, message):
        from selenium.common.exceptions import (NoSuchElementException, StaleElementReferenceException,
                                                TimeoutException, WebDriverException)
        from selenium.webdriver.support.ui import WebDriverWait

        def settled(driver):
            # While a navigation replaces the document (going back, a form's answer), chromium may
            # answer a lookup about a node of the old one with this inspector error: not yet, not a failure.
            try:
                return condition(driver)
            except WebDriverException as error:
                if "does not belong to the document" in str(error):
                    return False
                raise
        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=0.1,
                                 ignored_exceptions=(NoSuchElementException, StaleElementReferenceException)
                                 ).until(settled)
        except TimeoutException:
            fail(message)

    def wait_ready(self):
        self.wait(lambda d: d.execute_script("return document.readyState") == "complete", 30,
                  "the page did not finish loading within 30 s")

    def one(self, css, within=None, what=None):
        from selenium.webdriver.common.by import By
        found = (within or self.driver).find_elements(By.CSS_SELECTOR, css)
        check(found, f"no element matches {css}" + (f" ({what})" if what else ""))
        return found[0]

    def all(self, css, within=None):
        from selenium.webdriver.common.by import By
        return (within or self.driver).find_elements(By.CSS_SELECTOR, css)

    def text_of(self, element):
        return (element.get_attribute("textContent") or "").strip()

    def status(self):
        return self.js(JS_NAV_STATUS)

    def checked_page(self, name, expect=(200,)):
        """Screenshot the page, then check its answer, labels, resources, CSRF fields and scripts."""
        self.wait_ready()
        self.shot(name)
        url = self.current_url()
        status = self.status()
        if expect and status is not None and status not in expect:
            fail(f"{url} answered HTTP {status}, expected {' or '.join(map(str, expect))}")
        unlabelled = self.js(JS_UNLABELLED)
        check(not unlabelled, "fields without a label (no <label> and no aria-label):\n  " + "\n  ".join(unlabelled))
        foreign = self.js(JS_FOREIGN)
        check(not foreign, "resources from another origin than " + self.base + ":\n  " + "\n  ".join(foreign))
        missing = self.js(JS_CSRF)
        check(not missing, "POST forms without a hidden input name=csrf:\n  " + "\n  ".join(missing))
        self.console(url)
        return status

    def console(self, url):
        try:
            entries = self.driver.get_log("browser")
        except Exception:
            return
        errors = [e for e in entries if e.get("level") == "SEVERE" and e.get("source") == "javascript"]
        check(not errors, "JavaScript errors:\n  " + "\n  ".join(e.get("message", "") for e in errors))
        for e in entries:
            if e.get("level") == "SEVERE" and e.get("source") != "javascript":
                message = e.get("message", "")
                if e.get("source") == "network" and "http" in message and self.base not in message:
                    fail(f"the page tried to load from another origin: {message}")
                self.log(f"  console ({e.get('source')}): {message[:200]}")

    def visit(self, path, name, expect=(200,)):
        self.last_url = self.base + path
        self.driver.get(self.base + path)
        return self.checked_page(name, expect)

    def click_and_load(self, element, what, timeout=20):
        """Click something that loads a new page, and wait until it has."""
        from selenium.webdriver.support import expected_conditions as EC
        old = self.one("html")
        self.click(element)
        self.wait(EC.staleness_of(old), timeout, f"clicking {what} did not load a page within {timeout} s")
        self.wait_ready()

    def click(self, element):
        from selenium.common.exceptions import ElementClickInterceptedException, ElementNotInteractableException
        try:
            element.click()
        except (ElementClickInterceptedException, ElementNotInteractableException):
            self.js("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", element)

    def set_checkbox(self, css, ticked):
        box = self.one(css)
        check((box.get_attribute("type") or "").lower() == "checkbox", f"{css} is not a checkbox")
        if box.is_selected() != ticked:
            self.click(box)
        check(box.is_selected() == ticked, f"could not {'tick' if ticked else 'untick'} {css}")

    def type_into(self, css, value):
        element = self.one(css)
        element.clear()
        element.send_keys(value)
        return element

    def select(self, css, value):
        from selenium.webdriver.support.ui import Select
        chooser = Select(self.one(css))
        values = [(o.get_attribute("value") or "", o.text.strip()) for o in chooser.options]
        for v, label in values:
            if v.lower() == value.lower():
                chooser.select_by_value(v)
                return
        for v, label in values:
            if label.lower() == value.lower():
                chooser.select_by_visible_text(label)
                return
        fail(f"{css} has no option {value!r}; it has {values}")

    def options_of(self, css):
        from selenium.webdriver.support.ui import Select
        return [(o.get_attribute("value") or "", o.text.strip()) for o in Select(self.one(css)).options]

    # -- the flow ------------------------------------------------------------------------------------

    def sign_in(self, role, first_wrong=False):
        uid = self.users[role][0]
        with self.step(f"{role}: the sign-in page"):
            self.driver.delete_all_cookies()
            self.visit("/sign-in", f"sign-in-{role}")
            form = self.one("form#sign-in-form")
            for css, name in (("input#username", "username"), ("input#password", "password")):
                field = self.one(css, form)
                check(field.get_attribute("name") == name, f"{css} has name={field.get_attribute('name')!r}, expected {name!r}")
            check((self.one("input#password", form).get_attribute("type") or "").lower() == "password",
                  "input#password is not type=password")
            self.one("button#sign-in-button", form)
        if first_wrong:
            with self.step(f"{role}: a wrong password is refused with an alert"):
                self.type_into("input#username", uid)
                self.type_into("input#password", "not-the-password-" + letters(6))
                self.click_and_load(self.one("button#sign-in-button"), "button#sign-in-button")
                self.checked_page(f"sign-in-{role}-wrong-password", expect=(200, 400, 401, 403, 422))
                alert = self.all("[role=alert]")
                check(alert and self.text_of(alert[0]), "no [role=alert] with a message after a wrong password")
                check(self.all("form#sign-in-form"), "the sign-in form is not shown again after a wrong password")
                check(not self.all("form#sign-out-form"), "a wrong password signed in (form#sign-out-form is shown)")
        with self.step(f"{role}: sign in"):
            self.type_into("input#username", uid)
            self.type_into("input#password", self.password[role])
            self.click_and_load(self.one("button#sign-in-button"), "button#sign-in-button")
            alerts = [self.text_of(a) for a in self.all("[role=alert]")]
            check(self.path() != "/sign-in", f"still on /sign-in after the right password; alerts: {alerts}")
            if role == "caseworker":
                check(self.path() == "/", f"signing in went to {self.path()}, expected /")
                self.checked_page(f"{role}-home")
                self.one("form#sign-out-form button#sign-out-button", what="the header's sign-out button")
            else:  # / is the case worker's page: another role may land on a 403 there
                self.checked_page(f"{role}-home", expect=(200, 403))

    def sign_out(self, role, home):
        with self.step(f"{role}: sign out"):
            if not self.all("form#sign-out-form button#sign-out-button"):  # e.g. a bare 403 page
                self.visit(home, f"{role}-before-sign-out")
            self.click_and_load(self.one("form#sign-out-form button#sign-out-button"), "button#sign-out-button")
            self.checked_page(f"{role}-signed-out")
            self.visit("/", f"{role}-after-sign-out", expect=None)
            check(not self.all("form#sign-out-form") and not self.all("form#profile-form"),
                  "GET / still shows a signed-in page after signing out")

    def fill_profile_by_keyboard(self, ref):
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.keys import Keys

        values = {"person-ref": ref, "age": AGE, "postal-code": POSTAL_CODE, "languages": LANGUAGES,
                  "max-distance": MAX_DISTANCE}
        boxes = {f"need-{n}": n == "housing" for n in NEEDS}
        boxes["faith-opt-in"] = False
        filled = set()

        def keys(*sequence):
            ActionChains(self.driver).send_keys(*sequence).perform()

        def replace_text(value):  # select what the field holds, type over it
            ActionChains(self.driver).key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL).perform()
            keys(Keys.DELETE)
            keys(value)

        first = self.one("form#profile-form input#person-ref")
        self.js("arguments[0].focus()", first)
        here = self.js(JS_ACTIVE, None)
        check(here["id"] == "person-ref", f"#person-ref did not take the focus (the focus is on {here['html']})")
        replace_text(ref)
        filled.add("person-ref")
        previous = first
        for n in range(40):
            keys(Keys.TAB)
            now = self.js(JS_ACTIVE, previous)
            where = f"after {n + 1} TAB(s) from #person-ref the focus is on {now['html'] or 'nothing'}"
            if n == 0:
                check(now["field"] and now["in_form"],
                      f"TAB from #person-ref did not move to the next field of form#profile-form: {where}")
            if not now["in_form"]:
                break
            check(now["after"], f"the tab order goes backwards: {where}")
            if now["field"]:
                check(now["name"], f"a field reached by TAB has no label: {where}")
            active = self.driver.switch_to.active_element
            if now["id"] in values and now["id"] not in filled:
                replace_text(values[now["id"]])
                filled.add(now["id"])
            elif now["id"] in boxes and now["type"] == "checkbox" and now["id"] not in filled:
                if active.is_selected() != boxes[now["id"]]:
                    keys(Keys.SPACE)
                check(active.is_selected() == boxes[now["id"]], f"SPACE did not toggle #{now['id']}")
                filled.add(now["id"])
            if now["id"] == "find-services" or filled >= set(values) | set(boxes):
                break
            previous = active
        by_keyboard = sorted(filled)
        for field, value in values.items():
            if field not in filled:
                self.type_into(f"#{field}", value)
        for box, ticked in boxes.items():
            self.set_checkbox(f"#{box}", ticked)
        for field, value in values.items():
            got = self.one(f"#{field}").get_attribute("value")
            check(got == value, f"#{field} holds {got!r} after typing {value!r}")
        return by_keyboard

    def fill_profile_again(self, ref, faith):
        values = {"person-ref": ref, "age": AGE, "postal-code": POSTAL_CODE, "languages": LANGUAGES,
                  "max-distance": MAX_DISTANCE}
        for field, value in values.items():
            self.type_into(f"form#profile-form #{field}", value)
        for n in NEEDS:
            self.set_checkbox(f"#need-{n}", n == "housing" or (faith and n == "faith"))
        self.set_checkbox("#faith-opt-in", faith)

    def results(self):
        """[(section domain, service id, faith?)] in page order."""
        out = []
        for section in self.all("section.need[data-domain]"):
            domain = section.get_attribute("data-domain")
            for article in self.all("article.match", section):
                classes = (article.get_attribute("class") or "").split()
                out.append((domain, article.get_attribute("data-service-id") or "", "faith" in classes))
        return out

    def check_results(self, label):
        housing = self.all("section.need[data-domain=housing]")
        check(housing, f"no section.need[data-domain=housing] on the matches page ({label})")
        check(self.all("article.match[data-service-id]", housing[0]),
              f"no article.match[data-service-id] in the housing section ({label})")
        stray = self.js("return Array.from(document.querySelectorAll('article.match'))"
                        ".filter(a => !a.closest('section.need[data-domain]')).length")
        check(stray == 0, f"{stray} article.match outside any section.need[data-domain] ({label})")
        for article in self.all("article.match"):
            sid = article.get_attribute("data-service-id")
            check(sid, "an article.match without data-service-id")
            form = self.all("form.refer", article)
            check(form and self.all("button.refer-button", form[0]),
                  f"article.match[data-service-id={sid}] has no form.refer with a button.refer-button")
        rows = self.results()
        for domain, sid, faith in rows:
            known = self.faith_based.get(sid)
            if known is not None:
                check(known == faith, f"{sid} in the {domain} section is {'' if known else 'not '}faith-based in the "
                      f"directory but {'has' if faith else 'lacks'} class .faith ({label})")
        return rows

    def case_worker(self):
        self.sign_in("caseworker", first_wrong=True)
        ref = "P-BROWSER-" + letters(8)
        note = "Browser flow note " + letters(10)

        with self.step("case worker: fill the needs profile, the first fields by keyboard"):
            self.one("form#profile-form")
            action = self.one("form#profile-form").get_attribute("action") or ""
            method = (self.one("form#profile-form").get_attribute("method") or "").lower()
            check(method == "post" and action.rstrip("/").endswith("/matches"),
                  f"form#profile-form is method={method!r} action={action!r}, expected POST /matches")
            by_keyboard = self.fill_profile_by_keyboard(ref)
            self.log(f"  by keyboard: {', '.join(by_keyboard)}")
            check({"person-ref", "age"} <= set(by_keyboard),
                  f"only {by_keyboard} were reached by TAB from #person-ref; #age was not")
            self.shot("home-profile-filled")

        with self.step("case worker: matches for housing, no faith-based result without opt-in"):
            self.click_and_load(self.one("button#find-services"), "button#find-services")
            self.checked_page("matches")
            rows = self.check_results("no opt-in")
            faith = [sid for _, sid, f in rows if f]
            check(not faith, f"faith-based results without the person's opt-in: {faith}")

        with self.step("case worker: back, opt in to faith-based services and ask for faith support too"):
            self.driver.back()
            self.wait(lambda d: d.find_elements("css selector", "form#profile-form"), 20,
                      "going back did not show form#profile-form again")
            self.checked_page("home-back")
            self.fill_profile_again(ref, faith=True)
            self.click_and_load(self.one("button#find-services"), "button#find-services")
            self.checked_page("matches-faith-opt-in")
            rows = self.check_results("opt-in")
            check(any(f for _, _, f in rows), "no .faith result after opting in and asking for faith support")
            self.check_faith_beside_others(ref, rows)

        with self.step("case worker: refer to the first housing match"):
            housing = self.one("section.need[data-domain=housing]")
            first = self.one("article.match", housing)
            service = first.get_attribute("data-service-id")
            self.log(f"  referring to {service}")
            self.click_and_load(self.one("form.refer button.refer-button", first), "the first housing refer-button")
            self.checked_page("send-referral")
            self.one("form#referral-form")

        with self.step("case worker: consent to contact and needs only, and preview what leaves"):
            for category in CONSENT_CATEGORIES:
                self.set_checkbox(f"form#referral-form input#category-{category}", category in TICKED)
            self.select("select#consent-method", "verbal")
            self.type_into("textarea#note", note)
            old = self.one("html")
            self.click(self.one("button#preview-button"))
            preview = self.wait(lambda d: (lambda p: p if p and self.text_of(p[0]) else None)(
                d.find_elements("css selector", "pre#disclosure-preview")), 20,
                "pre#disclosure-preview did not appear with text within 20 s of clicking #preview-button")[0]
            reloaded = False
            try:
                old.tag_name
            except Exception:
                reloaded = True
            self.checked_page("send-referral-preview")
            preview = self.one("pre#disclosure-preview")
            text = self.text_of(preview)
            (self.out / "disclosure-preview.txt").write_text(text + "\n")
            check(text, "pre#disclosure-preview is empty")
            hit = AGE_TOKEN.search(text)
            check(not hit, f"the preview shows the age {AGE} though demographics is not ticked: "
                  f"…{text[max(0, hit.start() - 80):hit.end() + 80] if hit else ''}…")
            check(note not in text, "the preview carries the case worker's note though clinical_notes is not ticked")
            check(ref in text, f"the preview lacks the person's reference {ref}, which always goes")
            check(re.search(r"housing", text, re.I), "the preview does not mention the housing need though needs is ticked")
            # What the preview showed must be what is sent: the choices must survive it.
            for category in CONSENT_CATEGORIES:
                box = self.one(f"input#category-{category}")
                check(box.is_selected() == (category in TICKED),
                      f"after the preview{' (a new page)' if reloaded else ''} #category-{category} is "
                      f"{'ticked' if box.is_selected() else 'not ticked'}")
            from selenium.webdriver.support.ui import Select
            method = Select(self.one("select#consent-method")).first_selected_option.get_attribute("value")
            check((method or "").lower() == "verbal", f"after the preview the consent method is {method!r}")

        with self.step("case worker: send the referral"):
            self.click_and_load(self.one("button#send-button"), "button#send-button")
            self.wait(lambda d: re.fullmatch(r"/referrals/[^/]+", self.path()), 10,
                      f"sending went to {self.path()}, expected /referrals/{{id}}")
            referral = self.path().rsplit("/", 1)[1]
            self.checked_page("referral")
            self.log(f"  referral {referral}")
            self.referred = (referral, service)
            self.one("#referral-status")
            self.one("ol#timeline")

        with self.step("case worker: the simulated agency accepts (reloading every second, 40 s at most)"):
            deadline = time.monotonic() + 40
            status = ""
            while True:
                found = self.all("#referral-status")
                status = self.text_of(found[0]).lower() if found else "(no #referral-status)"
                if status == "accepted":
                    break
                check(status not in TERMINAL_NOT_ACCEPTED, f"the referral became {status!r}, not accepted")
                if time.monotonic() > deadline:
                    timeline = " | ".join(self.text_of(li) for li in self.all("ol#timeline li"))
                    fail(f"#referral-status still reads {status!r} after 40 s; timeline: {timeline}; "
                         "see partner-sim.log and serve.log")
                time.sleep(1)
                self.driver.refresh()
                self.wait_ready()
            self.checked_page("referral-accepted")
            entries = self.all("ol#timeline li")
            check(len(entries) >= 2, f"ol#timeline has {len(entries)} entries once accepted, expected the request and the acceptance")

        with self.step("case worker: the tracker lists the referral as accepted"):
            self.visit("/referrals", "tracker")
            self.one("table#referrals")
            row = self.tracker_row(referral)
            check(row, f"no tr[data-referral-id={referral}] in table#referrals tbody")
            cell = self.all("td.status", row)
            check(cell and self.text_of(cell[0]).lower() == "accepted",
                  f"the referral's td.status reads {self.text_of(cell[0]) if cell else '(no td.status)'!r}, expected accepted")
            self.one("form#filters select#agency-filter")

        with self.step("case worker: the tracker's status filter"):
            self.filter_status("accepted")
            self.checked_page("tracker-accepted")
            check(self.tracker_row(referral), "the accepted referral is missing when filtering on accepted")
            others = [self.text_of(c) for c in self.all("table#referrals tbody tr[data-referral-id] td.status")
                      if self.text_of(c).lower() != "accepted"]
            check(not others, f"filtering on accepted shows rows of status {others}")
            choices = [v for v, _ in self.options_of("select#status-filter")
                       if v and v.lower() not in ("accepted", "all", "any")]
            check(choices, f"select#status-filter offers no status but accepted: {self.options_of('select#status-filter')}")
            other = "requested" if "requested" in choices else choices[0]
            self.filter_status(other)
            self.checked_page(f"tracker-{other}")
            check(not self.tracker_row(referral), f"the accepted referral is listed when filtering on {other}")

        with self.step("case worker: /admin and /dashboard are refused"):
            for path in ("/admin", "/dashboard"):
                status = self.visit(path, f"caseworker{path.replace('/', '-')}", expect=None)
                if status is None:
                    status = self.driver.execute_async_script(JS_FETCH_STATUS, self.base + path)
                check(status in (403, 404), f"a case worker's GET {path} answered {status}, expected 403 or 404")
        self.sign_out("caseworker", "/")

    def check_faith_beside_others(self, ref, rows):
        """Faith-based results are ranked among the others of their need, not set apart. When the
        ranking puts a faith-based service among the housing results shown, it must be there, marked
        .faith, beside secular ones."""
        shown = [sid for domain, sid, _ in rows if domain == "housing"]
        profile = {"person": {"ref": ref, "age": int(AGE), "languages": [LANGUAGES], "location": {"postal_code": POSTAL_CODE}},
                   "needs": [{"domain": "housing"}, {"domain": "faith"}],
                   "preferences": {"faith_based": "opt_in", "max_distance_km": float(MAX_DISTANCE)}}
        path = self.scratch / "opt-in.json"
        path.write_text(json.dumps(profile))
        ranking = json.loads(self.run(["match", "--profile", str(path), "--directory", *DIRECTORIES,
                                       "--limit", str(max(1, len(shown))), "--json"]))
        expected = [r for m in ranking["matches"] if m["need"]["domain"] == "housing" for r in m["results"]]
        faith_expected = [r["service_id"] for r in expected if r.get("faith_based")]
        mixed = {}
        for domain, sid, faith in rows:
            mixed.setdefault(domain, set()).add(faith)
        for domain, kinds in mixed.items():
            if True in kinds and domain != "faith":
                check(False in kinds, f"the {domain} section holds only faith-based results")
        if faith_expected:
            missing = [sid for sid in faith_expected if sid not in shown]
            check(not missing, f"`trellis match` ranks the faith-based {missing} among the first {len(shown)} housing "
                  f"results for this profile, but the housing section shows {shown}")
            check(mixed.get("housing") == {True, False},
                  "no .faith result shares the housing section with a non-faith result")
        else:
            self.notes.append(f"no faith-based service ranks among the {len(shown)} housing results shown, so the "
                              "check that faith-based results sit beside secular ones had nothing to check")

    def tracker_row(self, referral):
        return next((r for r in self.all("table#referrals tbody tr[data-referral-id]")
                     if r.get_attribute("data-referral-id") == referral), None)

    def filter_status(self, value):
        from selenium.webdriver.support import expected_conditions as EC
        from selenium.common.exceptions import TimeoutException
        from selenium.webdriver.support.ui import WebDriverWait
        old = self.one("html")
        self.select("form#filters select#status-filter", value)
        try:  # a page may submit the filter when it changes
            WebDriverWait(self.driver, 1.5, poll_frequency=0.1).until(EC.staleness_of(old))
        except TimeoutException:
            form = self.one("form#filters")
            buttons = self.all("button[type=submit], button:not([type]), input[type=submit]", form)
            if buttons:
                self.click(buttons[0])
            else:
                self.js("arguments[0].requestSubmit()", form)
            self.wait(EC.staleness_of(old), 20, f"filtering on {value} did not load a page within 20 s")
        self.wait_ready()

    def notices(self):
        if not self.smtp_out.exists():
            return []
        return [json.loads(line) for line in self.smtp_out.read_text().splitlines() if line.strip()]

    def inbox_agency(self):
        """An agency without a system of its own: the case worker refers to it, it is told by e-mail
        (with nothing of the person), signs in, sees exactly what the consent allowed, accepts, and
        later completes with an outcome; the case worker's tracker shows it."""
        self.sign_in("caseworker")
        ref = "P-INBOX-" + letters(8)
        with self.step("case worker: refer a second person to the inbox agency"):
            self.fill_profile_again(ref, faith=True)
            self.click_and_load(self.one("button#find-services"), "button#find-services")
            self.checked_page("matches-for-inbox")
            article = next((a for a in self.all("section.need[data-domain=housing] article.match")
                            if a.get_attribute("data-service-id") == self.inbox_service), None)
            check(article, f"the housing matches do not show {self.inbox_service}, which `trellis match` ranks second")
            self.click_and_load(self.one("form.refer button.refer-button", article), "the inbox agency's refer-button")
            self.checked_page("send-referral-inbox")
            check(self.all("#inbox-recipient"), "the referral page does not say the agency answers in Trellis's inbox")
            check(not self.all("#no-recipient"), "the referral page says nobody can receive it")
            for category in CONSENT_CATEGORIES:
                self.set_checkbox(f"form#referral-form input#category-{category}", category in TICKED)
            self.click_and_load(self.one("button#send-button"), "button#send-button")
            self.wait(lambda d: re.fullmatch(r"/referrals/[^/]+", self.path()), 10, f"sending went to {self.path()}")
            referral = self.path().rsplit("/", 1)[1]
            self.checked_page("referral-to-inbox")
            check(self.text_of(self.one("#referral-status")).lower() == "requested", "the inbox referral is not requested")
        self.sign_out("caseworker", "/")

        with self.step("inbox agency: the notice arrives by e-mail, naming the agency and nothing of the person"):
            deadline = time.monotonic() + 60
            while not self.notices() and time.monotonic() < deadline:
                time.sleep(0.5)
            mail = self.notices()
            check(mail, "no notice reached the SMTP recorder within 60 s; see serve.log and smtp.log")
            check(mail[0]["rcpt_tos"] == ["intake@inbox-agency.example.org"], f"the notice went to {mail[0]['rcpt_tos']}")
            raw = mail[0]["raw"]
            (self.out / "notice.eml").write_text(raw)
            check("/inbox" in raw and "A referral is waiting for" in raw, "the notice does not say a referral waits, with the inbox link")
            for secret in (ref, referral, "housing"):
                check(secret not in raw, f"the notice carries {secret!r}")

        self.sign_in("agency")
        with self.step("inbox agency: the inbox lists the referral, new"):
            check(self.path() == "/inbox", f"the agency user landed on {self.path()}, expected /inbox")
            self.checked_page("inbox")
            row = next((r for r in self.all("table#inbox-waiting tbody tr[data-referral-id]")
                        if r.get_attribute("data-referral-id") == referral), None)
            check(row, f"table#inbox-waiting has no row for {referral}")
            check(self.all(".badge.new", row), "the referral is not marked new")
        with self.step("inbox agency: the referral shows what the consent allowed and nothing else"):
            self.visit(f"/inbox/{referral}", "inbox-referral")
            self.one("section#disclosure")
            check(self.all("#needs"), "the consented needs are not shown")
            check(not self.all("#demographics"), "demographics are shown though not consented")
            text = self.text_of(self.one("section#disclosure"))
            check(not AGE_TOKEN.search(text), "the age is shown though demographics were not consented")
        with self.step("inbox agency: accept, then start, then complete with an outcome"):
            for status, extra in (("accepted", {}), ("in-progress", {}), ("completed", {"answer-outcome": "service_started"})):
                self.click(self.one(f"input#answer-{status}"))
                for css, value in extra.items():
                    self.select(f"select#{css}", value)
                self.click_and_load(self.one("button#answer-button"), "button#answer-button")
                self.checked_page(f"inbox-referral-{status}")
                shown = self.text_of(self.one("#referral-status")).lower()
                check(shown == status, f"after answering {status} the referral reads {shown!r}")
            timeline = " | ".join(self.text_of(li) for li in self.all("ol#timeline li"))
            check("Service started" in timeline, f"the outcome is not in the history: {timeline}")
        self.sign_out("agency", "/inbox")

        self.sign_in("caseworker")
        with self.step("case worker: the tracker shows the inbox referral completed"):
            self.visit("/referrals", "tracker-after-inbox")
            row = self.tracker_row(referral)
            check(row, f"no tr[data-referral-id={referral}] in the tracker")
            cell = self.all("td.status", row)
            check(cell and self.text_of(cell[0]).lower() == "completed", "the tracker does not show it completed")
        self.sign_out("caseworker", "/")

    def refer_to_inbox_agency(self, ref, name):
        """The case worker (signed in) ranks a new person's housing need and refers them to the inbox agency."""
        self.visit("/", f"home-{name}")
        self.fill_profile_again(ref, faith=False)
        self.click_and_load(self.one("button#find-services"), "button#find-services")
        self.checked_page(f"matches-{name}")
        article = next((a for a in self.all("section.need[data-domain=housing] article.match")
                        if a.get_attribute("data-service-id") == self.inbox_service), None)
        check(article, f"the housing matches do not show {self.inbox_service}")
        self.click_and_load(self.one("form.refer button.refer-button", article), "the inbox agency's refer-button")
        for category in CONSENT_CATEGORIES:
            self.set_checkbox(f"form#referral-form input#category-{category}", category in TICKED)
        self.click_and_load(self.one("button#send-button"), "button#send-button")
        self.wait(lambda d: re.fullmatch(r"/referrals/[^/]+", self.path()), 10, f"sending went to {self.path()}")
        self.checked_page(f"referral-{name}")
        return self.path().rsplit("/", 1)[1]

    def answer_in_inbox(self, referral, answers, name):
        """The agency user (signed in) answers: each (radio value, {select or input id: value})."""
        self.visit(f"/inbox/{referral}", f"inbox-{name}")
        for value, fields in answers:
            self.click(self.one(f"input#answer-{value}"))
            for css, text in fields.items():
                if css.startswith("answer-text"):
                    self.type_into(f"input#{css}", text)
                else:
                    self.select(f"select#{css}", text)
            self.click_and_load(self.one("button#answer-button"), "button#answer-button")
            self.checked_page(f"inbox-{name}-{value}")
            alerts = [self.text_of(a) for a in self.all("[role=alert]")]
            check(not alerts, f"answering {value} was refused: {alerts}")

    def next_match_and_outcome(self):
        """The inbox agency turns a referral down for no capacity; the case worker's tracker flags it, the
        referral page offers the next matches (the agency last) and one click refers the person there,
        the two linked. Another referral the agency tries to reach, then completes with "service
        started": the case worker sees the outcome and the follow-up date, and records the follow-up."""
        self.sign_in("caseworker")
        with self.step("next match: refer two more people to the inbox agency"):
            turned_down = self.refer_to_inbox_agency("P-NEXT-" + letters(8), "next-match-first")
            started = self.refer_to_inbox_agency("P-OUTCOME-" + letters(8), "outcome")
        self.sign_out("caseworker", "/")

        self.sign_in("agency")
        with self.step("next match: the agency turns the first down for no capacity"):
            self.answer_in_inbox(turned_down, [("rejected", {"answer-reason": "no_capacity"})], "turned-down")
            shown = self.text_of(self.one("#referral-status")).lower()
            check(shown == "rejected", f"after turning it down the referral reads {shown!r}")
        with self.step("outcome: the agency accepts, tries to reach the person, starts and completes with service started"):
            self.answer_in_inbox(started, [("accepted", {}), ("contact_attempted", {}), ("completed", {"answer-outcome": "service_started",
                                                                                                      "answer-text": "first session booked"})],
                                 "outcome")
            timeline = " | ".join(self.text_of(li) for li in self.all("ol#timeline li"))
            check("Contact attempted" in timeline and "Service started: first session booked" in timeline,
                  f"the contact attempt and the outcome are not in the history: {timeline}")
        self.sign_out("agency", "/inbox")

        self.sign_in("caseworker")
        with self.step("next match: the tracker flags the rejection as needing a next step"):
            self.visit("/referrals", "tracker-next-step")
            row = self.tracker_row(turned_down)
            check(row and self.all(".next-step-flag", row), f"the tracker does not flag {turned_down} as needing a next step")
        with self.step("next match: the referral page offers the next matches, the rejecting agency last"):
            self.visit(f"/referrals/{turned_down}", "referral-turned-down")
            check("No capacity" in self.text_of(self.one("section#outcome")), "the page does not show the outcome")
            matches = self.all("section#next-matches article.match")
            check(matches, "section#next-matches offers no service")
            first = matches[0].get_attribute("data-service-id")
            check(first != self.inbox_service, "the agency that turned the person down is offered first")
            self.click_and_load(self.one("form.refer button.next-match-button", matches[0]), "the first next-match-button")
            self.checked_page("send-next-match")
            self.one("#next-match-of", what="the note that this is the next match")
            for category in CONSENT_CATEGORIES:
                self.set_checkbox(f"form#referral-form input#category-{category}", category in TICKED)
            self.click_and_load(self.one("button#send-button"), "button#send-button")
            self.wait(lambda d: re.fullmatch(r"/referrals/[^/]+", self.path()), 10, f"sending went to {self.path()}")
            following = self.path().rsplit("/", 1)[1]
            self.checked_page("referral-next-match")
            link = self.one("section#chain a#previous-referral")
            check(link.get_attribute("href").endswith(f"/referrals/{turned_down}"), "the new referral does not link to the first")
            self.visit(f"/referrals/{turned_down}", "referral-turned-down-linked")
            link = self.one("section#chain a#next-referral")
            check(link.get_attribute("href").endswith(f"/referrals/{following}"), "the first referral does not link to the next")
            check(not self.all("section#next-matches"), "next matches are still offered after referring again")
        with self.step("outcome: the case worker sees service started and the follow-up date, and records the follow-up"):
            self.visit(f"/referrals/{started}", "referral-outcome")
            check("Service started" in self.text_of(self.one("section#outcome")), "the page does not show the outcome")
            check("contact attempted (1 time)" in self.text_of(self.one("#contact-attempts")), "the contact attempt is not counted")
            day = self.text_of(self.one("#follow-up-on"))
            # A day in words in the county's zone ("Wed 6 Jan", with the year outside this one), 30 days on.
            check(re.fullmatch(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)( \d{4})?", day),
                  f"the follow-up date reads {day!r}")
            self.type_into("input#follow-up-note", "checked in by phone")
            self.click_and_load(self.one("button#follow-up-button"), "button#follow-up-button")
            self.checked_page("referral-follow-up-done")
            self.one("#follow-up-done", what="the follow-up recorded")
        self.sign_out("caseworker", "/")

    def consent_and_messages(self):
        """The person in the loop: a referral to the inbox agency with an expiry date on the consent, a
        message each way (case worker to agency, agency back on the inbox page), then the case worker
        revokes the consent from the referral page and the inbox stops showing the person's details."""
        self.sign_in("caseworker")
        ref = "P-MSG-" + letters(8)
        with self.step("case worker: refer a third person to the inbox agency, consent expiring in 30 days"):
            self.fill_profile_again(ref, faith=True)
            self.click_and_load(self.one("button#find-services"), "button#find-services")
            article = next((a for a in self.all("section.need[data-domain=housing] article.match")
                            if a.get_attribute("data-service-id") == self.inbox_service), None)
            check(article, f"the housing matches do not show {self.inbox_service}")
            self.click_and_load(self.one("form.refer button.refer-button", article), "the inbox agency's refer-button")
            for category in CONSENT_CATEGORIES:
                self.set_checkbox(f"form#referral-form input#category-{category}", category in {"contact", "needs", "clinical_notes"})
            expires = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 30 * 86400))
            self.js("document.querySelector('input#consent-expires').value = arguments[0]", expires)
            self.click_and_load(self.one("button#send-button"), "button#send-button")
            self.wait(lambda d: re.fullmatch(r"/referrals/[^/]+", self.path()), 10, f"sending went to {self.path()}")
            referral = self.path().rsplit("/", 1)[1]
            self.checked_page("referral-with-consent-expiry")
            consent = self.text_of(self.one("#consent-state"))
            day = datetime.date.fromisoformat(expires)
            in_words = f"{day:%a} {day.day} {day:%b}" + ("" if day.year == datetime.date.today().year else f" {day.year}")
            check(f"in force until {in_words}" in consent, f"the consent does not say it expires on {in_words}: {consent!r}")
        with self.step("case worker: a message to the agency"):
            self.type_into("textarea#message-text", "Is Tuesday morning possible for the intake?")
            self.set_checkbox("input#message-personal", False)
            self.click_and_load(self.one("button#message-button"), "button#message-button")
            self.checked_page("referral-message-sent")
            thread = " | ".join(self.text_of(li) for li in self.all("ol#message-thread li"))
            check("Is Tuesday morning possible" in thread and "cw-browser" in thread, f"the thread does not show the message: {thread}")
        self.sign_out("caseworker", "/")

        self.sign_in("agency")
        with self.step("inbox agency: reads the case worker's message and answers on the inbox page"):
            self.visit(f"/inbox/{referral}", "inbox-referral-message")
            self.one("section#disclosure")
            thread = " | ".join(self.text_of(li) for li in self.all("ol#message-thread li"))
            check("Is Tuesday morning possible" in thread, f"the inbox page does not show the case worker's message: {thread}")
            self.type_into("textarea#message-text", "Yes, Tuesday at 10 works; ask for Ida.")
            self.click_and_load(self.one("button#message-button"), "button#message-button")
            self.checked_page("inbox-referral-message-sent")
            thread = " | ".join(self.text_of(li) for li in self.all("ol#message-thread li"))
            check("Tuesday at 10" in thread and "intake-browser" in thread, f"the agency's answer is not in the thread: {thread}")
        self.sign_out("agency", "/inbox")

        self.sign_in("caseworker")
        with self.step("case worker: reads the answer, then revokes the consent from the referral page"):
            self.visit(f"/referrals/{referral}", "referral-answer-read")
            thread = " | ".join(self.text_of(li) for li in self.all("ol#message-thread li"))
            check("Tuesday at 10" in thread, f"the case worker does not see the agency's answer: {thread}")
            self.click_and_load(self.one("button#revoke-button"), "button#revoke-button (unconfirmed)")
            self.checked_page("revoke-unconfirmed", expect=(200,))
            check("Tick the box" in self.text_of(self.one("p.error")), "revoking without the confirmation was not refused")
            self.set_checkbox("input#revoke-confirm", True)
            self.click_and_load(self.one("button#revoke-button"), "button#revoke-button")
            self.checked_page("consent-revoked")
            state = self.text_of(self.one("#consent-state"))
            check(state.startswith("revoked on"), f"the consent does not read revoked: {state!r}")
            check(not self.all("form#revoke-form"), "the revoke form is still offered")
        self.sign_out("caseworker", "/")

        self.sign_in("agency")
        with self.step("inbox agency: the person's details are no longer shown, and the page says why"):
            self.visit(f"/inbox/{referral}", "inbox-after-revocation")
            check(not self.all("section#disclosure"), "the disclosure is still shown after the revocation")
            withheld = self.text_of(self.one("#withheld"))
            check("revoked their consent" in withheld, f"the inbox does not say the consent was revoked: {withheld!r}")
            check(not self.all("input#message-personal"), "the message form still offers personal information")
        self.sign_out("agency", "/inbox")

    def supervisor(self):
        self.sign_in("supervisor")
        with self.step("supervisor: the dashboard"):
            self.visit("/dashboard", "dashboard")
            chart = self.one("svg#loop-closure-chart")
            bars = self.all("rect, .bar", chart)
            check(bars, "svg#loop-closure-chart has no bar (no rect and no .bar)")
            self.one("table#agencies")
            self.one("section#overdue")
            self.one("section#directory-health")
        with self.step("supervisor: /admin is refused"):
            status = self.visit("/admin", "supervisor-admin", expect=None)
            if status is None:
                status = self.driver.execute_async_script(JS_FETCH_STATUS, self.base + "/admin")
            check(status in (403, 404), f"a supervisor's GET /admin answered {status}, expected 403 or 404")
        self.sign_out("supervisor", "/dashboard")

    def admin(self):
        self.sign_in("admin")
        with self.step("admin: the administration page"):
            self.visit("/admin", "admin")
            for css in ("section#partners", "section#users", "section#audit", "form#directory-upload"):
                self.one(css)
            users = self.text_of(self.one("section#users"))
            for uid, _, name in self.users.values():
                check(uid in users or name in users, f"section#users does not list {uid} ({name})")
            if PARTNER_ID not in self.text_of(self.one("section#partners")):
                self.notes.append(f"section#partners does not name {PARTNER_ID} (served from --partners FILE)")
        with self.step("admin: upload a directory"):
            form = self.one("form#directory-upload")
            check((form.get_attribute("enctype") or "").lower() == "multipart/form-data",
                  f"form#directory-upload has enctype={form.get_attribute('enctype')!r}, expected multipart/form-data")
            file_input = self.one("input#directory-file", form)
            check((file_input.get_attribute("type") or "").lower() == "file", "input#directory-file is not type=file")
            file_input.send_keys(str(REPO / UPLOAD))
            self.click_and_load(self.one("button#upload-button", form), "button#upload-button", timeout=60)
            self.wait(lambda d: d.find_elements("css selector", "section#import-report"), 10,
                      "no section#import-report after uploading " + UPLOAD)
            self.checked_page("admin-import-report")
            check(self.text_of(self.one("section#import-report")), "section#import-report is empty")
        with self.step("admin: verify the audit trail"):
            if not self.all("form#audit-verify-form button#verify-audit"):
                self.visit("/admin", "admin-again")
            self.click(self.one("form#audit-verify-form button#verify-audit"))
            self.wait(lambda d: (lambda v: v if v and self.text_of(v[0]) else None)(
                d.find_elements("css selector", "#audit-verdict")), 30,
                "no #audit-verdict with text within 30 s of clicking #verify-audit")[0]
            self.checked_page("admin-audit-verdict")
            text = self.text_of(self.one("#audit-verdict"))
            check(re.search(r"verified", text, re.I), f"#audit-verdict reads {text!r}, expected it to say verified")
            check(not re.search(r"not verified|unverified|could not|cannot|failed|broken", text, re.I),
                  f"#audit-verdict reads {text!r}")
        self.sign_out("admin", "/admin")

    def without_referred_service(self):
        """The referred service's directory file with that service's record left out, and its source."""
        referral, service = self.referred
        con = sqlite3.connect(str(self.db))
        try:
            row = con.execute("SELECT document FROM directory_service WHERE id = ?", (service,)).fetchone()
        finally:
            con.close()
        check(row, f"the referred service {service} is not in the stored directory")
        provenance = json.loads(row[0])["provenance"]
        key, source = provenance["record_key"], provenance["source"]
        if provenance["format"] == "hsds":
            records = json.loads((REPO / "config/directories/riverbend.hsds.json").read_text())
            kept = [r for r in records if r.get("id") != key]
            check(len(kept) == len(records) - 1, f"record {key} is not in riverbend.hsds.json")
            path = self.scratch / "riverbend-without-one.json"
            path.write_text(json.dumps(kept))
        else:
            xml = (REPO / "config/directories/riverbend.airs.xml").read_text()
            pattern = re.compile(r"<SiteService\b(?:(?!</SiteService>).)*?<Key>" + re.escape(key) + r"</Key>.*?</SiteService>\s*", re.S)
            cut, count = pattern.subn("", xml, count=1)
            check(count == 1, f"SiteService {key} is not in riverbend.airs.xml")
            path = self.scratch / "riverbend-without-one.xml"
            path.write_text(cut)
        return path, source

    def withdrawal(self):
        referral, service = self.referred
        path, source = self.without_referred_service()
        self.sign_in("admin")
        with self.step("admin: a full re-upload of the source withdraws the referred service"):
            self.visit("/admin", "admin-before-withdrawal")
            form = self.one("form#directory-upload")
            self.type_into("form#directory-upload input#directory-source", source)
            self.set_checkbox("form#directory-upload input#replace-source", True)
            self.one("input#directory-file", form).send_keys(str(path))
            self.click_and_load(self.one("button#upload-button", form), "button#upload-button", timeout=60)
            self.wait(lambda d: d.find_elements("css selector", "section#import-report"), 10, "no section#import-report after the full re-upload")
            self.checked_page("admin-withdrawal-report")
            report = self.text_of(self.one("section#import-report"))
            check(re.search(r"\b1 withdrawn\b", report), f"section#import-report reads {report!r}, expected 1 withdrawn")
        self.sign_out("admin", "/admin")
        self.sign_in("caseworker")
        with self.step("case worker: the tracker flags the open referral to the withdrawn service"):
            self.visit("/referrals", "tracker-withdrawn")
            row = self.tracker_row(referral)
            check(row is not None, f"referral {referral} is not in the tracker")
            check(row.get_attribute("data-service-withdrawn") == "true", f"the tracker row of {referral} carries no withdrawn flag")
            check("withdrawn" in self.text_of(row), f"the tracker row of {referral} does not say the service was withdrawn")
        self.sign_out("caseworker", "/referrals")

    # -- running it --------------------------------------------------------------------------------

    def profile_in_own_words(self):
        """The profile a person would give: two needs (one of the new domains) each with its own
        detail, urgency and notes, an access need, trauma-informed care and the person's words,
        shown beside the matches, with an accessibility reason on every match."""
        self.sign_in("caseworker")
        ref = "P-WORDS-" + letters(8)
        housing_note = "Sleeping in her car since " + letters(6)
        family_note = "Her mother looks after her son " + letters(6)
        own_words = "Mornings are hard; call after noon " + letters(6)
        with self.step("case worker: a profile with per-need urgency and notes, an access need and her own words"):
            self.visit("/", "profile-own-words")
            for field, value in (("person-ref", ref), ("postal-code", POSTAL_CODE), ("languages", LANGUAGES),
                                 ("max-distance", "10")):
                self.type_into(f"form#profile-form #{field}", value)
            for n in ("housing", "family_support"):
                self.set_checkbox(f"#need-{n}", True)
            self.select("#detail-housing", "emergency_shelter")
            self.select("#urgency-housing", "urgent")
            self.type_into("#notes-housing", housing_note)
            self.select("#detail-family_support", "caregiver_support")
            self.select("#urgency-family_support", "routine")
            self.type_into("#notes-family_support", family_note)
            self.set_checkbox("#accessibility-wheelchair", True)
            self.set_checkbox("#trauma-informed", True)
            self.type_into("#preference-notes", own_words)
            self.click_and_load(self.one("button#find-services"), "button#find-services")
        with self.step("case worker: the matches show each need's notes, her words and why each fits her access need"):
            self.checked_page("matches-own-words")
            words = self.all("aside#person-notes")
            check(words and own_words in self.text_of(words[0]), "aside#person-notes does not show the person's own words")
            for domain, note in (("housing", housing_note), ("family_support", family_note)):
                section = self.all(f"section.need[data-domain={domain}]")
                check(section, f"no section.need[data-domain={domain}] on the matches page")
                shown = [self.text_of(p) for p in self.all("p.need-notes", section[0])]
                check(any(note in t for t in shown), f"the {domain} section does not show its notes {note!r}: {shown}")
                check(self.all("article.match", section[0]), f"no match for the {domain} need")
                for article in self.all("article.match", section[0]):
                    reasons = " ".join(self.text_of(li) for li in self.all("ul.reasons li", article))
                    check("wheelchair" in reasons.lower() or "accessibility not stated" in reasons.lower(),
                          f"{article.get_attribute('data-service-id')} gives no accessibility reason: {reasons}")
            family = self.text_of(self.one("section.need[data-domain=family_support]"))
            check("Family Caregiver Support Group" in family, "the sample caregiver group is not among the family support matches")
            check("Trauma-informed care, as preferred" in family, "the trauma-informed caregiver group does not say so")
        with self.step("case worker: the person's words are not in the server's log"):
            logged = (self.out / "serve.log").read_text(errors="replace") if (self.out / "serve.log").exists() else ""
            for words in (housing_note, family_note, own_words):
                check(words not in logged, f"serve.log holds the person's words {words!r}")

    def support_network(self):
        """A case worker adds a supporter (copied on status changes) to a profile in crisis: the matches
        page suggests a peer specialist; the referral page links the person's receipt, which opens as a
        page in plain words."""
        self.sign_in("caseworker")
        ref = "P-NETWORK-" + letters(8)
        with self.step("support network: a supporter in the profile, a need in crisis"):
            self.fill_profile_again(ref, faith=False)
            self.select("select#urgency-housing", "crisis")
            self.type_into("input#supporter-name-1", "Ruth Abernathy")
            self.select("select#supporter-relation-1", "faith_contact")
            self.type_into("input#supporter-email-1", "ruth.abernathy@example.org")
            self.set_checkbox("input#supporter-updates-1", True)
            self.shot("support-network-profile")
            self.click_and_load(self.one("button#find-services"), "button#find-services")
            self.checked_page("support-network-matches")
            check(self.all("#peer-suggestion"), "a crisis without a peer mentor shows no #peer-suggestion on the matches page")
        with self.step("support network: refer, and open the person's receipt"):
            # An agency the partner simulator answers for (it accepts), not the inbox agency (which waits for a person).
            con = sqlite3.connect(str(self.db))
            try:
                inbox_services = {row[0] for row in con.execute("SELECT id FROM directory_service WHERE organization_id = ?", (self.inbox_org,))}
            finally:
                con.close()
            article = next((a for a in self.all("section.need[data-domain=housing] article.match")
                            if a.get_attribute("data-service-id") not in inbox_services | {self.inbox_service}), None)
            check(article is not None, "no housing match but the inbox agency's")
            self.click_and_load(self.one("form.refer button.refer-button", article), "a housing refer-button")
            for category in CONSENT_CATEGORIES:
                self.set_checkbox(f"form#referral-form input#category-{category}", category in TICKED)
            self.select("select#consent-method", "written")
            self.click_and_load(self.one("button#send-button"), "button#send-button")
            self.wait(lambda d: re.fullmatch(r"/referrals/[^/]+", self.path()), 10, f"sending went to {self.path()}")
            referral = self.path().rsplit("/", 1)[1]
            self.checked_page("support-network-referral")
            check(self.all("#peer-suggestion"), "the referral page of a crisis without a peer mentor shows no #peer-suggestion")
            self.click_and_load(self.one("a#receipt-link"), "a#receipt-link")
            check(self.path() == f"/referrals/{referral}/receipt", f"the receipt link went to {self.path()}")
            self.checked_page("receipt")
            consent = self.text_of(self.one("ul#receipt-consent"))
            check("How to reach you" in consent and "What you need help with" in consent,
                  f"ul#receipt-consent reads {consent!r}, expected the consented categories in words")
            check("Ruth" not in self.text_of(self.one("article#receipt")), "the receipt names the supporter")
            self.one("#receipt-revoke")
        with self.step("support network: once the agency answers, the supporter is told by e-mail, in few words"):
            deadline = time.monotonic() + 90
            mail = []
            while not mail and time.monotonic() < deadline:
                mail = [m for m in self.notices() if m.get("rcpt_tos") == ["ruth.abernathy@example.org"]]
                time.sleep(0.5)
            check(mail, "no e-mail reached the supporter within 90 s; see serve.log and smtp.log")
            raw = mail[0]["raw"]
            (self.out / "supporter-notice.eml").write_text(raw)
            body = mail[0].get("body") or raw
            check("case worker made" in body, "the supporter's e-mail does not say what happened to the referral")
            for secret in (ref, referral, "housing", "Housing"):
                check(secret not in raw, f"the supporter's e-mail carries {secret!r}")
        self.sign_out("caseworker", "/")

    # -- every page at a desktop's and at a phone's width ----------------------------------------------

    def at_widths(self, name, widths=WIDTHS):
        """Screenshots the page as NAME-WIDTH.png at each width (a phone's with touch-screen emulation),
        and fails at a phone's width if the page scrolls sideways (its scrollWidth is wider than the
        window), naming the elements that stick out. Any phase may call it on the page it is on."""
        for width in widths:
            phone = width <= PHONE_MAX
            self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": width, "height": 844 if phone else 900, "deviceScaleFactor": 1, "mobile": phone})
            try:
                self.wait(lambda d: d.execute_script("return window.innerWidth") == width, 10,
                          f"the window did not become {width} px wide")
                self.capture(self.out / f"{slug(name)}-{width}.png")
                if phone:
                    scroll, inner = self.js("return [document.documentElement.scrollWidth, window.innerWidth]")
                    wide = self.js(JS_TOO_WIDE)
                    # Against the width asked for too: a phone may zoom out to fit a page that is too wide.
                    check(scroll <= min(inner, width), f"{name} at {width} px scrolls sideways: scrollWidth {scroll} > innerWidth {inner}; "
                          "sticking out: " + "; ".join(wide))
            finally:
                self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    def no_iso_times(self, name):
        """The page says times in words: no ISO 8601 date-time ("2026-12-08T23:41:16") in its text."""
        text = self.js("return document.body.innerText")
        hit = ISO_TIME.search(text)
        check(not hit, f"{name} shows an ISO time: {hit.group(0) if hit else ''}")

    def pages_at_widths(self):
        """Every page (sign-in, profile, matches, refer, referral, tracker, error, inbox, inbox referral,
        dashboard, admin) at 1280 px and at a phone's 390 px: NAME-WIDTH.png, no sideways scrolling."""
        with self.step("widths: the sign-in page"):
            self.driver.delete_all_cookies()
            self.visit("/sign-in", "widths-sign-in")
            self.at_widths("sign-in")
        self.sign_in("caseworker")
        with self.step("widths: the profile, matches (with tel: links) and refer pages"):
            self.visit("/", "widths-profile")
            self.at_widths("profile")
            self.fill_profile_again("P-WIDTHS-" + letters(6), faith=False)
            self.click_and_load(self.one("button#find-services"), "button#find-services")
            self.checked_page("widths-matches")
            check(self.all("article.match a.tel[href^='tel:']"), "no match shows its phone as a tel: link")
            check(self.all("article.match .handoff"), "no match says how to hand the person over")
            check("+0.00" not in self.text_of(self.one("main")), "a match reason reads +0.00")
            self.no_iso_times("matches")
            self.at_widths("matches")
            first = self.one("section.need[data-domain=housing] article.match")
            self.click_and_load(self.one("form.refer button.refer-button", first), "the first refer-button")
            self.checked_page("widths-refer")
            self.at_widths("refer")
        with self.step("widths: the referral, the tracker and an error page"):
            referral = self.referred[0]
            self.visit(f"/referrals/{referral}", "widths-referral")
            check(self.text_of(self.one("#status-sentence")), "the referral page has no #status-sentence")
            self.no_iso_times("referral")
            self.at_widths("referral")
            self.visit("/referrals", "widths-tracker")
            self.no_iso_times("tracker")
            self.at_widths("tracker")
            self.visit("/referrals/R-NO-SUCH-REFERRAL", "widths-error", expect=(404,))
            self.at_widths("error")
        self.sign_out("caseworker", "/")
        self.sign_in("agency")
        with self.step("widths: the inbox and one of its referrals"):
            self.visit("/inbox", "widths-inbox")
            self.no_iso_times("inbox")
            self.at_widths("inbox")
            links = self.all("table.inbox a[href^='/inbox/']")
            check(links, "the inbox lists no referral to open")
            self.click_and_load(links[0], "the first referral in the inbox")
            self.checked_page("widths-inbox-referral")
            self.no_iso_times("inbox referral")
            self.at_widths("inbox-referral")
        self.sign_out("agency", "/inbox")
        self.sign_in("supervisor")
        with self.step("widths: the dashboard"):
            self.visit("/dashboard", "widths-dashboard")
            self.no_iso_times("dashboard")
            self.at_widths("dashboard")
        self.sign_out("supervisor", "/dashboard")
        self.sign_in("admin")
        with self.step("widths: the administration page"):
            self.visit("/admin", "widths-admin")
            self.no_iso_times("admin")
            self.at_widths("admin")
        self.sign_out("admin", "/admin")

    def main(self):
        self.prepare_database()
        self.start_servers()
        self.start_browser()
        self.case_worker()
        self.profile_in_own_words()
        self.inbox_agency()
        self.next_match_and_outcome()
        self.consent_and_messages()
        self.supervisor()
        self.admin()
        self.withdrawal()
        self.support_network()

        self.pages_at_widths()

    def report_failure(self, message):
        url = self.current_url()
        saved = []
        if self.driver is not None:
            name = f"FAILED-{slug(self.step_name)}"
            with contextlib.suppress(Exception):
                saved.append(str(self.shot(name)))
            with contextlib.suppress(Exception):
                source = self.out / f"{self.shots:02d}-{slug(name)}.html"
                source.write_text(self.driver.page_source)
                saved.append(str(source))
        lines = [f"browser flow FAILED at step: {self.step_name}",
                 f"  page: {url}",
                 "  what: " + message.replace("\n", "\n        ")]
        if saved:
            lines.append("  saved: " + ", ".join(saved))
        lines.append(f"  logs: {self.out}/serve.log, partner-sim.log, chromedriver.log")
        serve = tail(self.out / "serve.log", 12)
        if serve:
            lines.append("  serve.log ends:\n    " + serve.replace("\n", "\n    "))
        print("\n".join(lines), file=sys.stderr, flush=True)

    def cleanup(self):
        if self.driver is not None:
            with contextlib.suppress(Exception, FlowTimeout):
                self.driver.quit()
        if self.dead_proxy is not None:
            self.dead_proxy.close()
        left = self.procs.stop_all()
        if self.args.keep:
            self.log(f"kept {self.scratch}")
        else:
            shutil.rmtree(self.scratch, ignore_errors=True)
        return left


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trellis", default=".build/debug/trellis",
                        help="the trellis executable (default: .build/debug/trellis)")
    parser.add_argument("--out", default="test-output/browser",
                        help="where screenshots, page sources and logs go (default: test-output/browser)")
    parser.add_argument("--timeout", type=float, default=180,
                        help="seconds the whole flow may take before it stops itself (default: 180)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the scratch directory (database, partners file, browser profile)")
    args = parser.parse_args(argv)

    trellis = Path(args.trellis)  # relative: to the working directory, else to the repository
    args.trellis = trellis if trellis.is_absolute() or trellis.exists() or not (REPO / trellis).exists() else REPO / trellis
    args.trellis = args.trellis.resolve()
    if not (args.trellis.is_file() and os.access(args.trellis, os.X_OK)):
        print(f"browser flow: no trellis executable at {args.trellis} (build it, or pass --trellis PATH)", file=sys.stderr)
        return 2
    args.out = Path(args.out) if Path(args.out).is_absolute() else (Path.cwd() / args.out)
    args.out.mkdir(parents=True, exist_ok=True)
    # An earlier run's files (only those this script writes), so that every file there is this run's.
    for old in [*args.out.glob("[0-9][0-9]-*.png"), *args.out.glob("[0-9][0-9]-*.html"),
                *(p for w in WIDTHS for p in args.out.glob(f"*-{w}.png")),
                *(args.out / n for n in ("serve.log", "partner-sim.log", "chromedriver.log", "disclosure-preview.txt"))]:
        with contextlib.suppress(FileNotFoundError):
            old.unlink()
    missing = [name for name in ("chromium", "chromedriver") if not shutil.which(name)]
    if missing:
        print(f"browser flow: {' and '.join(missing)} not found: scripts/setup installs Debian's chromium and "
              "chromium-driver packages", file=sys.stderr)
        return 2
    try:
        import selenium  # noqa: F401
    except ImportError:
        print("browser flow: Selenium is missing: run it with .venv/bin/python after "
              "`.venv/bin/pip install -r scripts/lib/requirements-test.txt` (scripts/test does)", file=sys.stderr)
        return 2

    # Only 127.0.0.1 is reached, directly: no proxy of the caller's environment (Selenium's own
    # connection to chromedriver, and the readiness probe, read these too).
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        os.environ.pop(name, None)
    flow = Flow(args)

    def on_alarm(signum, frame):
        raise FlowTimeout()

    def on_term(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    # If even the cleanup hangs, a watchdog kills what was started and leaves.
    def hard_stop():
        print(f"browser flow: still running {args.timeout + 60:.0f} s after the start; killing what it started",
              file=sys.stderr, flush=True)
        flow.procs.kill_now()
        shutil.rmtree(flow.scratch, ignore_errors=True)
        os._exit(3)

    watchdog = threading.Timer(args.timeout + 60, hard_stop)
    watchdog.daemon = True
    watchdog.start()
    signal.signal(signal.SIGALRM, on_alarm)
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGHUP, on_term)
    signal.setitimer(signal.ITIMER_REAL, args.timeout)
    def report(message):
        signal.setitimer(signal.ITIMER_REAL, 30)  # the browser may be what hangs
        try:
            flow.report_failure(message)
        except (Exception, FlowTimeout) as error:
            print(f"browser flow FAILED at step: {flow.step_name}\n  what: {message}\n"
                  f"  (saving the page failed too: {error!r})", file=sys.stderr, flush=True)

    ok = False
    try:
        flow.main()
        ok = True
    except StepFailed as error:
        report(str(error))
    except FlowTimeout:
        report(f"the whole flow took longer than {args.timeout:.0f} s (--timeout) and was stopped")
    except KeyboardInterrupt as error:
        report(f"interrupted ({error or 'Ctrl-C'})")
    except Exception as error:  # Selenium's own errors, a crashed browser...
        # WebDriver errors carry chromedriver's native stack trace: their message is enough.
        detail = f"{type(error).__name__}: {getattr(error, 'msg', None) or error}".strip()
        where = traceback.extract_tb(error.__traceback__)
        ours = [f for f in where if f.filename == __file__]
        if ours:
            detail += f"\n(at browser_flow.py line {ours[-1].lineno}: {ours[-1].line})"
        report(detail)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        try:
            left = flow.cleanup()
        except (Exception, FlowTimeout, KeyboardInterrupt) as error:
            flow.procs.kill_now()
            left = flow.procs.ours()
            print(f"browser flow: cleanup failed ({error!r}); killed what was left", file=sys.stderr)
        watchdog.cancel()
    if left:
        print("browser flow: processes left running after the cleanup:\n  " +
              "\n  ".join(f"{pid} {cmd}" for pid, cmd in left), file=sys.stderr)
        ok = False
    for note in flow.notes:
        print(f"browser: note: {note}")
    failed = 0 if ok else 1
    print(f"browser flow: {flow.passed} passed, {failed} failed; screenshots in {args.out}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
