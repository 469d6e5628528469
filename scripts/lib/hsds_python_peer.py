#!/usr/bin/env python3
"""Reference peer for `trellis directory import` on HSDS JSON: Python's json module.

Usage: hsds_python_peer.py FILE [--taxonomy-map PATH] [--dump]

Loads the file with json.load (NDJSON, one object per line, is read line by line), walks its
services (one service or organization object, an array of them, an HSDA page {"contents": [...]},
organizations with nested "services", service_at_location objects with a nested "service") and
builds, for each, a record with the fields Trellis reads (docs/directory-formats.md): id, name,
status, cleaned description, url, email, organization, taxonomy codes and terms (mapped with
config/taxonomy-map.json), languages, age eligibility, areas served, locations, hours, fees,
phones, capacity and date last verified. Records are built and dropped (counted). Prints
{"services": N, "rejected": R} on stdout; --dump also writes each record to stderr.

This is a reference figure only: json.load holds the whole document in memory, as most Python
code reading HSDS does. A top-level array larger than 1 GB (a national directory) is read an element
at a time instead ("streamed": true in the output), as it would not fit in memory.
"""
import codecs
import json
import os
import sys

# The mapping helpers are the AIRS peer's (same rules, mirrored from Trellis).
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from airs_lxml_peer import (  # noqa: E402
    Taxonomy, areas_from_text, clean_text, language_code, to_float, valid_point,
)

STATUSES = frozenset(["active", "inactive", "defunct", "temporarily closed"])


def nonblank(value):
    if value is None:
        return None
    if not isinstance(value, str):
        value = str(value)
    value = value.strip()
    return value or None


def number(value, kind):
    """Numbers, tolerating numbers written as strings ("18", "41.2")."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return kind(value)
    try:
        return kind(str(value).strip())
    except ValueError:
        return None


def as_list(value):
    return value if isinstance(value, list) else []


def location_record(loc):
    if not isinstance(loc, dict):
        return None
    point = valid_point(to_float(loc.get("latitude")), to_float(loc.get("longitude")))
    address = None
    for a in as_list(loc.get("addresses")) or as_list(loc.get("physical_addresses")):
        if isinstance(a, dict):
            address = {"line1": nonblank(a.get("address_1")), "line2": nonblank(a.get("address_2")),
                       "city": nonblank(a.get("city")), "state": nonblank(a.get("state_province")),
                       "postal_code": nonblank(a.get("postal_code")), "country": nonblank(a.get("country"))}
            break
    if point is None and address is None:
        return None
    return {"name": nonblank(loc.get("name")), "address": address, "coordinate": point}


class Reader:
    def __init__(self, taxonomy):
        self.taxonomy = taxonomy
        self.services = 0
        self.rejected = 0
        self.organizations = 0
        self.dump = None

    def visit(self, obj, organization=None):
        if isinstance(obj, list):
            for item in obj:
                self.visit(item, organization)
        elif not isinstance(obj, dict):
            return
        elif isinstance(obj.get("contents"), list):
            for item in obj["contents"]:
                self.visit(item, organization)
        elif isinstance(obj.get("services"), list):
            self.organizations += 1
            org = {"id": nonblank(obj.get("id")), "name": nonblank(obj.get("name"))}
            for service in obj["services"]:
                self.service(service, org)
        elif isinstance(obj.get("service"), dict):  # service_at_location
            self.service(obj["service"], organization, extra_location=obj.get("location"))
        elif "status" in obj or "service_at_locations" in obj or "attributes" in obj:
            self.service(obj, organization)
        elif "website" in obj or "legal_status" in obj or "organization_identifiers" in obj:
            self.organizations += 1  # an organization without services

    def service(self, s, org, extra_location=None):
        if not isinstance(s, dict):
            self.rejected += 1
            return
        sid, name = nonblank(s.get("id")), nonblank(s.get("name"))
        status = nonblank(s.get("status"))
        if sid is None or name is None or status is None:
            self.rejected += 1
            return
        codes, terms = [], []
        for attribute in as_list(s.get("attributes")):
            term = attribute.get("taxonomy_term") if isinstance(attribute, dict) else None
            if isinstance(term, dict):
                code, tname = nonblank(term.get("code")), nonblank(term.get("name"))
                if code:
                    codes.append(code)
                if tname:
                    terms.append(tname)
        for term in as_list(s.get("taxonomy_terms")):
            if isinstance(term, dict):
                code = nonblank(term.get("code"))
                if code:
                    codes.append(code)
        if not codes and not terms:
            self.rejected += 1
            return
        categories, attributes, unmapped = self.taxonomy.map(codes, terms)

        nested = s.get("organization")
        if isinstance(nested, dict):
            org_id, org_name = nonblank(nested.get("id")), nonblank(nested.get("name"))
        elif org is not None:
            org_id, org_name = org["id"], org["name"]
        else:
            org_id, org_name = nonblank(s.get("organization_id")), None

        languages = []
        for lang in as_list(s.get("languages")):
            if isinstance(lang, dict):
                code = language_code(nonblank(lang.get("code")) or nonblank(lang.get("name")) or "")
                if code and code not in languages:
                    languages.append(code)

        areas = []
        for area in as_list(s.get("service_areas")):
            if isinstance(area, dict):
                words = nonblank(area.get("name")) or nonblank(area.get("description"))
                if words:
                    parsed = areas_from_text(words, None)
                    if parsed:
                        areas.extend(parsed)
                    elif len(words) == 2 and words.isalpha():
                        areas.append(("state", words.upper()))
                    else:
                        areas.append(("text", words))
        if len(areas) > 1:
            areas = [a for a in areas if a != ("anywhere",)]

        locations = []
        for sal in as_list(s.get("service_at_locations")):
            if isinstance(sal, dict):
                loc = location_record(sal.get("location"))
                if loc:
                    locations.append(loc)
        for loc in as_list(s.get("locations")) + ([extra_location] if extra_location else []):
            loc = location_record(loc)
            if loc:
                locations.append(loc)

        hours = [d for d in (nonblank(x.get("description")) for x in as_list(s.get("schedules"))
                             if isinstance(x, dict)) if d]
        phones = [n for n in (nonblank(p.get("number")) for p in as_list(s.get("phones"))
                              if isinstance(p, dict)) if n]

        capacity = None
        for cap in as_list(s.get("capacities")):
            if not isinstance(cap, dict):
                continue
            unit = cap.get("unit") if isinstance(cap.get("unit"), dict) else {}
            capacity = capacity or {}
            if (nonblank(unit.get("name")) or "").lower() == "waitlist":
                capacity["waitlist"] = number(cap.get("available"), int)
            else:
                capacity["available"] = number(cap.get("available"), int)
                capacity["maximum"] = number(cap.get("maximum"), int)
            capacity["updated"] = nonblank(cap.get("updated"))

        verified = nonblank(s.get("assured_date")) or nonblank(s.get("last_modified"))
        description = nonblank(s.get("description"))
        record = {
            "id": sid,
            "name": name,
            "status": status.lower() if status.lower() in STATUSES else "active",
            "description": clean_text(description) if description else None,
            "url": nonblank(s.get("url")),
            "email": nonblank(s.get("email")),
            "organization_id": org_id,
            "organization_name": org_name,
            "taxonomy_codes": codes,
            "categories": categories,
            "attributes": attributes,
            "unmapped": unmapped,
            "languages": languages,
            "eligibility": {"minimum_age": number(s.get("minimum_age"), int),
                            "maximum_age": number(s.get("maximum_age"), int),
                            "requirements": [t for t in [nonblank(s.get("eligibility_description"))] if t]},
            "areas_served": areas,
            "locations": locations,
            "hours": "; ".join(hours) if hours else None,
            "fees": nonblank(s.get("fees_description")),
            "phones": phones,
            "capacity": capacity,
            "last_verified": verified[:10] if verified else None,
        }
        self.services += 1
        if self.dump is not None:
            self.dump(record)


STREAM_ABOVE_BYTES = 1 << 30


def first_byte(path):
    with open(path, "rb") as f:
        head = f.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:1]


def array_elements(path, chunk=1 << 24):
    """The elements of a file's top-level JSON array, decoded one at a time from a window of text."""
    decoder = json.JSONDecoder()
    utf8 = codecs.getincrementaldecoder("utf-8")()
    text, at, done = "", 0, False
    with open(path, "rb") as f:
        def more():
            nonlocal text, at, done
            data = f.read(chunk)
            done = not data
            text = text[at:] + utf8.decode(data, final=done)
            at = 0

        def skip_space():
            nonlocal at
            while True:
                while at < len(text) and text[at] in " \t\r\n\ufeff":
                    at += 1
                if at < len(text) or done:
                    return
                more()

        more()
        skip_space()
        if text[at:at + 1] != "[":
            raise ValueError("not a JSON array")
        at += 1
        while True:
            skip_space()
            if text[at:at + 1] == "]":
                return
            while True:
                try:
                    obj, end = decoder.raw_decode(text, at)
                    break
                except json.JSONDecodeError:
                    if done:
                        raise
                    more()  # the element runs past the window: widen it
            at = end
            yield obj
            skip_space()
            if text[at:at + 1] == ",":
                at += 1
            elif text[at:at + 1] != "]":
                raise ValueError(f"expected , or ] after an element at character {at}")


