"""Lead notices reach a real SMTP server and a real HTTP endpoint on loopback, started here."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from geodata.domain.leads import LeadsConfig
from geodata.export import notify


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], str]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content.decode("utf-8")))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Controller, _Inbox]]:
    inbox = _Inbox()
    with socket.socket() as probe:  # a free port: aiosmtpd's controller cannot start on port 0
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


def start_webhook_server() -> tuple[ThreadingHTTPServer, list[dict], threading.Event]:
    received: list[dict] = []
    arrived = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            received.append(json.loads(self.rfile.read(length)))
            self.send_response(204)
            self.end_headers()
            arrived.set()

        def log_message(self, *args) -> None:  # keep the test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, received, arrived


def test_email_and_webhook_arrive_without_personal_data(smtp) -> None:
    controller, inbox = smtp
    server, received, _ = start_webhook_server()
    try:
        config = LeadsConfig(
            notify_email="staff@example.org",
            smtp_host="127.0.0.1",
            smtp_port=controller.port,
            smtp_from="atlas@example.org",
            webhook_url=f"http://127.0.0.1:{server.server_address[1]}/hook",
        )
        failures = notify.notify_new_lead(
            config, 12, "parcel", "site-ucas-south", "2026-11-28T10:00:00+00:00"
        )
    finally:
        server.shutdown()
    assert failures == []
    assert len(inbox.messages) == 1
    sender, rcpts, content = inbox.messages[0]
    assert (sender, rcpts) == ("atlas@example.org", ["staff@example.org"])
    message = email.message_from_string(content, policy=email.policy.default)
    assert "site-ucas-south" in message["Subject"]
    body = message.get_content()
    assert "site-ucas-south" in body
    assert "13800138000" not in body
    assert received == [
        {
            "event": "lead.created",
            "lead_id": 12,
            "target_kind": "parcel",
            "target_id": "site-ucas-south",
            "at": "2026-11-28T10:00:00+00:00",
            "text": "新的意向登记 #12（地块 site-ucas-south）",
            "text_en": "New interest registration #12 (parcel site-ucas-south)",
        }
    ]


def test_unreachable_servers_are_reported_not_raised() -> None:
    config = LeadsConfig(
        notify_email="staff@example.org",
        smtp_host="127.0.0.1",
        smtp_port=1,
        webhook_url="http://127.0.0.1:1/x",
    )
    failures = notify.notify_new_lead(config, 1, "area", "zone-yunqi", "2026-11-28T10:00:00+00:00")
    assert [f.split(":")[0] for f in failures] == ["email", "webhook"]


def test_webhook_refuses_other_schemes() -> None:
    with pytest.raises(ValueError, match="http"):
        notify.post_webhook("file:///etc/passwd", {})


def test_background_notice_arrives(smtp) -> None:
    _, inbox = smtp
    server, received, arrived = start_webhook_server()
    try:
        config = LeadsConfig(webhook_url=f"http://127.0.0.1:{server.server_address[1]}/hook")
        notify.notify_in_background(config, 3, "area", "zone-yunqi", "2026-11-28T10:00:00+00:00")
        assert arrived.wait(10)
    finally:
        server.shutdown()
    assert received[0]["lead_id"] == 3
    assert inbox.messages == []  # no e-mail configured: none sent
