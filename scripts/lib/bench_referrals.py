#!/usr/bin/env python3
"""Creates referrals through the HTTP API, for scripts/bench's http section (GET /v1/referrals).

Usage: TRELLIS_TOKEN=trt_... bench_referrals.py --url http://127.0.0.1:PORT --profiles FILE
                                                [--count 500] [--limit 3]

For each of --count referrals it takes the next needs profile from FILE (one JSON object per line,
scripts/lib/bench_profiles.py), ranks it with POST /v1/matches?limit=N (byte for byte what
`trellis match --json` prints for the same directory), picks one of the services ranked
(matches[].results[].service_id and its organization_id, a different rank from one referral to the
next) and sends POST /v1/referrals with
  {"profile": PROFILE (with a made-up name and phone), "service_id": ID,
   "consent": {"recipient": ORGANIZATION_ID, "categories": ["contact", "needs"], "method": "verbal",
               "captured_by": "bench", "captured_at": NOW}}
as the signed-in user (Authorization: Bearer $TRELLIS_TOKEN). One keep-alive connection, one request
at a time: this fills the database, it measures nothing.

Prints one JSON line on stdout: {"created", "attempted", "no_match", "failed", "statuses",
"failure_sample", "seconds", "route_missing"}. Exit status 0 when at least one referral was created,
3 when POST /v1/referrals answers 404 without naming a field (the route does not exist in this build),
1 otherwise.
"""
import argparse
import datetime
import http.client
import json
import os
import sys
import time
import urllib.parse

MAX_CONSECUTIVE_FAILURES = 50


class Client:
    def __init__(self, url, token):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme != "http" or not parts.hostname:
            raise SystemExit("bench_referrals: --url must be http://HOST:PORT, not %r" % url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json",
                        "Accept": "application/json"}
        self.connection = None

    def post(self, path, document):
        body = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        for attempt in (1, 2):
            try:
                if self.connection is None:
                    self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
                self.connection.request("POST", path, body=body, headers=self.headers)
                response = self.connection.getresponse()
                data = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.close()
                return response.status, data
            except (http.client.HTTPException, OSError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def error_field(data):
    try:
        return (json.loads(data).get("error") or {}).get("field")
    except (ValueError, AttributeError):
        return None


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="the service, http://127.0.0.1:PORT")
    parser.add_argument("--profiles", required=True, help="needs profiles, one JSON object per line")
    parser.add_argument("--count", type=int, default=500, help="referrals to create (default 500)")
    parser.add_argument("--limit", type=int, default=3, help="results per need to choose from (default 3)")
    args = parser.parse_args(argv[1:])
    token = os.environ.get("TRELLIS_TOKEN", "")
    if not token:
        parser.error("TRELLIS_TOKEN must hold an API token")
    with open(args.profiles, encoding="utf-8") as f:
        profiles = [json.loads(line) for line in f if line.strip()]
    if not profiles:
        parser.error("no profiles in %s" % args.profiles)

    client = Client(args.url.rstrip("/"), token)
    summary = {"created": 0, "attempted": 0, "no_match": 0, "failed": 0, "statuses": {},
               "failure_sample": None, "seconds": None, "route_missing": False}
    started = time.monotonic()
    consecutive = 0

    def failed(what, status, data):
        summary["failed"] += 1
        if summary["failure_sample"] is None:
            summary["failure_sample"] = "%s %s %s" % (what, status, data[:300].decode("utf-8", "replace"))

    try:
        for n in range(args.count):
            profile = profiles[n % len(profiles)]
            status, data = client.post("/v1/matches?limit=%d" % args.limit, profile)
            if status != 200:
                failed("POST /v1/matches", status, data)
                consecutive += 1
                if consecutive >= MAX_CONSECUTIVE_FAILURES:
                    break
                continue
            ranked = [r for m in json.loads(data).get("matches", []) for r in m.get("results", [])
                      if r.get("service_id") and r.get("organization_id")]
            if not ranked:
                summary["no_match"] += 1
                continue
            choice = ranked[n % len(ranked)]
            person = dict(profile["person"])
            person.setdefault("name", "Bench Person %d" % (n + 1))
            person.setdefault("phone", "(555) 555-%04d" % (n % 10000))
            now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            document = {
                "profile": dict(profile, person=person),
                "service_id": choice["service_id"],
                "consent": {"recipient": choice["organization_id"], "categories": ["contact", "needs"],
                            "method": "verbal", "captured_by": "bench", "captured_at": now},
            }
            summary["attempted"] += 1
            status, data = client.post("/v1/referrals", document)
            key = str(status)
            summary["statuses"][key] = summary["statuses"].get(key, 0) + 1
            if 200 <= status <= 299:
                summary["created"] += 1
                consecutive = 0
                continue
            failed("POST /v1/referrals", status, data)
            if status == 404 and error_field(data) is None:
                summary["route_missing"] = True
                break
            consecutive += 1
            if consecutive >= MAX_CONSECUTIVE_FAILURES:
                break
    except (http.client.HTTPException, OSError) as error:
        summary["failure_sample"] = summary["failure_sample"] or "connection: %s" % error
    finally:
        client.close()
    summary["seconds"] = round(time.monotonic() - started, 3)
    print(json.dumps(summary, separators=(",", ":"), sort_keys=True))
    if summary["route_missing"]:
        return 3
    return 0 if summary["created"] > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
