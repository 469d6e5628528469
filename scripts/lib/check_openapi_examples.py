"""Checks that the OpenAPI document's schemas accept real data and refuse what the server refuses.

With the independent jsonschema package (JSON Schema 2020-12, formats checked):
- the inlined NeedsProfile and PartnerReferralDocument schemas still agree with
  schemas/needs-profile.schema.json, schemas/referral.schema.json and schemas/partner-status.schema.json;
- real instances validate: config/profiles/example.json as a NeedsProfile, a referral submission made
  of it and config/consents/example.json, error envelopes, a page of referrals, a draft in full;
- every example in the document validates against its schema, strictly: an example may not carry a
  property its schema does not declare, so examples and schemas cannot drift apart silently;
- bodies the server refuses for an unknown field are refused by the schemas too;
- with --responses DIR, recorded answers of a running server (JSON files of
  {"method", "path", "status", "body"}) validate against the schema of the operation and status.

Ends with "N passed, N failed"; exit 0 when nothing failed, 1 otherwise.
"""
import argparse
import copy
import glob
import json
import os
import re
import sys

import jsonschema
import referencing
import yaml
from referencing.jsonschema import DRAFT202012

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BASE = "urn:trellis:openapi"


class Checker:
    def __init__(self, document):
        self.document = document
        self.strict_document = strictly(document)
        self.passed = 0
        self.failed = 0

    def validator(self, schema, strict=False):
        document = self.strict_document if strict else self.document
        registry = referencing.Registry().with_resource(BASE, DRAFT202012.create_resource(document))
        # A schema taken out of the document refers into it: point its references at the registered copy.
        schema = json.loads(json.dumps(schema).replace('"$ref": "#/', f'"$ref": "{BASE}#/'))
        return jsonschema.Draft202012Validator(schema, registry=registry, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)

    def component(self, name, strict=False):
        return self.validator({"$ref": f"{BASE}#/components/schemas/{name}"}, strict)

    def report(self, ok, what, why=""):
        if ok:
            self.passed += 1
            print(f"ok    {what}")
        else:
            self.failed += 1
            print(f"FAIL  {what}{': ' + why if why else ''}")

    def accepts(self, what, validator, instance):
        errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
        why = "; ".join(f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:200]}" for e in errors[:3])
        self.report(not errors, what, why)

    def refuses(self, what, validator, instance, field):
        errors = list(validator.iter_errors(instance))
        named = any(field in json.dumps(e.message) or field in map(str, e.absolute_path) for e in errors)
        self.report(bool(errors) and named, what, "accepted" if not errors else f"refused, but not naming {field}")


def strictly(document):
    """The document with `unevaluatedProperties: false` on every object schema that leaves extra
    properties open. A component that is an allOf member is tightened through a twin left open at its
    top (the allOf around it is tightened instead), so Referral stays strict where it stands alone."""
    strict = copy.deepcopy(document)
    schemas = strict["components"]["schemas"]
    members = set()

    def find_members(node):
        if isinstance(node, dict):
            for member in node.get("allOf", []):
                if isinstance(member, dict) and member.get("$ref", "").startswith("#/components/schemas/"):
                    name = member["$ref"].rsplit("/", 1)[1]
                    members.add(name)
                    member["$ref"] = f"#/components/schemas/{name}__open"
            for value in node.values():
                find_members(value)
        elif isinstance(node, list):
            for value in node:
                find_members(value)

    find_members(schemas)
    for name in members:
        schemas[f"{name}__open"] = copy.deepcopy(schemas[name])

    def tighten(schema, open_top=False):
        if not isinstance(schema, dict):
            return
        if (not open_top and ("properties" in schema or "allOf" in schema) and schema.get("type", "object") == "object"
                and "additionalProperties" not in schema and "unevaluatedProperties" not in schema):
            schema["unevaluatedProperties"] = False
        for value in (schema.get("properties") or {}).values():
            tighten(value)
        for key in ("items", "additionalProperties"):
            tighten(schema.get(key))
        for key in ("oneOf", "anyOf"):
            for member in schema.get(key, []):
                tighten(member)
        for member in schema.get("allOf", []):
            tighten(member, open_top=True)

    for name, schema in schemas.items():
        tighten(schema, open_top=name.endswith("__open"))
    return strict


