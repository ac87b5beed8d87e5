"""A real SMTP server on loopback (aiosmtpd), so mail goes through Django's SMTP backend for real."""

import asyncio
import email
import email.policy
import socket
import threading
from email.message import Message

from aiosmtpd.controller import Controller


class _Inbox:
    def __init__(self):
        self.messages: list[Message] = []
        self.arrived = 0
        # The message to keep waiting for its answer (1 for the first to arrive), if any.
        self.hold_at: int | None = None
        self.held: list[Message] = []
        self.holding = threading.Event()
        self.released = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.arrived += 1
        if self.arrived == self.hold_at:
            self.held.append(message)
            self.holding.set()
            while not self.released.is_set():
                await asyncio.sleep(0.01)
            # Not accepted: the sender never hears back, and the message is not delivered.
            return "451 4.3.0 Not accepted, try again"
        self.messages.append(message)
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
        self.inbox.released.set()
        self.controller.stop()

    @property
    def port(self) -> int:
        return self.controller.port

    @property
    def messages(self) -> list[Message]:
        return self.inbox.messages

    def hold(self, number: int) -> None:
        """Keep the `number`-th message to arrive waiting for its answer until `release()`.

        Lets a test kill the sender at a known point: inside the SMTP conversation, the
        message not yet accepted. On release it is refused (451) and not delivered.
        """
        self.inbox.hold_at = number

    def wait_until_holding(self, timeout: float) -> bool:
        return self.inbox.holding.wait(timeout)

    def release(self) -> None:
        self.inbox.released.set()

    @property
    def held(self) -> list[Message]:
        return self.inbox.held
