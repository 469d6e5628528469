from trellis_scripts.postgres import Postgres, psql
from trellis_scripts.processes import run

SELECT_ONE = [psql(), "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1"]


def test_a_throwaway_cluster_starts_stops_comes_back_on_its_port_and_is_removed(processes):
    pg = Postgres(durable=False, processes=processes, prefix="trellis-pytest-pg.")
    url = pg.create()
    assert url.startswith("postgres") and pg.port
    assert run(SELECT_ONE + [url, "-c", "SELECT 40 + 2"], "psql")[1].strip() == "42"
    pg.stop()
    assert not pg.running()
    assert run(SELECT_ONE + [url, "-c", "SELECT 1"], "psql", ok=(0, 1, 2))[0] != 0
    pg.start()
    assert run(SELECT_ONE + [url, "-c", "SELECT 40 + 2"], "psql")[1].strip() == "42"
    processes.cleanup()  # the cluster's removal is one of its cleanup steps
    assert not pg.folder.exists()
