#!/usr/bin/env python3
"""Reference peer for `trellis directory import` on AIRS XML: Python + lxml iterparse.

Usage: airs_lxml_peer.py FILE [--taxonomy-map PATH] [--dump]

Builds, for every SiteService, a record with the fields Trellis reads (docs/directory-formats.md):
key, name, cleaned description, taxonomy codes (mapped with config/taxonomy-map.json), languages
(names mapped to BCP 47), areas served, age/gender eligibility, income limit, requirement texts,
payment methods, fees, hours, phones, date last verified, availability for referral and status;
inherited from its Site (or AgencyLocation): address, coordinates (Latitude/Longitude, or a Datum
of "lat, lon"), languages, hours and phones; from its Agency: key and name. Records are built and
dropped (counted), so memory stays flat. Prints {"services": N, "rejected": R, "organizations": O}
on stdout; --dump also writes each record as a JSON line to stderr.

Streaming: iterparse delivers "end" events for Agency elements only (filtered in C, any namespace:
AIRS 3.0 has none, 3.1 has http://www.airs.org/schema/3_1/AIRS.xsd). A top-level Agency is read
when it ends, because AIRS puts a Site's SpatialLocation after its SiteServices and iCarol puts an
Agency's SpatialLocation after its Sites; that is also the unit Trellis reads (one top-level agency
subtree at a time). Each read SiteService and Site is cleared at once, and the Agency is cleared and
its previous siblings deleted, the usual lxml recipe for flat memory.
"""
import html
import json
import os
import re
import sys

# --- shared mapping helpers (mirrors of Trellis's TrellisCore/TrellisDirectory rules) ----------

LANGUAGES = {
    "english": "en", "spanish": "es", "español": "es", "espanol": "es", "french": "fr", "german": "de",
    "italian": "it", "portuguese": "pt", "russian": "ru", "ukrainian": "uk", "polish": "pl", "romanian": "ro",
    "greek": "el", "turkish": "tr", "arabic": "ar", "hebrew": "he", "farsi": "fa", "persian": "fa", "dari": "prs",
    "pashto": "ps", "urdu": "ur", "hindi": "hi", "punjabi": "pa", "bengali": "bn", "gujarati": "gu",
    "tamil": "ta", "telugu": "te", "nepali": "ne", "chinese": "zh", "mandarin": "zh", "cantonese": "yue",
    "japanese": "ja", "korean": "ko", "vietnamese": "vi", "tagalog": "tl", "filipino": "fil", "ilocano": "ilo",
    "thai": "th", "lao": "lo", "laotian": "lo", "khmer": "km", "cambodian": "km", "hmong": "hmn", "burmese": "my",
    "karen": "kar", "karenni": "kyu", "chin": "cnh", "somali": "so", "swahili": "sw", "amharic": "am",
    "tigrinya": "ti", "oromo": "om", "kinyarwanda": "rw", "kirundi": "rn", "dinka": "din", "nuer": "nus",
    "haitian creole": "ht", "creole": "ht", "bosnian": "bs", "serbian": "sr", "croatian": "hr",
    "albanian": "sq", "armenian": "hy", "kurdish": "ku", "sign language": "ase", "american sign language": "ase",
    "asl": "ase", "navajo": "nv", "lakota": "lkt", "ojibwe": "oj", "hungarian": "hu", "czech": "cs", "dutch": "nl",
    "swedish": "sv", "norwegian": "no", "danish": "da", "finnish": "fi", "indonesian": "id", "malay": "ms",
    "marshallese": "mh", "samoan": "sm", "tongan": "to", "chuukese": "chk", "yiddish": "yi", "latvian": "lv",
    "lithuanian": "lt",
}
LANGUAGE_CODES = frozenset(LANGUAGES.values())
GENDERS = {"female": "female", "f": "female", "woman": "female", "women": "female", "girls": "female",
           "male": "male", "m": "male", "man": "male", "men": "male", "boys": "male",
           "non-binary": "non_binary", "nonbinary": "non_binary", "non_binary": "non_binary"}
ANYWHERE = frozenset(["all areas", "all", "anywhere", "nationwide", "national", "everywhere",
                      "no restrictions", "unrestricted"])
COUNTY_SUFFIXES = (" county", " parish", " borough", " co.")
STATUSES = frozenset(["active", "inactive", "defunct", "temporarily closed"])

