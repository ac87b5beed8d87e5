"""Loopback SMTP servers that misbehave: one refuses some recipients, one drops the connection."""

import email
import email.policy
import socket

from aiosmtpd.controller import Controller


class _Handler:
    def __init__(self, *, refuse: set[str] = frozenset(), drop_at: int | None = None):
        self.refuse = {a.lower() for a in refuse}
        self.drop_at = drop_at
        self.arrived = 0
        self.messages = []
        self.dropped = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.arrived += 1
        if self.arrived == self.drop_at:
            # Hang up before answering: the message is not accepted, the client sees a drop.
            self.dropped.append(message)
            server.transport.close()
            return "421 closing"
        self.messages.append(message)
        return "250 OK"


class Server:
    def __init__(self, **options):
        self.handler = _Handler(**options)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    @property
    def port(self) -> int:
        return self.controller.port

    @property
    def messages(self):
        return self.handler.messages


def point_at(settings, server: Server) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
