import json

import jsonschema
import pytest

from trellis_scripts import ROOT
from trellis_scripts.profiles import load_profile, make_profiles, referral_document, variations

SCHEMA = json.loads((ROOT / "schemas" / "needs-profile.schema.json").read_text())
VALIDATOR = jsonschema.validators.validator_for(SCHEMA)(SCHEMA)


def errors_of(profile):
    return [e.message for e in VALIDATOR.iter_errors(profile)]


def test_the_example_profile_is_valid():
    assert errors_of(load_profile()) == []


def test_every_variation_is_a_valid_needs_profile():
    profiles = variations(200, seed=3)
    assert len(profiles) == 200
    assert [p for p in profiles if errors_of(p)] == []
    assert len({p["person"]["ref"] for p in profiles}) == 200


def test_variations_repeat_with_the_seed_and_differ_without_it():
    assert variations(20, seed=5) == variations(20, seed=5)
    assert variations(20, seed=5) != variations(20, seed=6)


def test_without_an_airs_directory_the_profiles_are_variations(tmp_path):
    assert make_profiles(tmp_path, [str(ROOT / "config" / "directories" / "riverbend.hsds.json")], 10, 1) == variations(10, 1)


@pytest.mark.parametrize("by, number, name, phone", [("drill", None, "Drill Person P-7", "(555) 555-0100"),
                                                     ("load", 12345, "Load Person 12345", "(555) 555-2345")])
def test_a_referral_document_names_the_person_and_consents_to_contact_and_needs(by, number, name, phone):
    document = referral_document(load_profile(), "P-7", "SVC-1", "ORG-1", by=by, number=number)
    assert errors_of(document["profile"]) == []
    assert document["profile"]["person"]["ref"] == "P-7"
    assert (document["profile"]["person"]["name"], document["profile"]["person"]["phone"]) == (name, phone)
    assert document["service_id"] == "SVC-1"
    consent = document["consent"]
    assert (consent["recipient"], consent["categories"], consent["captured_by"]) == ("ORG-1", ["contact", "needs"], by)
