"""Free TCP ports on 127.0.0.1."""
import random
import socket

from . import ScriptError


def free_port():
    """A TCP port on 127.0.0.1 nothing holds, from 20000-31999: below Linux's ephemeral range, so no
    outgoing connection takes it between now and a (re)start of the server that uses it."""
    for _ in range(200):
        port = random.randint(20000, 31999)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    raise ScriptError("found no free TCP port on 127.0.0.1")
