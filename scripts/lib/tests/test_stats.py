import pytest

from trellis_scripts.stats import RouteStats, ms, percentile, rnd

# The nearest-rank example: 15, 20, 35, 40, 50.
VALUES = [15, 20, 35, 40, 50]


@pytest.mark.parametrize("q, expected", [(0, 15), (5, 15), (30, 20), (40, 20), (50, 35), (99, 50), (100, 50)])
def test_percentile_is_nearest_rank(q, expected):
    assert percentile(VALUES, q) == expected


def test_percentile_sorts_and_leaves_its_input_alone():
    shuffled = [40, 15, 50, 20, 35]
    assert percentile(shuffled, 50) == 35
    assert shuffled == [40, 15, 50, 20, 35]


def test_percentile_of_nothing_is_none():
    assert percentile([], 50) is None


def test_rounding_helpers():
    assert ms(0.0123456) == 12.35
    assert ms(None) is None
    assert rnd(1.23456) == 1.235
    assert rnd(1.23456, 1) == 1.2
    assert rnd(None) is None


def test_route_stats_count_statuses_errors_and_replays():
    stats = RouteStats()
    stats.record("POST /v1/referrals", 201, 0.010)
    stats.record("POST /v1/referrals", 201, 0.030, replay=True, replay_ok=True)
    stats.record("POST /v1/referrals", 500, 0.020, error="unexpected", body=b'{"error":{}}')
    stats.record("POST /v1/referrals", None, 0.040, error="ConnectionResetError")
    summary = RouteStats.summary("POST /v1/referrals", stats.export()["POST /v1/referrals"], 2.0)
    assert summary["requests"] == 4
    assert summary["requests_per_s"] == 2.0
    assert summary["statuses"] == {"201": 2, "500": 1, "socket": 1}
    assert (summary["errors"], summary["socket_errors"]) == (2, 1)
    assert (summary["replays"], summary["replays_as_expected"]) == (1, 1)
    assert (summary["p50_ms"], summary["p99_ms"], summary["max_ms"]) == (20.0, 40.0, 40.0)
    assert summary["error_samples"] == ['500 unexpected: {"error":{}}', "socket ConnectionResetError: "]


def test_merged_route_stats_add_up_and_keep_five_samples():
    parts = []
    for worker in range(3):
        stats = RouteStats()
        for n in range(4):
            stats.record("GET /v1/referrals", 500, 0.001 * (n + 1), error="e%d-%d" % (worker, n))
        parts.append(stats.export())
    merged = RouteStats.merge(parts)["GET /v1/referrals"]
    assert len(merged["latencies"]) == 12
    assert merged["statuses"] == {"500": 12}
    assert merged["errors"] == 12
    assert len(merged["error_samples"]) == 5
