#!/usr/bin/env python3
"""Turns one schemathesis run's reports into JSON lines (used by scripts/schemathesis).

    schemathesis_report.py ROLE JSON_REPORT NDJSON_EVENTS EXIT_CODE [SERVER_LOG_OF_A_CRASH]

Prints one line per distinct failure (operation, check and the first line of its message), with the
request that triggered it and a curl command to send it again (the bearer token left as $TOKEN),
then a summary line for the run. With SERVER_LOG_OF_A_CRASH (the server died during the run), first
a "server_crashed" line: the runtime's message and Trellis's frames from the log, and the earliest
request that got no answer. Standard library only.
"""
import re
import base64
import json
import shlex
import sys


def body_text(body):
    if not body:
        return None
    if "$base64" in body:
        raw = base64.b64decode(body["$base64"])
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return "base64:" + body["$base64"]
    return body.get("string") if isinstance(body, dict) else str(body)


def curl(request):
    parts = ["curl", "-sS", "-i", "-X", request["method"], shlex.quote(request["uri"])]
    for name, values in (request.get("headers") or {}).items():
        for value in values if isinstance(values, list) else [values]:
            if name.lower() == "authorization":
                value = "Bearer $TOKEN"
                parts += ["-H", '"%s: %s"' % (name, value)]
            else:
                parts += ["-H", shlex.quote("%s: %s" % (name, value))]
    text = body_text(request.get("body"))
    if text is not None:
        if text.startswith("base64:"):
            parts += ["--data-binary", "@<(echo %s | base64 -d)" % shlex.quote(text[7:])]
        else:
            parts += ["--data-binary", shlex.quote(text)]
    return " ".join(parts)


def failures(role, events_path):
    seen = set()
    try:
        lines = open(events_path, encoding="utf-8")
    except OSError:
        return
    with lines:
        for line in lines:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            finished = event.get("ScenarioFinished")
            if not finished:
                continue
            recorder = finished.get("recorder") or {}
            for case_id, checks in (recorder.get("checks") or {}).items():
                for check in checks:
                    if check.get("status") == "success":
                        continue
                    failure = (check.get("failure_info") or {}).get("failure") or {}
                    message = (failure.get("message") or failure.get("title") or "").strip()
                    operation = failure.get("operation") or recorder.get("label")
                    key = (operation, check.get("name"), message.splitlines()[0] if message else "")
                    if key in seen:
                        continue
                    seen.add(key)
                    interaction = (recorder.get("interactions") or {}).get(case_id) or {}
                    request = interaction.get("request") or {}
                    response = interaction.get("response") or {}
                    answer = body_text(response.get("content") or response.get("body"))
                    yield {
                        "role": role, "failure": check.get("name"), "operation": operation,
                        "title": failure.get("title"), "code": failure.get("code"),
                        "message": message[:2000], "phase": finished.get("phase"),
                        "request": {"method": request.get("method"), "uri": request.get("uri"),
                                    "body": (body_text(request.get("body")) or None) and body_text(request.get("body"))[:2000]},
                        "response": {"status": response.get("status_code"),
                                     "content_type": ((response.get("headers") or {}).get("content-type") or [None])[0],
                                     "body": answer[:1000] if answer else None},
                        "curl": curl(request) if request else None,
                    }


def unanswered_requests(events_path):
    """Requests that got no response (the server was gone), earliest first."""
    found = []
    try:
        lines = open(events_path, encoding="utf-8")
    except OSError:
        return found
    with lines:
        for line in lines:
            try:
                finished = json.loads(line).get("ScenarioFinished")
            except ValueError:
                continue
            for interaction in ((finished or {}).get("recorder") or {}).get("interactions", {}).values():
                if interaction and interaction.get("request") and not interaction.get("response"):
                    found.append((interaction.get("timestamp") or 0, interaction["request"]))
    found.sort(key=lambda pair: pair[0])
    return [request for _, request in found]


def server_crash(role, events_path, log_path):
    try:
        text = open(log_path, encoding="utf-8", errors="replace").read()
    except OSError:
        text = ""
    reason = re.search(r"\*\*\* (Swift runtime failure: .*?|Program crashed: .*?) \*\*\*", text) \
        or re.search(r"(Fatal error: .*)", text)
    crashed = text.split(" crashed:", 1)[1] if " crashed:" in text else text
    frames = [re.sub(r"\s+", " ", m.group(1)).strip()
              for m in re.finditer(r"^\s*\d+ .*?0x[0-9a-f]+ (.*? at /\S*/Sources/\S+)", crashed, re.M)][:6]
    unanswered = unanswered_requests(events_path)
    request = unanswered[0] if unanswered else {}
    return {"role": role, "failure": "server_crashed", "operation": None,
            "message": (reason.group(1) if reason else "the server process exited") + (" at " + "; ".join(frames) if frames else ""),
            "request": {"method": request.get("method"), "uri": request.get("uri"),
                        "body": (body_text(request.get("body")) or "")[:4000] or None},
            "requests_without_answer": len(unanswered),
            "note": "request is the earliest one that got no answer: with one worker, the one the server died on",
            "curl": curl(request) if request else None}


def main():
    if len(sys.argv) not in (5, 6):
        print(__doc__, file=sys.stderr)
        return 2
    role, report_path, events_path, exit_code = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    found = []
    if len(sys.argv) == 6:
        found.append(server_crash(role, events_path, sys.argv[5]))
    found += list(failures(role, events_path))
    for failure in found:
        print(json.dumps(failure, sort_keys=True))
    try:
        with open(report_path, encoding="utf-8") as f:
            report = json.load(f)
    except (OSError, ValueError):
        report = {}
    cases = report.get("test_cases") or {}
    operations = report.get("operations") or {}
    summary = {
        "role": role, "summary": True, "exit_code": exit_code,
        "operations_tested": operations.get("tested"), "operations_selected": operations.get("selected"),
        "test_cases": cases.get("generated"), "test_cases_failed": cases.get("with_failures"),
        "unique_failures": cases.get("unique_failures"), "failures_listed": len(found),
        "errors": [str(e)[:500] for e in report.get("errors") or []],
        "warnings": {k: v for k, v in (report.get("warnings") or {}).items() if v},
        "seconds": round(report.get("running_time") or 0, 1), "seed": report.get("seed"),
    }
    print(json.dumps(summary, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
