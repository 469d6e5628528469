"""Validates a JSON document against a JSON Schema (2020-12) with the independent jsonschema package.

usage: validate_json_schema.py SCHEMA DOCUMENT   (exit 0 valid, 1 invalid, 2 unusable input)
"""
import json
import sys

import jsonschema


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    with open(sys.argv[2], encoding="utf-8") as f:
        document = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(document), key=lambda e: list(e.path))
    for error in errors:
        print("/".join(str(p) for p in error.path) or "(root)", ":", error.message)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
