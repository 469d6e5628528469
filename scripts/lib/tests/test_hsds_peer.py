import json
import os
import random
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import hsds_python_peer  # noqa: E402

TEXTS = ["plain", "Café — niños", "中文 🏠", "quote \" and \\ backslash", "line\nbreak", "", "\u2028"]


def random_document(rng):
    def value(depth):
        kind = rng.randrange(6 if depth < 3 else 3)
        if kind == 0:
            return rng.choice(TEXTS)
        if kind == 1:
            return rng.choice([0, -1, 12.5, 1e-7, True, False, None])
        if kind == 2:
            return rng.randrange(10**6)
        if kind == 3:
            return [value(depth + 1) for _ in range(rng.randrange(4))]
        return {rng.choice(TEXTS) + str(i): value(depth + 1) for i in range(rng.randrange(4))}
    return [{"id": str(n), "name": rng.choice(TEXTS), "more": value(0)} for n in range(rng.randrange(40))]


@pytest.mark.parametrize("seed", range(30))
@pytest.mark.parametrize("chunk", [1, 7, 64, 1 << 20])
def test_streamed_elements_are_the_documents_elements(tmp_path, seed, chunk):
    rng = random.Random(seed)
    document = random_document(rng)
    text = json.dumps(document, ensure_ascii=rng.random() < 0.5, indent=rng.choice([None, 1]))
    path = tmp_path / "directory.json"
    path.write_bytes((rng.choice(["", "\ufeff", " \n"]) + text + rng.choice(["", "\n"])).encode("utf-8"))
    assert list(hsds_python_peer.array_elements(str(path), chunk=chunk)) == document


def test_a_truncated_array_is_an_error(tmp_path):
    path = tmp_path / "cut.json"
    path.write_text('[{"id": "1"}, {"id": "2"', encoding="utf-8")
    with pytest.raises(json.JSONDecodeError):
        list(hsds_python_peer.array_elements(str(path), chunk=4))
