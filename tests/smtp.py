"""A real SMTP server on loopback (aiosmtpd), so mail goes through Django's SMTP backend for real."""

import email
import email.policy
import socket
from email.message import Message

from aiosmtpd.controller import Controller


class _Inbox:
    def __init__(self):
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"


class LoopbackSMTP:
    def __init__(self):
        self.inbox = _Inbox()
        # aiosmtpd probes its own port at start-up, so it needs a real number rather than 0.
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            free_port = probe.getsockname()[1]
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=free_port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    @property
    def port(self) -> int:
        return self.controller.port

    @property
    def messages(self) -> list[Message]:
        return self.inbox.messages
