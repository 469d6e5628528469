"""Every figure of scripts/bench beside its ceiling, measured in the same run.

A figure alone says little on a shared machine: the same build measures 20 % apart minute to
minute. Its ratio to a ceiling measured in the same run (the fastest the same machine does the
same kind of work at that moment) holds better, so scripts/bench passes each section's JSON lines
through `annotate` before printing them.

Every line but the machine's gets:
  "ceiling"   {"name": TEXT, "value": NUMBER, "unit": TEXT} -- the ceiling and its value in this
              run -- or null where the figure has no ceiling (a peer, a ceiling itself, a figure the
              ceilings table does not list).
  "ratio"     figure / ceiling.value (or ceiling / figure where "ratio_is" says so), rounded to
              3 places; null without a ceiling. Quotient lines that already had a "ratio" key
              naming the quotient ("trellis/xmllint_stream") keep it: their quotient is in "value"
              (or "p50"/"p99").
  "ratio_is"  how the ratio was formed, e.g. "requests_per_s / ceiling" (only with a ceiling).
  "aim"       where the ceilings table sets one: a condition on this line's keys, clauses joined
              by " and ", e.g. "ratio >= 0.3 and p99_ratio <= 4".
  "met"       with an aim: whether it holds (null below AIM_SERVICES services for a figure that
              depends on the directory's size, or below AIM_AUDIT_RECORDS audit records). A line
              that had a "met" for an absolute target before keeps that verdict as "target_met".
  Lines without an aim keep their "met" (an absolute target) as it was.
Some lines carry a second ceiling: "p99_ceiling" and "p99_ratio" (HTTP latency, p99 ÷ /healthz's p99).

Usage: python3 -m trellis_scripts.ceilings [--services N] < section.jsonl > annotated.jsonl
       python3 -m trellis_scripts.ceilings --check < results.jsonl   (exit 1 when a line lacks a key)
"""
import argparse
import json
import re
import sys

AIM_SERVICES = 100000
AIM_AUDIT_RECORDS = 100000
HEALTHZ = "GET /healthz"
MATCHES = "POST /v1/matches"
REFERRALS = "GET /v1/referrals?per_page=20"

# The aims of issue 20's table, by figure.
AIMS = {
    "http " + MATCHES: "ratio >= 0.3 and p99_ratio <= 4",
    "http " + REFERRALS: "ratio >= 0.3",
    "http_server_memory": "peak_rss_mb <= 250",
    "delivery_drain": "ratio >= 0.7",
    "directory_import airs trellis": "ratio <= 1.5",
    "directory_import airs trellis/xmllint_stream": "value <= 1.5",
    "audit_verify": "ratio <= 3",
    "match_latency trellis": "ratio >= 100",
    "match_latency sqlite_indexed_sql/trellis": "p99 >= 100",
}

_CLAUSE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(<=|>=|<|>)\s*(-?[0-9.]+)\s*$")


def _number(x):
    return x if isinstance(x, (int, float)) and not isinstance(x, bool) else None


def _quotient(a, b, places=3):
    a, b = _number(a), _number(b)
    if a is None or b is None or b == 0:
        return None
    return round(a / b, places)


def ceiling(name, value, unit):
    """The "ceiling" object; None when its value was not measured."""
    value = _number(value)
    return None if value is None else {"name": name, "value": value, "unit": unit}


def evaluate(aim, line):
    """Whether every clause of AIM ("key op number" joined by " and ") holds for LINE; None when a
    key has no number (the figure or its ceiling is missing)."""
    verdict = True
    for clause in aim.split(" and "):
        m = _CLAUSE.match(clause)
        if not m:
            raise ValueError("not an aim clause: %r" % clause)
        key, op, bound = m.group(1), m.group(2), float(m.group(3))
        value = _number(line.get(key))
        if value is None:
            return None
        ok = {"<=": value <= bound, ">=": value >= bound, "<": value < bound, ">": value > bound}[op]
        verdict = verdict and ok
    return verdict


def _key(line):
    bench = line.get("bench")
    if bench == "http":
        return "http " + str(line.get("route"))
    if bench == "directory_import":
        which = line.get("ratio") if isinstance(line.get("ratio"), str) else line.get("impl")
        return "directory_import %s %s" % (line.get("format"), which)
    if bench == "match_latency":
        which = line.get("ratio") if isinstance(line.get("ratio"), str) else line.get("impl")
        return "match_latency %s" % which
    return str(bench)


def _find(lines, **keys):
    for line in lines:
        if all(line.get(k) == v for k, v in keys.items()):
            return line
    return None


def _size_bound(line, services):
    """Whether a verdict may be given: figures that grow with the directory are judged at
    AIM_SERVICES services only (a smaller run is a smoke test), audit verify at AIM_AUDIT_RECORDS."""
    bench = line.get("bench")
    if bench == "audit_verify":
        records = _number(line.get("records"))
        return records is not None and records >= AIM_AUDIT_RECORDS
    if bench in ("http", "http_server_memory", "directory_import", "match_latency"):
        # The run's directory size: a reader's own count leaves out the records the generator
        # breaks on purpose (99,913 of 100,000), which would keep every verdict from being given.
        n = services or _number(line.get("services"))
        return n is not None and n >= AIM_SERVICES
    return True


