#!/usr/bin/env python3
"""Needs profiles for scripts/bench's http section, placed where a directory's services are.

Usage: bench_profiles.py AIRS_FILE [--count N] [--seed S] [--places P] [--taxonomy-map PATH]
                         [--output FILE]

Streams the AIRS XML (lxml iterparse, one top-level Agency at a time, cleared as it is read, so
memory stays flat whatever the file's size) and stops after the first P services (default 5000)
that have a location. From them it takes the places (a Site's Latitude/Longitude, or its Agency's,
with the county and state of the Site's address), the need categories (domain and detail, through
config/taxonomy-map.json) and the faith traditions the services name. It then writes N profiles
(default 500), one JSON object per line, matching schemas/needs-profile.schema.json and shaped like
config/profiles/example.json: a person near one of those places (within about 10 km), 1-3 distinct
needs drawn from the categories found, faith_based "opt_in" about a quarter of the time (and only
then a need in the faith domain), else "not_offered". The same file and seed give the same lines.
A summary goes to stderr.
"""
import argparse
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from airs_lxml_peer import Taxonomy, address, coordinate, local, text  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_MAP = os.path.join(HERE, "..", "..", "config", "taxonomy-map.json")
DOMAINS = ("housing", "employment", "faith", "clinical", "peer_support", "family_support", "education", "transportation", "benefits")  # the schema's enum
TRADITION_PREFIX = "TRELLIS:FAITH-TRADITION/"


def children(el, *names):
    return [c for c in el if local(c.tag) in names]


def first_child(el, name):
    for c in el:
        if local(c.tag) == name:
            return c
    return None


def read_places(path, taxonomy, limit):
    """(places, categories, traditions, services_read) from the first `limit` located services."""
    from lxml import etree

    places, categories, traditions = [], set(), set()
    seen = 0
    events = etree.iterparse(path, events=("end",), tag="{*}Agency",
                             resolve_entities=False, no_network=True, huge_tree=False)
    try:
        for _, agency in events:
            parent = agency.getparent()
            if parent is None or parent.getparent() is not None:
                continue  # a nested Agency: read with its top-level Agency
            seen += read_agency(agency, None, taxonomy, places, categories, traditions)
            agency.clear(keep_tail=False)
            while agency.getprevious() is not None:
                del parent[0]
            if len(places) >= limit:
                break
    finally:
        del events
    return places[:limit], categories, traditions, seen


def read_agency(agency, inherited, taxonomy, places, categories, traditions):
    spatial = first_child(agency, "SpatialLocation")
    point = coordinate(spatial) if spatial is not None else None
    point = point or inherited
    count = 0
    for site in children(agency, "Site", "AgencyLocation"):
        spatial = first_child(site, "SpatialLocation")
        site_point = (coordinate(spatial) if spatial is not None else None) or point
        physical = first_child(site, "PhysicalAddress")
        addr = address(physical) if physical is not None else {}
        for service in children(site, "SiteService"):
            count += 1
            codes = []
            for tax in children(service, "Taxonomy"):
                code = first_child(tax, "Code")
                t = text(code) if code is not None else None
                if t:
                    codes.append(t)
                    if t.upper().startswith(TRADITION_PREFIX) and len(t) > len(TRADITION_PREFIX):
                        traditions.add(t[len(TRADITION_PREFIX):].strip().lower())
            mapped, _, _ = taxonomy.map(codes)
            for domain, detail in mapped:
                if domain in DOMAINS:
                    categories.add((domain, detail))
            if site_point is not None and mapped:
                state = addr.get("State")
                if not (state and len(state) == 2 and state.isalpha()):
                    state = None
                places.append((site_point, addr.get("County"), state))
    for child in children(agency, "Agency"):
        count += read_agency(child, point, taxonomy, places, categories, traditions)
    return count


def profile(rng, number, places, categories, traditions):
    (lat, lon), county, state = rng.choice(places)
    opt_in = rng.random() < 0.25
    pool = [c for c in categories if opt_in or c[0] != "faith"] or categories
    needs = []
    for domain, detail in rng.sample(pool, min(len(pool), rng.randint(1, 3))):
        need = {"domain": domain}
        if detail:
            need["detail"] = detail
        need["urgency"] = "crisis" if rng.random() < 0.05 else rng.choice(("routine", "soon", "urgent"))
        needs.append(need)
    languages = ["es", "en"] if rng.random() < 1 / 3 else ["en"]
    person = {
        "ref": "P-BENCH-%d" % number,
        "age": rng.randint(18, 79),
        "gender": rng.choice(("female", "male", "female", "male", "non_binary")) if rng.random() < 0.9 else None,
        "languages": languages,
        "interpreter_needed": languages[0] != "en" and rng.random() < 0.5,
        "location": {"latitude": round(max(-90.0, min(90.0, lat + rng.uniform(-0.1, 0.1))), 6),
                     "longitude": round(max(-180.0, min(180.0, lon + rng.uniform(-0.1, 0.1))), 6)},
        "county": county,
        "state": state,
        "insurance": ["medicaid"] if rng.random() < 0.5 else [],
        "monthly_income": rng.randrange(400, 3400, 50),
        "household_size": rng.randint(1, 4),
        "veteran": rng.random() < 0.1,
    }
    tradition = None
    if opt_in and traditions and rng.random() < 0.5:
        tradition = rng.choice(traditions)
    return {
        "person": person,
        "circumstances": {
            "chronically_homeless": rng.random() < 0.25,
            "active_substance_use": rng.random() < 1 / 3,
            "justice_involved": rng.random() < 0.2,
            "serious_mental_illness": rng.random() < 0.5,
            "disability": rng.random() < 0.15,
        },
        "needs": needs,
        "preferences": {
            "faith_based": "opt_in" if opt_in else "not_offered",
            "faith_tradition": tradition,
            "max_distance_km": rng.choice((10, 15, 25, 40)),
            "telehealth_ok": rng.random() < 0.5,
            "peer_run_preferred": rng.random() < 0.25,
            "provider_gender": None,
            "notes": "",
        },
    }


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", help="an AIRS XML directory file")
    parser.add_argument("--count", type=int, default=500, help="profiles to write (default 500)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--places", type=int, default=5000,
                        help="read the first this many located services (default 5000)")
    parser.add_argument("--taxonomy-map", default=DEFAULT_MAP)
    parser.add_argument("--output", help="write here instead of stdout")
    args = parser.parse_args(argv[1:])
    if args.count < 1 or args.places < 1:
        parser.error("--count and --places must be positive")

    taxonomy = Taxonomy(args.taxonomy_map)
    places, categories, traditions, seen = read_places(args.directory, taxonomy, args.places)
    if not places or not categories:
        sys.stderr.write("bench_profiles: no located, mapped services in %s\n" % args.directory)
        return 1
    categories = sorted(categories, key=lambda c: (c[0], c[1] or ""))
    traditions = sorted(traditions)
    rng = random.Random(args.seed)
    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout
    try:
        for n in range(args.count):
            out.write(json.dumps(profile(rng, n + 1, places, categories, traditions),
                                 separators=(",", ":"), ensure_ascii=False) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    sys.stderr.write("bench_profiles: %d profiles from %d places (%d services read), %d need categories, "
                     "%d faith traditions\n" % (args.count, len(places), seen, len(categories), len(traditions)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
