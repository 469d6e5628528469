#!/usr/bin/env python3
"""Validates FHIR R4 resources, one JSON object per line, with fhir.resources (an independent validator).

Usage: validate_fhir.py FILE [RESOURCE_TYPE]
Prints `valid N` and exits 0 when every line is a valid resource (of RESOURCE_TYPE when given);
otherwise prints `FILE:LINE: error` for each invalid line and exits 1.
"""
import json
import sys

from fhir.resources import get_fhir_model_class


def main() -> int:
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    path = sys.argv[1]
    expected = sys.argv[2] if len(sys.argv) == 3 else None
    valid, errors = 0, 0
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                kind = data.get("resourceType")
                if expected and kind != expected:
                    raise ValueError(f"resourceType is {kind!r}, expected {expected!r}")
                get_fhir_model_class(kind).parse_obj(data)
                valid += 1
            except Exception as error:  # report every line, not just the first
                errors += 1
                print(f"{path}:{number}: {error}".replace("\n", " "))
    print(f"valid {valid}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
