#!/usr/bin/env python3
"""Seeds a fuzz target's corpus and writes its libFuzzer dictionary (used by scripts/fuzz).

    fuzz_seeds.py TARGET CORPUS_DIR DICT_FILE      (TARGET: airs, hsds, profile or headers)

Prints the number of seed files copied. Standard library only; the OpenAPI document's examples are
read when PyYAML can be imported, and skipped (with a note on stderr) otherwise.
"""
import hashlib
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "Tests/TrellisDirectoryTests/Fixtures"


def add_seed(corpus, data):
    """Content-addressed, like libFuzzer's own corpus files, so seeding twice adds nothing."""
    name = hashlib.sha1(data).hexdigest()
    path = corpus / name
    if path.exists():
        return 0
    path.write_bytes(data)
    return 1


def openapi_document():
    try:
        import yaml  # noqa: PLC0415
    except ImportError:
        print("fuzz_seeds: PyYAML is missing: the OpenAPI document's examples are not used as seeds", file=sys.stderr)
        return None
    with open(ROOT / "schemas/openapi.yaml", encoding="utf-8") as f:
        return yaml.safe_load(f)


def walk(value):
    yield value
    if isinstance(value, dict):
        for v in value.values():
            yield from walk(v)
    elif isinstance(value, list):
        for v in value:
            yield from walk(v)


def dictionary_line(token):
    if isinstance(token, bytes):
        token = token.decode("utf-8", "replace")
    escaped = "".join(c if 0x20 <= ord(c) < 0x7F and c not in '"\\' else "\\x%02X" % ord(c) if ord(c) < 0x100 else c
                      for c in token)
    if any(ord(c) >= 0x100 for c in escaped):
        return None
    return '"%s"' % escaped


def write_dictionary(path, tokens):
    lines = sorted({line for line in (dictionary_line(t) for t in tokens if t) if line and len(line) <= 66})
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def taxonomy_tokens():
    data = json.loads((ROOT / "config/taxonomy-map.json").read_text(encoding="utf-8"))
    for entry in data.get("entries", []):
        for key in ("code", "term", "domain", "detail"):
            if isinstance(entry.get(key), str):
                yield entry[key]
        for attribute in entry.get("attributes") or []:
            yield attribute


def seed_airs(corpus):
    count = 0
    files = [p for p in sorted(FIXTURES.iterdir()) if p.suffix in (".xml", ".bin")]
    # The official AIRS 3.0 and 3.1 instances (ISO-8859-1, a namespace, nested agencies).
    files += sorted((FIXTURES / "official").glob("**/*.xml"))
    files += sorted((ROOT / "config/directories").glob("*.xml"))
    for p in files:
        count += add_seed(corpus, p.read_bytes())
    tokens = set(taxonomy_tokens())
    for xsd in sorted((ROOT / "schemas/airs").glob("*.xsd")):
        text = xsd.read_text(encoding="utf-8", errors="replace")
        for name in re.findall(r'<xs:(?:element|attribute)\s+[^>]*?name="([^"]+)"', text):
            tokens.update({"<%s>" % name, "</%s>" % name, name + '="'})
        tokens.update(re.findall(r'<xs:enumeration\s+value="([^"]*)"', text))
    tokens.update(['<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0" encoding="ISO-8859-1"?>',
                   '<Source SourceEntity="', 'xmlns="http://www.airs.org/schema/3_1/AIRS.xsd"', "<!DOCTYPE",
                   "<![CDATA[", "]]>", "<!--", "-->", "&amp;", "&#", "&#x", "<?", "?>", "/>"])
    return count, tokens


