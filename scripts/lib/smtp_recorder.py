#!/usr/bin/env python3
"""A real SMTP server (aiosmtpd) on 127.0.0.1 that records what it receives, for Trellis's e-mail tests.

Usage: smtp_recorder.py --out FILE [--port N] [--refuse ADDRESS]... [--defer ADDRESS]...
                        [--user NAME --password SECRET] [--silent]
                        [--tls-cert PEM --tls-key KEY [--implicit-tls]]

Listens on 127.0.0.1 (port 0: the system picks one), prints `listening PORT` on standard output once
it accepts connections, and writes each message it accepts as one JSON line to FILE, before it
answers 250 to the end of DATA (so a sender that got 250 finds the line written):
  {"mail_from": ..., "rcpt_tos": [...], "auth_login": NAME or null,
   "raw": the message as received (CRLF kept, dot-stuffing undone),
   "headers": [[name, value], ...] (encoded words decoded), "body": the text, transfer encoding undone}
--refuse ADDRESS answers 550 to RCPT TO that address, --defer ADDRESS 451. With --user and
--password, AUTH (PLAIN or LOGIN, without TLS: loopback only) is required and only that pair is
accepted; the password is never recorded. --tls-cert and --tls-key offer STARTTLS and require it
before MAIL; with --implicit-tls the connection is TLS from the start (smtps) instead. Each record
says whether the message came over TLS ("tls"). --silent accepts connections and never says a word (a
server that hangs). Stops on SIGTERM or SIGINT, or when standard input closes (its parent ended).
"""
import argparse
import asyncio
import email
import email.policy
import json
import ssl
import logging
import os
import signal
import sys
import threading
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Recorder:
    def __init__(self, out, refuse, defer):
        self.out = out
        self.refuse = {address.lower() for address in refuse}
        self.defer = {address.lower() for address in defer}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return "550 5.1.1 No such mailbox here"
        if address.lower() in self.defer:
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        login = getattr(session, "auth_data", None)
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "auth_login": login.decode() if isinstance(login, bytes) else login,
            "tls": bool(getattr(session, "ssl", None)) or server.transport.get_extra_info("sslcontext") is not None,
            "raw": raw.decode("utf-8", errors="replace"),
            "headers": [[name, str(value)] for name, value in message.items()],
            "body": message.get_content() if not message.is_multipart() else None,
        }
        with open(self.out, "a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")
            out.flush()
            os.fsync(out.fileno())
        return "250 OK: recorded"


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword) and auth_data.login == user.encode() and auth_data.password == password.encode():
            # Only the login name is kept, for the record; never the password.
            return AuthResult(success=True, auth_data=auth_data.login)
        return AuthResult(success=False, handled=False)

    return check


class Silent(asyncio.Protocol):
    """Accepts a connection and never answers."""


async def serve(arguments):
    loop = asyncio.get_running_loop()
    stopped = asyncio.Event()
    for name in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(name, stopped.set)

    def watch_stdin():
        while sys.stdin.buffer.read1(4096):
            pass
        loop.call_soon_threadsafe(stopped.set)

    threading.Thread(target=watch_stdin, daemon=True).start()

    context = None
    if arguments.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(arguments.tls_cert, arguments.tls_key)
    implicit = context if arguments.implicit_tls else None
    if arguments.silent:
        factory = Silent
    else:
        recorder = Recorder(arguments.out, arguments.refuse, arguments.defer)
        options = {}
        if arguments.user is not None:
            options = dict(authenticator=authenticator(arguments.user, arguments.password or ""),
                           auth_required=True, auth_require_tls=False)
        if context is not None and not arguments.implicit_tls:
            options.update(tls_context=context, require_starttls=True)

        def factory():
            return SMTP(recorder, hostname="trellis-test.localhost", **options)

    server = await loop.create_server(factory, "127.0.0.1", arguments.port, ssl=implicit)
    port = server.sockets[0].getsockname()[1]
    print(f"listening {port}", flush=True)
    await stopped.wait()
    server.close()


def main():
    # aiosmtpd warns about AUTH without TLS (this server is on loopback, for tests) and logs each session.
    warnings.filterwarnings("ignore", category=UserWarning, module="aiosmtpd")
    warnings.filterwarnings("ignore", category=DeprecationWarning, module="aiosmtpd")
    logging.getLogger("mail.log").setLevel(logging.CRITICAL)
    parser = argparse.ArgumentParser(description="A recording SMTP server on 127.0.0.1 for tests.")
    parser.add_argument("--out", help="append each accepted message as a JSON line to this file")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--refuse", action="append", default=[], metavar="ADDRESS", help="answer 550 to RCPT TO this address")
    parser.add_argument("--defer", action="append", default=[], metavar="ADDRESS", help="answer 451 to RCPT TO this address")
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--silent", action="store_true", help="accept connections and never answer")
    parser.add_argument("--tls-cert", metavar="PEM", help="the server's certificate: offer (and require) STARTTLS")
    parser.add_argument("--tls-key", metavar="KEY", help="its private key")
    parser.add_argument("--implicit-tls", action="store_true", help="TLS from the first byte (smtps) instead of STARTTLS")
    arguments = parser.parse_args()
    if not arguments.silent and not arguments.out:
        parser.error("--out is required (unless --silent)")
    if bool(arguments.tls_cert) != bool(arguments.tls_key) or (arguments.implicit_tls and not arguments.tls_cert):
        parser.error("--tls-cert and --tls-key go together, and --implicit-tls needs them")
    asyncio.run(serve(arguments))


if __name__ == "__main__":
    main()
