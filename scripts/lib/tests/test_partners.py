import json
import os
import stat

from trellis_scripts.partners import PartnerSim, new_secret, write_partners


def test_a_partner_file_is_private_and_in_the_shape_serve_reads(tmp_path):
    path = tmp_path / "partners.json"
    secret = new_secret()
    write_partners(path, [("agency", ["ORG-1", "ORG-2"], "http://127.0.0.1:9/referrals", secret)],
                   response_deadline_business_days=2)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert json.loads(path.read_text()) == [{
        "id": "agency", "organizations": ["ORG-1", "ORG-2"], "endpoint": "http://127.0.0.1:9/referrals", "format": "fhir-r4",
        "signing_secrets": [secret], "status_mode": "callback", "response_deadline_business_days": 2}]


def test_secrets_are_whsec_and_differ():
    assert new_secret().startswith("whsec_")
    assert new_secret() != new_secret()


def test_the_partner_simulator_starts_answers_and_stops(processes, trellis_bin, tmp_path):
    sim = PartnerSim(trellis_bin, tmp_path / "sim.log", new_secret(), processes=processes)
    endpoint = sim.start()
    assert endpoint == sim.base + "/referrals"
    assert isinstance(sim.stats(), dict)
    assert sim.receipts() == []
    sim.set_fail_rate(0.5)
    status, _, killed = sim.stop()
    assert not killed
    assert sim.proc.poll() is not None
