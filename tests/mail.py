"""A real SMTP server for the tests that send mail (aiosmtpd): the portal sends through Django's
SMTP backend to it, and the test reads the messages back as they arrived."""

import email
import email.policy
import os
import socket
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller

# The SMTP ports of this checkout's tests (SMTP_TEST_PORT, default 8150, and the next ones): each
# parallel worker (pytest-xdist's gw0, gw1, ...) from its own, so that two never race for one.
FIRST_PORT = int(os.environ.get("SMTP_TEST_PORT", "8150"))
WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)


@dataclass
class Inbox:
    messages: list = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in m["X-Envelope-To"]]

    @staticmethod
    def body(message) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()


def free_port() -> int:
    for port in range(FIRST_PORT + WORKER, FIRST_PORT + 40, 10):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("No free SMTP port for the tests")


def smtp_to(port: int, **options) -> dict:
    """MAILERS for Django's SMTP backend to 127.0.0.1:port."""
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5, **options},
        }
    }


@pytest.fixture(scope="session")
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture
def inbox(smtp_server, settings):
    """The portal's mail goes to the test's SMTP server; the test reads it from here."""
    settings.MAILERS = smtp_to(smtp_server.port)
    smtp_server.handler.messages.clear()
    return smtp_server.handler