def annotate(lines, services=None):
    """LINES (dicts, one section's figures) with "ceiling", "ratio" and, where the table sets one,
    "aim" and "met" added. Keys already there are kept (see the module's description for "met")."""
    lines = [dict(line) for line in lines]
    healthz = _find(lines, bench="http", route=HEALTHZ)
    xmllint = _find(lines, bench="directory_import", format="airs", impl="xmllint_stream")
    index = _find(lines, bench="match_index_memory")
    sql_peer = _find(lines, bench="match_latency", impl="sqlite_indexed_sql")

    for line in lines:
        bench = line.get("bench")
        if bench == "machine":
            continue
        key = _key(line)
        c = None
        if bench == "http" and line.get("route") in (MATCHES, REFERRALS) and healthz and "error" not in line:
            c = ceiling(HEALTHZ + " requests_per_s", healthz.get("requests_per_s"), "requests/s")
            line["ratio"] = _quotient(line.get("requests_per_s"), c and c["value"])
            line["ratio_is"] = "requests_per_s / ceiling"
            p99 = ceiling(HEALTHZ + " p99_ms", healthz.get("p99_ms"), "ms")
            line["p99_ceiling"] = p99
            line["p99_ratio"] = _quotient(line.get("p99_ms"), p99 and p99["value"])
        elif bench == "http" and line.get("route") == HEALTHZ:
            line["ceiling_for"] = [MATCHES, REFERRALS]
        elif bench == "http_server_memory" and index:
            c = ceiling("match_index_memory mb", index.get("mb"), "MB")
            line["ratio"] = _quotient(line.get("peak_rss_mb"), c and c["value"])
            line["ratio_is"] = "peak_rss_mb / ceiling"
        elif bench == "delivery_drain":
            slots, p50 = _number(line.get("slots")), _number(line.get("one_exchange_p50_ms"))
            per_s = slots * 1000 / p50 if slots and p50 else None
            c = ceiling("slots / one_exchange_p50", per_s and round(per_s, 1), "referrals/s")
            line["ratio"] = _quotient(line.get("per_s"), c and c["value"])
            line["ratio_is"] = "per_s / ceiling"
        elif bench == "audit_verify":
            c = ceiling("sha256sum over the audit export", line.get("export_sha256sum_wall_s"), "s")
            line["ratio"] = _quotient(line.get("wall_s"), c and c["value"])
            line["ratio_is"] = "wall_s / ceiling"
        elif key == "directory_import airs trellis" and xmllint:
            c = ceiling("xmllint --stream wall_s", xmllint.get("wall_s"), "s")
            line["ratio"] = _quotient(line.get("wall_s"), c and c["value"], 2)
            line["ratio_is"] = "wall_s / ceiling"
        elif key == "directory_import airs trellis/xmllint_stream" and xmllint:
            c = ceiling("xmllint --stream wall_s", xmllint.get("wall_s"), "s")
        elif key == "match_latency trellis" and sql_peer:
            c = ceiling("sqlite_indexed_sql p99_ms", sql_peer.get("p99_ms"), "ms")
            line["ratio"] = _quotient(c and c["value"], line.get("p99_ms"), 1)
            line["ratio_is"] = "ceiling / p99_ms (times faster than the SQL peer)"
        elif key == "match_latency sqlite_indexed_sql/trellis" and sql_peer:
            c = ceiling("sqlite_indexed_sql p99_ms", sql_peer.get("p99_ms"), "ms")
        line["ceiling"] = c
        line.setdefault("ratio", None)
        aim = AIMS.get(key)
        if aim is not None and "error" not in line:
            if "met" in line:
                line["target_met"] = line["met"]
            line["aim"] = aim
            line["met"] = evaluate(aim, line) if _size_bound(line, services) else None
    return lines


def missing_keys(line):
    """The keys an annotated figure line lacks (none for the machine's line)."""
    if line.get("bench") == "machine":
        return []
    missing = [k for k in ("ceiling", "ratio") if k not in line]
    if line.get("ceiling") is not None and "aim" in line and "met" not in line:
        missing.append("met")
    return missing


def main(argv=None):
    parser = argparse.ArgumentParser(description="Adds each figure's ceiling and ratio (scripts/bench).")
    parser.add_argument("--services", type=int, default=None, help="services in the run's directory")
    parser.add_argument("--check", action="store_true", help="only check that every line has its keys")
    args = parser.parse_args(argv)
    lines = []
    for raw in sys.stdin:
        raw = raw.strip()
        if not raw:
            continue
        try:
            lines.append(json.loads(raw))
        except ValueError:
            print("ceilings: not a JSON line: %s" % raw[:200], file=sys.stderr)
            return 1
    if args.check:
        bad = [(i + 1, missing_keys(line)) for i, line in enumerate(lines) if missing_keys(line)]
        for number, keys in bad:
            print("ceilings: line %d lacks %s" % (number, ", ".join(keys)), file=sys.stderr)
        return 1 if bad else 0
    for line in annotate(lines, args.services):
        print(json.dumps(line, separators=(",", ":"), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
