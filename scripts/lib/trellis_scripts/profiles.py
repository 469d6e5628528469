"""Needs profiles (config/profiles/example.json, and many placed where a directory's services are) and
the referral documents built on them."""
import copy
import json
import random
import subprocess
import sys

from . import EXAMPLE_PROFILE, ROOT, ScriptError
from .report import log, utc_now
from .web import call


def load_profile():
    with open(EXAMPLE_PROFILE) as f:
        return json.load(f)


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


def variations(count, seed):
    """count variations of the example profile: age, place (around Omaha), needs, distance, faith."""
    rng = random.Random(seed)
    example = load_profile()
    profiles = []
    for n in range(count):
        p = copy.deepcopy(example)
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


def make_profiles(work, directories, count, seed):
    """Needs profiles placed where the directory's services are (scripts/lib/bench_profiles.py on the first
    AIRS file, with .venv's lxml) plus the example, else variations of the example."""
    airs = [d for d in directories if str(d).endswith(".xml")]
    python = bench_python() if airs else None
    if python:
        out = work / "profiles.jsonl"
        done = subprocess.run([python, str(ROOT / "scripts" / "lib" / "bench_profiles.py"), str(airs[0]), "--count", str(count),
                               "--seed", str(seed), "--output", str(out)], cwd=str(ROOT), stdout=sys.stderr, stderr=sys.stderr,
                              timeout=1800)
        if done.returncode == 0:
            profiles = [json.loads(line) for line in out.read_text().splitlines() if line.strip()]
            profiles.append(load_profile())
            return profiles
        log("profiles: bench_profiles.py failed (exit status %d); using variations of the example" % done.returncode)
    return variations(count, seed)


def referral_document(profile, person_ref, service_id, organization_id, by="drill", number=None):
    """A referral of the profile's person (with a name and phone) to the service, with verbal consent for
    contact and needs captured now by `by`."""
    label = person_ref if number is None else number
    phone = "(555) 555-0100" if number is None else "(555) 555-%04d" % (number % 10000)
    person = dict(profile["person"], ref=person_ref)
    person.setdefault("name", "%s Person %s" % (by.capitalize(), label))
    person.setdefault("phone", phone)
    return {"profile": dict(profile, person=person), "service_id": service_id,
            "consent": {"recipient": organization_id, "categories": ["contact", "needs"], "method": "verbal",
                        "captured_by": by, "captured_at": utc_now()}}


def match_candidates(base, token, profile):
    """(service_id, organization_id) of every service POST /v1/matches ranks for the profile."""
    answer = call("POST", base, "/v1/matches?limit=50", document=profile, token=token, timeout=30)
    if answer.status != 200:
        raise ScriptError("POST /v1/matches answered %d: %s" % (answer.status, answer.text()))
    seen, out = set(), []
    for match in answer.json().get("matches", []):
        for r in match.get("results", []):
            key = (r["service_id"], r["organization_id"])
            if key not in seen:
                seen.add(key)
                out.append(key)
    if not out:
        raise ScriptError("POST /v1/matches ranked no service for config/profiles/example.json")
    return out