def media_examples(document):
    """(where, schema, example) for each example of a media type or parameter in paths and webhooks."""
    def walk(node, path):
        if isinstance(node, dict):
            schema = node.get("schema")
            if isinstance(schema, dict):
                if "example" in node:
                    yield pointer(path), schema, node["example"]
                for name, example in (node.get("examples") or {}).items():
                    if isinstance(example, dict) and "value" in example:
                        yield pointer(path + [name]), schema, example["value"]
            for key, value in node.items():
                if key not in ("schema", "example", "examples"):
                    yield from walk(value, path + [str(key)])
        elif isinstance(node, list):
            for index, value in enumerate(node):
                yield from walk(value, path + [str(index)])
    for top in ("paths", "webhooks", "components"):
        if top == "components":
            for kind in ("responses", "parameters", "requestBodies", "headers"):
                yield from walk(document.get("components", {}).get(kind, {}), ["components", kind])
        else:
            yield from walk(document.get(top, {}), [top])


def pointer(parts):
    return "/" + "/".join(str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def resolve(document, node):
    while isinstance(node, dict) and "$ref" in node:
        target = document
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def load_json(relative):
    with open(os.path.join(ROOT, relative), encoding="utf-8") as f:
        return json.load(f)


def without(schema, *keys):
    return {k: v for k, v in schema.items() if k not in keys}


def check_copies(checker, schemas):
    needs = without(load_json("schemas/needs-profile.schema.json"), "$schema", "$id")
    checker.report(without(schemas["NeedsProfile"], "$comment") == needs,
                   "NeedsProfile is schemas/needs-profile.schema.json", "they differ: copy the file's schema into the document again")
    text = json.dumps(without(schemas["PartnerReferralDocument"], "$comment"))
    partner = json.loads(text.replace('"#/components/schemas/PartnerReferralDocument/$defs/', '"#/$defs/'))
    checker.report(partner == without(load_json("schemas/referral.schema.json"), "$schema", "$id"),
                   "PartnerReferralDocument is schemas/referral.schema.json", "they differ: copy the file's schema into the document again")
    status = json.loads(json.dumps(schemas["PartnerStatusUpdate"]).replace('"#/components/schemas/', '"#/$defs/'))
    file = load_json("schemas/partner-status.schema.json")
    checker.report(status == without(file, "$schema", "$id", "$defs")
                   and file.get("$defs") == {"ReferralStatus": schemas["ReferralStatus"], "ReferralOutcome": schemas["ReferralOutcome"]},
                   "PartnerStatusUpdate is schemas/partner-status.schema.json", "they differ: copy the document's schema into the file again")


def check_instances(checker):
    profile = load_json("config/profiles/example.json")
    consent = load_json("config/consents/example.json")
    checker.accepts("config/profiles/example.json is a NeedsProfile", checker.component("NeedsProfile"), profile)
    checker.accepts("config/consents/example.json is a Consent", checker.component("Consent"), consent)
    submission = {"profile": profile, "service_id": "svc-5d4ce3afff9f1abf", "consent": consent, "note": "prefers mornings", "draft": False}
    checker.accepts("a referral submission of the example profile and consent", checker.component("ReferralSubmission"), submission)
    checker.accepts("an error envelope with a field", checker.component("Error", strict=True),
                    {"error": {"code": "invalid", "field": "person.agee", "message": "person.agee: unknown field"}})
    checker.accepts("an error envelope without a field", checker.component("Error", strict=True),
                    {"error": {"code": "not_found", "message": "Not Found"}})
    referral = {"consent_id": "con-949a0fc4844eeb995ac16cfa", "created_at": "2026-12-02T05:59:47Z", "created_by": "cw-7",
                "id": "ref-9787c1a4756b418127ac006b", "need_domains": ["housing", "employment", "clinical"],
                "organization_id": "RB-ORG-101", "overdue": False, "person_ref": "P-1042", "referrer_organization_id": "ORG-COUNTY",
                "requested_at": "2026-12-02T05:59:47Z", "respond_by": "2026-12-04T05:59:47Z", "service_id": "svc-5d4ce3afff9f1abf",
                "status": "requested", "updated_at": "2026-12-02T05:59:47Z", "version": 1}
    page = {"contents": [referral], "empty": False, "first_page": True, "has_more": True, "last_page": False, "page_number": 1, "size": 1}
    checker.accepts("a page of referrals", checker.component("ReferralPage", strict=True), page)
    checker.accepts("an empty last page of referrals", checker.component("ReferralPage", strict=True),
                    {"contents": [], "empty": True, "first_page": False, "has_more": False, "last_page": True, "page_number": 3, "size": 20})
    draft = dict(referral, status="draft", delivery=None, delivery_attempts=[],
                 history=[{"actor": "cw-7", "at": "2026-12-02T05:59:47Z", "party": "referrer", "source": "api", "to": "draft"}])
    del draft["requested_at"], draft["respond_by"]
    checker.accepts("a draft in full (delivery null)", checker.component("ReferralDetail", strict=True), draft)
    checker.refuses("a page of referrals without has_more is refused", checker.component("ReferralPage"),
                    without(page, "has_more"), "has_more")


def check_refusals(checker):
    profile = load_json("config/profiles/example.json")
    consent = load_json("config/consents/example.json")
    typo = copy.deepcopy(profile)
    typo["person"]["agee"] = 3
    checker.refuses("a profile with person.agee is refused", checker.component("NeedsProfile"), typo, "agee")
    checker.refuses("a profile with an unknown need domain is refused", checker.component("NeedsProfile"),
                    dict(profile, needs=[{"domain": "spaceflight"}]), "spaceflight")
    submission = {"profile": profile, "service_id": "svc-1", "consent": consent}
    checker.refuses("a submission with colour is refused", checker.component("ReferralSubmission"), dict(submission, colour="red"), "colour")
    checker.refuses("a consent with colour is refused", checker.component("ReferralSubmission"),
                    dict(submission, consent=dict(consent, colour=1)), "colour")
    checker.refuses("a consent with no category is refused", checker.component("Consent"), dict(consent, categories=[]), "categories")
    checker.refuses("a cancellation with why is refused", checker.component("CancelRequest"), {"why": "x"}, "why")
    checker.refuses("a partner's status update with colour is refused", checker.component("PartnerStatusUpdate"),
                    {"referral_id": "ref-1", "status": "accepted", "colour": 1}, "colour")
    checker.refuses("a partner's status update with status approved is refused", checker.component("PartnerStatusUpdate"),
                    {"referral_id": "ref-1", "status": "approved"}, "approved")


def check_document_examples(checker):
    for where, schema, example in media_examples(checker.document):
        if schema.get("type") == "string" and isinstance(example, str) and "$ref" not in schema:
            checker.accepts(f"example {where}", checker.validator(schema), example)
            continue
        checker.accepts(f"example {where} (strict)", checker.validator(schema, strict=True), example)


def operation_for(document, method, path):
    """The operation whose path template matches `path` (query string dropped)."""
    path = path.split("?", 1)[0]
    for template, item in document.get("paths", {}).items():
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path) and method.lower() in item:
            return template, item[method.lower()]
    return None, None


