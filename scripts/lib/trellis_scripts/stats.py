"""Percentiles and per-route figures (answers by status, latencies, errors, replays)."""
import json
import math
import threading


def percentile(values, q):
    """Nearest-rank percentile (the smallest value with at least q % of the values at or below it);
    None when empty. Sorting an already sorted list is linear, so callers need not sort."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q * len(ordered) / 100.0))
    return ordered[min(rank, len(ordered)) - 1]


def rnd(x, digits=3):
    return None if x is None else round(x, digits)


def ms(seconds):
    return None if seconds is None else round(seconds * 1000.0, 2)


def _empty_route():
    return {"latencies": [], "statuses": {}, "errors": 0, "socket_errors": 0, "replays": 0, "replays_ok": 0,
            "error_samples": []}


class RouteStats:
    """Per route: answers by status, latencies, errors (with a few samples), replays."""

    SAMPLES = 5

    def __init__(self):
        self.lock = threading.Lock()
        self.routes = {}

    def route(self, name):
        return self.routes.setdefault(name, _empty_route())

    def record(self, name, status, seconds, error=None, replay=False, replay_ok=False, body=b""):
        with self.lock:
            r = self.route(name)
            r["latencies"].append(seconds)
            key = str(status) if status is not None else "socket"
            r["statuses"][key] = r["statuses"].get(key, 0) + 1
            if replay:
                r["replays"] += 1
                if replay_ok:
                    r["replays_ok"] += 1
            if error:
                r["errors"] += 1
                if status is None:
                    r["socket_errors"] += 1
                if len(r["error_samples"]) < self.SAMPLES:
                    text = body.decode(errors="replace") if isinstance(body, bytes) else str(body)
                    r["error_samples"].append("%s %s: %s" % (key, error, text[:240]))

    def export(self):
        with self.lock:
            return json.loads(json.dumps(self.routes))

    @staticmethod
    def merge(parts):
        out = {}
        for part in parts:
            for name, r in part.items():
                m = out.setdefault(name, _empty_route())
                m["latencies"].extend(r["latencies"])
                for k, v in r["statuses"].items():
                    m["statuses"][k] = m["statuses"].get(k, 0) + v
                for k in ("errors", "socket_errors", "replays", "replays_ok"):
                    m[k] += r[k]
                m["error_samples"].extend(r["error_samples"][: max(0, RouteStats.SAMPLES - len(m["error_samples"]))])
        return out

    @staticmethod
    def summary(name, r, seconds):
        lat = sorted(r["latencies"])
        n = len(lat)
        return {"route": name, "requests": n, "seconds": round(seconds, 1),
                "requests_per_s": round(n / seconds, 1) if seconds > 0 else None,
                "p50_ms": ms(percentile(lat, 50)), "p99_ms": ms(percentile(lat, 99)), "max_ms": ms(lat[-1]) if lat else None,
                "errors": r["errors"], "socket_errors": r["socket_errors"], "statuses": r["statuses"],
                "replays": r["replays"], "replays_as_expected": r["replays_ok"],
                "error_samples": r["error_samples"]}
