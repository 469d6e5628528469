"""scripts/bench's figures beside their ceilings (trellis_scripts.ceilings), on lines shaped as the
bench prints them."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from trellis_scripts.ceilings import annotate, evaluate, missing_keys

LIB = Path(__file__).resolve().parents[1]

MACHINE = {"bench": "machine", "cores": 2}
HEALTHZ = {"bench": "http", "route": "GET /healthz", "services": 100000, "requests_per_s": 10000.0, "p99_ms": 5.0}
MATCHES = {"bench": "http", "route": "POST /v1/matches", "services": 100000, "requests_per_s": 3500.0, "p99_ms": 18.0,
           "target_rps": 2000, "met": True}
LIST = {"bench": "http", "route": "GET /v1/referrals?per_page=20", "services": 100000, "requests_per_s": 2500.0, "p99_ms": 30.0}
INDEX = {"bench": "match_index_memory", "services": 100000, "mb": 80.0, "target_mb": 200, "met": True}
MEMORY = {"bench": "http_server_memory", "services": 100000, "peak_rss_mb": 760.0}


def test_http_routes_are_set_beside_healthz_on_the_same_server():
    out = annotate([HEALTHZ, MATCHES, LIST, INDEX, MEMORY], services=100000)
    healthz, matches, listing, index, memory = out
    assert matches["ceiling"] == {"name": "GET /healthz requests_per_s", "value": 10000.0, "unit": "requests/s"}
    assert matches["ratio"] == 0.35
    assert matches["p99_ceiling"]["value"] == 5.0
    assert matches["p99_ratio"] == 3.6
    assert matches["aim"] == "ratio >= 0.3 and p99_ratio <= 4"
    assert matches["met"] is True
    assert matches["target_met"] is True  # the absolute target's verdict is kept
    assert listing["ratio"] == 0.25 and listing["met"] is False
    assert healthz["ceiling"] is None and healthz["ratio"] is None
    assert memory["ceiling"]["value"] == 80.0 and memory["ratio"] == 9.5
    assert memory["aim"] == "peak_rss_mb <= 250" and memory["met"] is False
    assert index["ceiling"] is None and index["met"] is True  # no aim: its own target stays


def test_a_small_run_gives_ratios_but_no_verdict():
    small = [dict(l, services=20000) for l in (HEALTHZ, MATCHES)]
    out = annotate(small, services=20000)
    assert out[1]["ratio"] == 0.35
    assert out[1]["met"] is None


def test_without_healthz_a_route_has_no_ceiling_and_no_verdict():
    out = annotate([MATCHES], services=100000)
    assert out[0]["ceiling"] is None and out[0]["ratio"] is None


def test_delivery_drain_against_slots_over_one_exchange():
    drain = {"bench": "delivery_drain", "backend": "sqlite", "per_s": 600, "slots": 8, "one_exchange_p50_ms": 4.0,
             "target_per_s": 500, "met": True}
    (out,) = annotate([drain])
    assert out["ceiling"] == {"name": "slots / one_exchange_p50", "value": 2000.0, "unit": "referrals/s"}
    assert out["ratio"] == 0.3
    assert out["met"] is False and out["target_met"] is True


def test_audit_verify_against_sha256sum_of_the_export():
    verify = {"bench": "audit_verify", "backend": "postgres", "records": 100000, "wall_s": 1.5,
              "export_sha256sum_wall_s": 0.25, "met": True}
    (out,) = annotate([verify])
    assert out["ceiling"]["value"] == 0.25 and out["ratio"] == 6.0 and out["met"] is False
    (few,) = annotate([dict(verify, records=5000)])
    assert few["met"] is None


def test_airs_import_and_its_quotient_line_against_xmllint():
    lines = [{"bench": "directory_import", "format": "airs", "impl": "trellis", "services": 100000, "wall_s": 3.0, "met": True},
             {"bench": "directory_import", "format": "airs", "impl": "xmllint_stream", "services": 100000, "wall_s": 2.0},
             {"bench": "directory_import", "format": "airs", "ratio": "trellis/xmllint_stream", "value": 1.5, "aim": "<=1.5"},
             {"bench": "directory_import", "format": "hsds", "impl": "trellis", "services": 100000, "wall_s": 3.0}]
    trellis, xmllint, quotient, hsds = annotate(lines, services=100000)
    assert trellis["ratio"] == 1.5 and trellis["met"] is True and trellis["ceiling"]["name"] == "xmllint --stream wall_s"
    assert xmllint["ceiling"] is None
    assert quotient["ratio"] == "trellis/xmllint_stream"  # the existing key is kept
    assert quotient["ceiling"]["value"] == 2.0 and quotient["met"] is True
    assert hsds["ceiling"] is None and hsds["ratio"] is None


def test_match_is_times_faster_than_the_sql_peer():
    lines = [{"bench": "match_latency", "impl": "trellis", "services": 100000, "p99_ms": 0.5, "met": True},
             {"bench": "match_latency", "impl": "sqlite_indexed_sql", "p99_ms": 30.0},
             {"bench": "match_latency", "ratio": "sqlite_indexed_sql/trellis", "p50": 70.0, "p99": 60.0}]
    trellis, peer, quotient = annotate(lines, services=100000)
    assert trellis["ratio"] == 60.0 and trellis["met"] is False
    assert "ceiling / p99_ms" in trellis["ratio_is"]
    assert peer["ceiling"] is None
    assert quotient["ceiling"]["value"] == 30.0 and quotient["met"] is False


def test_every_line_gets_both_keys_and_failed_figures_get_no_verdict():
    failed = {"bench": "http", "route": "POST /v1/matches", "services": 100000, "error": "wrk failed"}
    other = {"bench": "reimport", "backend": "sqlite", "seconds": 12.0}
    out = annotate([MACHINE, HEALTHZ, failed, other], services=100000)
    assert "ceiling" not in out[0]
    assert all(missing_keys(l) == [] for l in out)
    assert "aim" not in out[2] and out[2]["ceiling"] is None
    assert missing_keys({"bench": "reimport"}) == ["ceiling", "ratio"]


@pytest.mark.parametrize("aim, line, verdict", [
    ("ratio >= 0.3", {"ratio": 0.3}, True),
    ("ratio >= 0.3 and p99_ratio <= 4", {"ratio": 0.5, "p99_ratio": 4.1}, False),
    ("ratio <= 1.5", {"ratio": None}, None),
    ("peak_rss_mb <= 250", {}, None),
])
def test_aims_are_conditions_on_the_line(aim, line, verdict):
    assert evaluate(aim, line) is verdict


def test_the_command_annotates_and_checks_json_lines():
    text = "\n".join(json.dumps(l) for l in (MACHINE, HEALTHZ, MATCHES)) + "\n"
    run = subprocess.run([sys.executable, "-m", "trellis_scripts.ceilings", "--services", "100000"], input=text,
                         capture_output=True, text=True, cwd=LIB, check=True)
    lines = [json.loads(l) for l in run.stdout.splitlines()]
    assert lines[2]["ratio"] == 0.35
    check = subprocess.run([sys.executable, "-m", "trellis_scripts.ceilings", "--check"], input=run.stdout,
                           capture_output=True, text=True, cwd=LIB)
    assert check.returncode == 0, check.stderr
    bad = subprocess.run([sys.executable, "-m", "trellis_scripts.ceilings", "--check"], input=text,
                         capture_output=True, text=True, cwd=LIB)
    assert bad.returncode == 1 and "lacks ceiling, ratio" in bad.stderr


def test_a_reader_that_rejects_the_planted_broken_records_is_still_judged():
    # The generator breaks 87 of 100,000 records on purpose; the reader's count is 99,913, the
    # run's directory is 100,000 services, and the verdict is given for the run's size.
    lines = [{"bench": "directory_import", "format": "airs", "impl": "trellis", "services": 99913, "wall_s": 4.0},
             {"bench": "directory_import", "format": "airs", "impl": "xmllint_stream", "wall_s": 2.0}]
    trellis, _ = annotate(lines, services=100000)
    assert trellis["ratio"] == 2.0 and trellis["met"] is False
    (small,) = annotate([dict(lines[0], services=4990)], services=5000)
    assert small["met"] is None
