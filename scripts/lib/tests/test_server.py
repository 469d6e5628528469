import json

from trellis_scripts import DIRECTORIES
from trellis_scripts.partners import PartnerSim, new_secret, write_partners
from trellis_scripts.profiles import load_profile, match_candidates, referral_document
from trellis_scripts.server import Server
from trellis_scripts.store import Store
from trellis_scripts.web import audit_records, call, metrics, outbox_figures


def test_trellis_serve_starts_answers_delivers_and_stops_gracefully(processes, trellis_bin, tmp_path):
    store = Store(trellis_bin, tmp_path, str(tmp_path / "trellis.sqlite"), first_start_directories=())
    report = store.import_directories(DIRECTORIES)
    assert report["stored"]["services"] > 0
    organizations = store.organizations()
    assert organizations
    caseworker = store.add_user("caseworker")
    admin = store.add_user("admin", org="COUNTY")
    assert json.loads(open(store.config).read())["database"] == store.url

    secret = new_secret()
    sim = PartnerSim(trellis_bin, tmp_path / "sim.log", secret, accept_after=0, processes=processes)
    endpoint = sim.start()
    partners = tmp_path / "partners.json"
    write_partners(partners, [("agency", organizations, endpoint, secret)])
    server = Server(store, tmp_path / "serve.log", partners=partners, backoff_scale=0.01, processes=processes)
    server.start(timeout=120)
    assert server.alive()
    assert server.memory_mb()["rss_mb"] > 0

    profile = load_profile()
    service_id, organization_id = match_candidates(server.base, caseworker, profile)[0]
    answer = call("POST", server.base, "/v1/referrals", referral_document(profile, "P-TEST-1", service_id, organization_id),
                  token=caseworker)
    assert answer.status == 201, answer.text()
    referral_id = answer.json()["id"]
    assert any(referral_id in record.values() for record in audit_records(server.base, admin))
    assert "http_server_request_duration_seconds_count" in " ".join(metrics(server.metrics_base))
    depth, _ = outbox_figures(server.metrics_base)
    assert depth is not None

    status, _, killed = server.stop()
    assert (status, killed) == (0, False)
    assert server.log_lines(r"==== start 1 at ")
    assert [r["id"] for r in store.referral_list()] == [referral_id]
    assert store.audit_verify()["exit_status"] == 0
