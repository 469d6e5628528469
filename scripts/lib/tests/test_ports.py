import socket

from trellis_scripts.ports import free_port


def test_free_port_really_binds_and_listens():
    port = free_port()
    assert 20000 <= port <= 31999
    with socket.socket() as server:
        server.bind(("127.0.0.1", port))
        server.listen(1)
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            accepted, _ = server.accept()
            accepted.close()


def test_free_port_skips_a_port_that_is_held():
    held = socket.socket()
    held.bind(("127.0.0.1", free_port()))
    try:
        taken = held.getsockname()[1]
        assert all(free_port() != taken for _ in range(50))
    finally:
        held.close()