def check_responses(checker, folder):
    files = sorted(glob.glob(os.path.join(folder, "*.json")))
    if not files:
        checker.report(False, f"recorded answers in {folder}", "no *.json files")
    for file in files:
        with open(file, encoding="utf-8") as f:
            record = json.load(f)
        name = os.path.basename(file)
        template, operation = operation_for(checker.document, record["method"], record["path"])
        status = str(record["status"])
        if operation is None:
            undocumented = status == "404" and isinstance(record["body"], dict) and "error" in record["body"]
            what = f"{name}: {record['method']} {record['path']} {status}"
            if undocumented:
                checker.accepts(what + " (no such route: the error envelope)", checker.component("Error", strict=True), record["body"])
            else:
                checker.report(False, what, "no operation in the document")
            continue
        responses = operation.get("responses", {})
        response = resolve(checker.document, responses.get(status) or responses.get(status[0] + "XX") or responses.get("default"))
        what = f"{name}: {record['method']} {template} {status}"
        if response is None:
            checker.report(False, what, "status not documented")
            continue
        content = response.get("content") or {}
        media = (record.get("content_type") or "").split(";", 1)[0].strip()
        schema = (content.get(media) or {}).get("schema")
        if schema is None:
            checker.report(not content, what, f"no schema for {media or 'an empty body'}")
            continue
        checker.accepts(what, checker.validator(schema, strict=True), record["body"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("document", nargs="?", default=os.path.join(ROOT, "schemas", "openapi.yaml"),
                        help="the OpenAPI document (default: schemas/openapi.yaml)")
    parser.add_argument("--responses", metavar="DIR", help="also check the recorded answers in DIR/*.json")
    args = parser.parse_args()
    with open(args.document, encoding="utf-8") as f:
        document = yaml.safe_load(f)
    checker = Checker(document)
    check_copies(checker, document["components"]["schemas"])
    check_instances(checker)
    check_refusals(checker)
    check_document_examples(checker)
    if args.responses:
        check_responses(checker, args.responses)
    print(f"{checker.passed} passed, {checker.failed} failed")
    return 1 if checker.failed else 0


if __name__ == "__main__":
    sys.exit(main())