def seed_hsds(corpus):
    count = 0
    files = [p for p in sorted(FIXTURES.iterdir()) if p.suffix in (".json", ".ndjson")]
    # Open Referral's own examples, and the regression inputs (string escapes, a BOM, CRLF).
    files += sorted((FIXTURES / "official").glob("**/*.json"))
    files += sorted(p for p in (FIXTURES / "fuzz").iterdir() if p.is_file())
    files += sorted((ROOT / "config/directories").glob("*.json"))
    tokens = set(taxonomy_tokens())
    for p in files:
        data = p.read_bytes()
        count += add_seed(corpus, data)
        for line in [data] + data.splitlines():
            try:
                value = json.loads(line)
            except ValueError:
                continue
            for node in walk(value):
                if isinstance(node, dict):
                    tokens.update('"%s":' % k for k in node)
                elif isinstance(node, str) and len(node) <= 24:
                    tokens.add('"%s"' % node)
    for swift in sorted((ROOT / "Sources/TrellisDirectory/HSDS").glob("*.swift")):
        tokens.update('"%s"' % s for s in re.findall(r'"([A-Za-z_][A-Za-z0-9_.]{1,40})"', swift.read_text(encoding="utf-8")))
    tokens.update(["\\u0000", "\\ud800", "\\udc00", "\\\"", "\\u00a3", "\\n", "\\t", "\\/", "\\\\",
                   "\\ud83d\\ude00", '"cont\\u0065nts":', '"contents": [', "\r\n", "1e999", "-0", "null", "true", "false", "[]", "{}",
                   "\xef\xbb\xbf", "\n"])
    return count, tokens


def seed_profile(corpus):
    count = 0
    for p in sorted((ROOT / "config/profiles").glob("*.json")):
        count += add_seed(corpus, p.read_bytes())
    document = openapi_document()
    if document is not None:
        for node in walk(document):
            if isinstance(node, dict) and {"person", "needs"} <= node.keys():
                count += add_seed(corpus, json.dumps(node, indent=2).encode())
            elif isinstance(node, dict) and isinstance(node.get("profile"), dict):
                count += add_seed(corpus, json.dumps(node["profile"]).encode())
    tokens = set(taxonomy_tokens())
    schema = json.loads((ROOT / "schemas/needs-profile.schema.json").read_text(encoding="utf-8"))
    for node in walk(schema):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "properties" and isinstance(value, dict):
                    tokens.update('"%s":' % name for name in value)
                elif key in ("enum", "examples") and isinstance(value, list):
                    tokens.update(json.dumps(v) for v in value if isinstance(v, (str, int, float)))
                elif key == "const":
                    tokens.add(json.dumps(value))
    tokens.update(["null", "true", "false", "-0", "1e308", "-1e308", "1e-320", "9223372036854775808",
                   "-9223372036854775809", "0.0", "[]", "{}", "\\u0000", "\\ud800", "\\uDBFF\\uDFFF", "\\\""])
    return count, tokens


def seed_headers(corpus):
    """Four lines: webhook-timestamp, webhook-signature, X-Forwarded-For, the bearer token."""
    mac = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    seeds = [
        ["1614265330", mac, "198.51.100.7", "trt_" + "A" * 43],
        ["-9223372036854775808", " ".join([mac] * 9), "203.0.113.9, 198.51.100.7, 10.0.0.2", "trt_short"],
        ["9223372036854775807", mac + " v2,abc", "[2001:db8::1]:443", "Bearer trt_" + "_-" * 21 + "x"],
        ["000000000001", "v1,", "198.51.100.7:4711\r10.0.0.2", ""],
    ]
    count = sum(add_seed(corpus, "\n".join(seed).encode()) for seed in seeds)
    tokens = {"v1,", " v1,", "trt_", "\n", "\r", ", ", "[", "]:", "::ffff:", "127.0.0.1", "10.0.0.2", "::1", "9223372036854775807",
              "-9223372036854775808", "999999999999", "1e9", "=", "+", "/", "-", "_", "%"}
    return count, tokens


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("airs", "hsds", "profile", "headers"):
        print(__doc__, file=sys.stderr)
        return 2
    corpus = pathlib.Path(sys.argv[2])
    corpus.mkdir(parents=True, exist_ok=True)
    count, tokens = {"airs": seed_airs, "hsds": seed_hsds, "profile": seed_profile, "headers": seed_headers}[sys.argv[1]](corpus)
    write_dictionary(pathlib.Path(sys.argv[3]), tokens)
    print(count)
    return 0


if __name__ == "__main__":
    sys.exit(main())