def main(argv):
    args = argv[1:]
    taxonomy_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "config",
                                 "taxonomy-map.json")
    if "--taxonomy-map" in args:
        i = args.index("--taxonomy-map")
        taxonomy_path = args[i + 1]
        del args[i:i + 2]
    dump = "--dump" in args
    if dump:
        args.remove("--dump")
    if len(args) != 1 or args[0] in ("-h", "--help"):
        sys.stderr.write(__doc__)
        return 2
    path = args[0]
    reader = Reader(Taxonomy(taxonomy_path))
    if dump:
        reader.dump = lambda r: sys.stderr.write(json.dumps(r, default=sorted, ensure_ascii=False) + "\n")

    if os.path.getsize(path) > STREAM_ABOVE_BYTES and first_byte(path) == b"[":
        # A national directory (5.6 GB) does not fit in memory as Python objects: its top-level
        # array is read one element at a time instead, with the same json module.
        for obj in array_elements(path):
            reader.visit(obj)
        print(json.dumps({"services": reader.services, "rejected": reader.rejected,
                          "organizations": reader.organizations, "streamed": True}))
        return 0

    with open(path, "rb") as f:
        data = f.read()
    try:
        document = json.loads(data)
    except json.JSONDecodeError as error:
        # Not one JSON document: NDJSON (one object per line) when it has several lines.
        if data.count(b"\n", 0, error.pos) == 0 and b"\n" not in data.strip():
            raise
        document, failure = None, error
    del data
    if document is not None:
        reader.visit(document)
        del document
    else:
        good = 0
        with open(path, "rb") as f:
            for line in f:
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError:
                    reader.rejected += 1  # a broken line is rejected; the rest is read
                    continue
                good += 1
                reader.visit(obj)
        if good == 0:
            raise failure

    print(json.dumps({"services": reader.services, "rejected": reader.rejected,
                      "organizations": reader.organizations}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