_SPLIT = re.compile(r"[,;/|]| and ", re.IGNORECASE)
_WORDS = re.compile(r"[^\W\d_]+")
_BLOCK_TAG = re.compile(r"<\s*/?\s*(?:br|p|li|div|ul|ol|tr)[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_MONEY = re.compile(r"\$([0-9][0-9,.]*)")
_CODE_CHAR = re.compile(r"[^\W_]")


def split_names(raw):
    return [p.strip() for p in _SPLIT.split(raw) if p.strip()]


def language_code(raw):
    key = raw.strip().lower()
    if not key:
        return None
    code = LANGUAGES.get(key)
    if code:
        return code
    primary = key.split("-", 1)[0]
    if primary in LANGUAGE_CODES:
        return primary
    for word in reversed(_WORDS.findall(key)):
        code = LANGUAGES.get(word)
        if code:
            return code
    return None


def clean_text(text):
    """Double-escaped or literal HTML in free text -> plain words (DescriptionText.clean)."""
    if "&" not in text and "<" not in text:
        return text
    out = html.unescape(text)
    if "&" in out and out != text:
        out = html.unescape(out)
    if "<" in out:
        out = " ".join(_TAG.sub("", _BLOCK_TAG.sub(" ", out)).split(" "))
        out = " ".join(w for w in out.split(" ") if w)
    return out


def county_name(raw):
    t = raw.strip()
    low = t.lower()
    for suffix in COUNTY_SUFFIXES:
        if low.endswith(suffix):
            return t[: -len(suffix)].strip() or None
    return None


def normalised_county(raw):
    return county_name(raw) or raw.strip()


def is_postal_code(t):
    t = t.strip()
    digits = sum(c.isdigit() for c in t)
    return (digits == 5 and len(t) == 5) or (digits == 9 and len(t) == 10 and "-" in t)


def areas_from_text(text, state):
    low = text.strip().lower()
    if low in ANYWHERE:
        return [("anywhere",)]
    if low in ("statewide", "state wide"):
        return [("state", state)] if state else None
    parts = split_names(text)
    if not parts:
        return None
    result = []
    for part in parts:
        county = county_name(part)
        if county:
            result.append(("county", county, state))
        elif is_postal_code(part):
            result.append(("postal_code", part))
        else:
            return None
    return result


def monthly_income_limit(text):
    low = text.lower()
    if "%" in low or "percent" in low or "poverty" in low:
        return None
    m = _MONEY.search(low)
    if not m:
        return None
    digits = m.group(1).replace(",", "").rstrip(".")
    try:
        amount = float(digits)
    except ValueError:
        return None
    if amount <= 0:
        return None
    tail = low[m.end():]
    if "year" in tail or "annual" in tail or "/yr" in tail:
        return round(amount / 12)
    if "month" in tail or "/mo" in tail:
        return amount
    if "week" in tail:
        return round(amount * 52 / 12)
    return None


def parse_bool(raw):
    low = raw.lower()
    if low in ("true", "1", "yes", "y"):
        return True
    if low in ("false", "0", "no", "n"):
        return False
    return None


def valid_point(lat, lon):
    if lat is None or lon is None:
        return None
    if -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0:
        return (lat, lon)
    return None


def to_float(raw):
    try:
        return float(raw)
    except (TypeError, ValueError):
        return None


def to_int(raw):
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


class Taxonomy:
    """config/taxonomy-map.json: the longest code prefix ending at a segment boundary wins."""

    def __init__(self, path):
        self.by_code, self.by_term = {}, {}
        if path and os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                for entry in json.load(f).get("entries", []):
                    if "code" in entry:
                        self.by_code[entry["code"].strip().upper()] = entry
                    if "term" in entry:
                        self.by_term[entry["term"].strip().lower()] = entry
        self.longest = max((len(c) for c in self.by_code), default=0)
        self._cache = {}

    def _entry(self, raw):
        hit = self._cache.get(raw)
        if hit is None:
            code = raw.strip().upper()
            hit = (None, None)
            length = min(len(code), self.longest)
            while length > 0:
                if length == len(code) or not _CODE_CHAR.match(code[length]):
                    entry = self.by_code.get(code[:length])
                    if entry is not None:
                        value = code[length + 1:].strip() or None if length < len(code) and code[length] == "/" else None
                        hit = (entry, value)
                        break
                length -= 1
            if hit[0] is None:
                term = self.by_term.get(raw.strip().lower())
                if term is not None:
                    hit = (term, None)
            self._cache[raw] = hit
        return hit

    def map(self, codes, terms=()):
        categories, attributes, unmapped = set(), set(), []
        for code in codes:
            entry, value = self._entry(code)
            if entry is None:
                unmapped.append(code)
                continue
            if entry.get("domain"):
                categories.add((entry["domain"], entry.get("detail")))
            for attribute in entry.get("attributes", ()):
                attributes.add((attribute, value))
        for term in terms:
            entry = self.by_term.get(term.strip().lower())
            if entry is not None and entry.get("domain"):
                categories.add((entry["domain"], entry.get("detail")))
        return sorted(categories, key=str), attributes, unmapped


# --- AIRS ------------------------------------------------------------------------------------------

_LOCAL = {}
_local_get = _LOCAL.get  # hot loops inline the cache lookup: `_local_get(tag) or local(tag)`


def local(tag):
    """Local name of an element tag, namespace-agnostic; '' for comments and PIs."""
    name = _LOCAL.get(tag)
    if name is None:
        name = tag.rpartition("}")[2] if isinstance(tag, str) else ""
        _LOCAL[tag] = name
    return name


def text(el):
    """The element's text, trimmed; None when blank (concatenated when it has children)."""
    t = "".join(el.itertext()) if len(el) else el.text
    if t is None:
        return None
    t = t.strip()
    return t or None


def child_text(el, name):
    for c in el:
        if local(c.tag) == name:
            return text(c)
    return None


def coordinate(spatial):
    lat = lon = datum = None
    for c in spatial:
        n = _local_get(c.tag) or local(c.tag)
        if n == "Latitude":
            lat = to_float(text(c))
        elif n == "Longitude":
            lon = to_float(text(c))
        elif n == "Datum":
            datum = text(c)
    if (lat is None or lon is None) and datum:
        parts = datum.split(",")  # iCarol writes "lat, lon" into Datum
        if len(parts) == 2:
            a, b = to_float(parts[0].strip()), to_float(parts[1].strip())
            if a is not None and b is not None:
                lat, lon = a, b
    return valid_point(lat, lon)


def address(el):
    out = {}
    for c in el:
        n = _local_get(c.tag) or local(c.tag)
        if n in ("Line1", "Line2", "City", "State", "ZipCode", "Country") and n not in out:
            out[n] = text(c)
        elif n == "County" and n not in out:
            t = text(c)
            out[n] = normalised_county(t) if t else None
    return out


def languages(nodes):
    codes = []
    for node in nodes:
        for c in node:
            if local(c.tag) != "Name":
                continue
            t = text(c)
            if not t:
                continue
            for name in split_names(t):
                code = language_code(name)
                if code and code not in codes:
                    codes.append(code)
    return codes


def hours(node):
    days = []
    notes = None
    for day in node:
        n = _local_get(day.tag) or local(day.tag)
        if n == "Notes":
            if notes is None:
                notes = text(day)
            continue
        if not n:
            continue
        frm = to = None
        for c in day:
            cn = _local_get(c.tag) or local(c.tag)
            if cn == "From" and frm is None:
                frm = text(c)
            elif cn == "To" and to is None:
                to = text(c)
        if frm or to:
            days.append("%s %s\u2013%s" % (n[:3], frm or "?", to or "?"))
    if notes:
        return notes
    return "; ".join(days) if days else None


def phones(nodes):
    out = []
    for phone in nodes:
        number = ext = None
        for c in phone:
            n = _local_get(c.tag) or local(c.tag)
            if n == "PhoneNumber" and number is None:
                number = text(c)
            elif n == "Extension" and ext is None:
                ext = text(c)
        if number:
            out.append("%s ext. %s" % (number, ext) if ext else number)
    return out


def areas_served(nodes):
    areas = []
    for node in nodes:
        state = child_text(node, "State")
        specific = False
        description = country = None
        seen_description = seen_country = False
        for c in node:
            n = _local_get(c.tag) or local(c.tag)
            if n == "ZipCode":
                t = text(c)
                if t:
                    areas.append(("postal_code", t))
                    specific = True
            elif n == "City":
                t = text(c)
                if t:
                    areas.append(("city", t, state))
                    specific = True
            elif n == "County":
                t = text(c)
                if t:
                    areas.append(("county", normalised_county(t), state))
                    specific = True
            elif n == "Description" and not seen_description:
                seen_description, description = True, text(c)
            elif n == "Country" and not seen_country:
                seen_country, country = True, text(c)
        if description:
            parsed = areas_from_text(description, state)
            if parsed is not None:
                areas.extend(parsed)
                specific = True
        if not specific:
            if state:
                areas.append(("state", state))
            elif country:
                areas.append(("country", country))
    if len(areas) > 1:
        areas = [a for a in areas if a != ("anywhere",)]
    return areas


class Reader:
    def __init__(self, taxonomy):
        self.taxonomy = taxonomy
        self.services = 0
        self.rejected = 0
        self.organizations = 0
        self.unmapped = 0
        self.dump = None  # --dump: a callable given each record (for checking the peer, not timed)

    def read_agency(self, node, parent_id, depth):
        if depth > 32:
            self.rejected += 1
            return
        key = name = description = url = email = resource = spatial = served = None
        seen = set()
        sites, children = [], []
        for c in node:
            n = _local_get(c.tag) or local(c.tag)
            if n == "Site" or n == "AgencyLocation":
                sites.append(c)
            elif n == "Agency":
                children.append(c)
            elif n in seen:
                continue
            elif n == "Key":
                key = text(c)
            elif n == "Name":
                name = text(c)
            elif n == "AgencyDescription":
                description = text(c)
            elif n == "URL":
                url = child_text(c, "Address")
            elif n == "Email":
                email = child_text(c, "Address")
            elif n == "ResourceInfo":
                resource = c
            elif n == "SpatialLocation":
                spatial = c
            elif n == "GeographicAreaServed":
                served = c
            else:
                continue
            seen.add(n)
        if key is None and name is None:
            self.rejected += 1
            return
        agency_id = key or "org-" + (name or "")
        agency = {
            "id": agency_id, "name": name or agency_id, "url": url, "email": email,
            "resource": resource,
            "coordinate": coordinate(spatial) if spatial is not None else None,
            "areas": areas_served([served]) if served is not None else None,
        }
        organization = {"id": agency_id, "name": agency["name"],
                        "description": clean_text(description) if description else None,
                        "url": url, "email": email, "parent_id": parent_id}
        self.organizations += 1
        del organization
        for site in sites:
            self.read_site(site, agency)
            site.clear(keep_tail=False)
        for child in children:
            self.read_agency(child, agency_id, depth + 1)

    def read_site(self, node, agency):
        key = name = spatial = physical = time_open = None
        seen = set()
        lang_nodes, phone_nodes, services = [], [], []
        for c in node:
            n = _local_get(c.tag) or local(c.tag)
            if n == "SiteService":
                services.append(c)
            elif n == "Languages":
                lang_nodes.append(c)
            elif n == "Phone":
                phone_nodes.append(c)
            elif n in seen:
                continue
            elif n == "Key":
                key = text(c)
            elif n == "Name":
                name = text(c)
            elif n == "SpatialLocation":
                spatial = c
            elif n == "PhysicalAddress":
                physical = c
            elif n == "TimeOpen":
                time_open = c
            else:
                continue
            seen.add(n)
        point = coordinate(spatial) if spatial is not None else agency["coordinate"]
        addr = address(physical) if physical is not None else None
        site = {
            "key": key,
            "location": {"name": name, "address": addr, "coordinate": point}
            if addr is not None or point is not None else None,
            "languages": languages(lang_nodes),
            "hours": hours(time_open) if time_open is not None else None,
            "phones": phones(phone_nodes),
        }
        for service in services:
            self.read_service(service, site, agency)
            service.clear(keep_tail=False)

    def read_service(self, node, site, agency):
        name = key = description = time_open = resource = fees = residency = gender_text = None
        url = email = None
        seen = set()
        codes, lang_nodes, phone_nodes, area_nodes, age_nodes = [], [], [], [], []
        requirements, incomes, payments = [], [], []
        for c in node:
            n = _local_get(c.tag) or local(c.tag)
            if n == "Taxonomy":
                for code in c:
                    if local(code.tag) == "Code":
                        t = text(code)
                        if t:
                            codes.append(t)
                        break  # Trellis reads the first Code of each Taxonomy
            elif n == "GeographicAreaServed":
                area_nodes.append(c)
            elif n == "Languages":
                lang_nodes.append(c)
            elif n == "Phone":
                phone_nodes.append(c)
            elif n == "AgeRequirements":
                age_nodes.append(c)
            elif n in ("GeneralEligibility", "OtherRequirements", "FamilyRequirements"):
                t = text(c)
                if t:
                    requirements.append(t)
            elif n == "IncomeRequirements":
                t = text(c)
                if t:
                    incomes.append(t)
            elif n == "PaymentMethodAccepted":
                t = text(c)
                if t:
                    payments.extend(p.lower() for p in split_names(t))
            elif n in seen:
                continue
            elif n == "Name":
                name = text(c)
            elif n == "Key":
                key = text(c)
            elif n == "Description":
                description = text(c)
            elif n == "TimeOpen":
                time_open = c
            elif n == "ResourceInfo":
                resource = c
            elif n == "FeeStructure":
                fees = text(c)
            elif n == "ResidencyRequirements":
                residency = text(c)
            elif n == "GenderRequirements":
                gender_text = text(c)
            elif n == "URL":
                url = child_text(c, "Address")
            elif n == "Email":
                email = child_text(c, "Address")
            else:
                continue
            seen.add(n)

        if name is None and key is None:
            self.rejected += 1
            return
        if key is None:
            key = (site["key"] or agency["id"]) + "/" + name
        if not codes:
            self.rejected += 1
            return
        categories, attributes, unmapped = self.taxonomy.map(codes)
        self.unmapped += len(unmapped)

        service_languages = languages(lang_nodes) or site["languages"]
        service_phones = phones(phone_nodes) or site["phones"]

        info = resource if resource is not None else agency["resource"]
        available, verified = True, None
        if info is not None:
            flag = info.get("AvailableForReferral")
            if flag:
                b = parse_bool(flag.strip())
                available = True if b is None else b
            date = info.get("DateLastVerified")
            if date and len(date) >= 10 and date[4] == "-" and date[7] == "-":
                verified = date[:10]

        status = "active"
        raw = node.get("Status")
        if raw and raw.strip().lower() in STATUSES:
            status = raw.strip().lower()
        deleted = node.get("delete")
        if deleted and parse_bool(deleted.strip()):
            status = "inactive"

        genders, minimums, maximums = set(), [], []
        for age in age_nodes:
            v = to_int(age.get("MinimumAge"))
            if v is not None:
                minimums.append(v)
            v = to_int(age.get("MaximumAge"))
            if v is not None:
                maximums.append(v)
            g = age.get("Gender")
            if g and g.strip().lower() in GENDERS:
                genders.add(GENDERS[g.strip().lower()])
        if gender_text:
            words = set(_WORDS.findall(gender_text.lower()))
            if not words & {"no", "any", "all", "both"}:
                genders.update(GENDERS[w] for w in words if w in GENDERS)
        limits = [l for l in map(monthly_income_limit, incomes) if l is not None]
        eligibility = {
            "minimum_age": min(minimums) if minimums else None,
            "maximum_age": max(maximums) if maximums else None,
            "genders": list(genders) if len(genders) == 1 else [],
            "residency": residency,
            "monthly_income_limit": min(limits) if limits else None,
            "payment_accepted": payments,
            "requirements": requirements + incomes,
        }
        areas = areas_served(area_nodes)
        if not areas and agency["areas"]:
            areas = agency["areas"]

        record = {
            "key": key,
            "name": name or key,
            "description": clean_text(description) if description else None,
            "organization_id": agency["id"],
            "organization_name": agency["name"],
            "status": status,
            "available_for_referral": available,
            "taxonomy_codes": codes,
            "categories": categories,
            "attributes": attributes,
            "languages": service_languages,
            "locations": [site["location"]] if site["location"] else [],
            "areas_served": areas,
            "eligibility": eligibility,
            "hours": (hours(time_open) if time_open is not None else None) or site["hours"],
            "fees": fees,
            "last_verified": verified,
            "phones": service_phones,
            "url": url or agency["url"],
            "email": email or agency["email"],
        }
        self.services += 1
        if self.dump is not None:
            self.dump(record)


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
    from lxml import etree  # here, so hsds_python_peer can share the helpers without loading lxml

    reader = Reader(Taxonomy(taxonomy_path))
    if dump:
        reader.dump = lambda r: sys.stderr.write(json.dumps(r, default=sorted, ensure_ascii=False) + "\n")

    # resolve_entities/no_network: AIRS exports carry no DTD; never fetch or expand anything.
    events = etree.iterparse(path, events=("end",), tag="{*}Agency",
                             resolve_entities=False, no_network=True, huge_tree=False)
    for _, agency in events:
        parent = agency.getparent()
        if parent is None or parent.getparent() is not None:
            continue  # a nested Agency: read with its top-level Agency when that ends
        reader.read_agency(agency, None, 1)
        agency.clear(keep_tail=False)
        while agency.getprevious() is not None:
            del parent[0]
    del events

    print(json.dumps({"services": reader.services, "rejected": reader.rejected,
                      "organizations": reader.organizations}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
