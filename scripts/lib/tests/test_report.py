import json

from trellis_scripts.report import Checks, machine, machine_figure


def test_checks_emit_one_figure_each_and_hold_only_when_all_do(capsys):
    checks = Checks("drill-x", scope={"backend": "sqlite"})
    assert checks.check("first", True, seen=1)
    assert not checks.check("second", False, seen=2)
    assert not checks.ok
    assert checks.failed() == ["second"]
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines == [{"drill": "drill-x", "figure": "check", "check": "first", "ok": True, "backend": "sqlite", "seen": 1},
                     {"drill": "drill-x", "figure": "check", "check": "second", "ok": False, "backend": "sqlite", "seen": 2}]


def test_the_machine_names_the_executable_and_its_version(trellis_bin):
    m = machine(trellis_bin)
    assert m["trellis"] == trellis_bin and m["trellis_version"] and m["cores"] >= 1
    figure = machine_figure("drill-x", trellis_bin)
    assert (figure["drill"], figure["figure"], figure["trellis_bin"]) == ("drill-x", "machine", trellis_bin)
