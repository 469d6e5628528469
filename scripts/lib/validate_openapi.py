"""Validates an OpenAPI document (3.0 or 3.1) with openapi-spec-validator.

Also checks every Schema Object of a 3.1 document against the JSON Schema 2020-12 metaschema, which
openapi-spec-validator 0.7 does not follow into (it would accept "type: objekt").

Prints "ok" when the document is valid; otherwise the error, with its path in the document as a JSON
pointer, and exits 1 (with --all, every error found). Exit 2 when the file cannot be read or parsed.
"""
import argparse
import sys

import jsonschema
import yaml
from openapi_spec_validator import OpenAPIV31SpecValidator, validate
from openapi_spec_validator.readers import read_from_filename


def pointer(parts) -> str:
    return "/" + "/".join(str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def brief(message: str, limit: int = 300) -> str:
    """Reference errors quote the whole document; keep the part that says what is wrong."""
    message = message.split(" within {", 1)[0]
    return message if len(message) <= limit else message[:limit] + "…"


def schema_objects(document):
    """(path, schema) for each Schema Object: components/schemas entries, and every `schema` of a
    parameter, header or media type. Not inside schemas (a property may be called "schema") or examples."""
    for name, schema in (document.get("components", {}).get("schemas") or {}).items():
        yield ["components", "schemas", name], schema

    def walk(node, path):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("example", "examples") or path[:2] == ["components", "schemas"]:
                    continue
                if key == "schema" and isinstance(value, dict):
                    yield path + [key], value
                else:
                    yield from walk(value, path + [key])
        elif isinstance(node, list):
            for index, value in enumerate(node):
                yield from walk(value, path + [index])

    yield from walk(document, [])


def references_to(document, target: str):
    """Where `{"$ref": "#<target>"}` appears, so an unresolvable reference is reported at its use."""
    def walk(node, path):
        if isinstance(node, dict):
            if node.get("$ref") == "#" + target:
                yield pointer(path + ["$ref"])
            for key, value in node.items():
                yield from walk(value, path + [key])
        elif isinstance(node, list):
            for index, value in enumerate(node):
                yield from walk(value, path + [index])
    return list(walk(document, []))


def located(document, where: str, message: str):
    """The error, moved from the root to the references it is about when it is an unresolvable one."""
    if where == "/" and message.endswith("' does not exist") and message.startswith("'"):
        uses = references_to(document, message[1:-len("' does not exist")])
        if uses:
            return [(use, message) for use in uses]
    return [(where, message)]


def errors_in(document, base_uri: str, every: bool):
    """Each error as (pointer, message)."""
    found = []
    if every and str(document.get("openapi", "")).startswith("3.1"):
        found = [(pointer(e.absolute_path), brief(e.message)) for e in OpenAPIV31SpecValidator(document, base_uri=base_uri).iter_errors()]
    else:
        try:
            validate(document, base_uri=base_uri)
        except Exception as error:  # noqa: BLE001 - any refusal is the document's fault
            found = located(document, pointer(getattr(error, "absolute_path", None) or []), brief(str(getattr(error, "message", error))))
    if found and not every:
        return found
    if str(document.get("openapi", "")).startswith("3.1"):
        meta = jsonschema.Draft202012Validator(jsonschema.Draft202012Validator.META_SCHEMA)
        for path, schema in schema_objects(document):
            for error in meta.iter_errors(schema):
                found.append((pointer(path + list(error.absolute_path)), brief(error.message)))
                if not every:
                    return found
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("document", nargs="?", default="schemas/openapi.yaml",
                        help="the OpenAPI document, YAML or JSON (default: schemas/openapi.yaml)")
    parser.add_argument("--all", action="store_true", help="list every error instead of stopping at the first")
    args = parser.parse_args()

    try:
        document, base_uri = read_from_filename(args.document)
    except (OSError, yaml.YAMLError) as error:
        print(f"{args.document}: cannot read: {error}", file=sys.stderr)
        return 2
    if not isinstance(document, dict):
        print(f"{args.document}: not an OpenAPI document (expected a mapping at the top)", file=sys.stderr)
        return 2

    errors = errors_in(document, base_uri, args.all)
    for where, message in errors:
        print(f"{args.document}: {where}: {message}")
    if errors:
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
