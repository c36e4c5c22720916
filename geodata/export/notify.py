"""Notices of new leads to staff: an e-mail (stdlib ``smtplib``) and/or a webhook (stdlib ``urllib``).

A notice carries no personal data (``geodata.domain.leads.notification_text``): the lead's
number, what it is about and when. Staff read the contact details on the data page. Each
send has a short timeout; a failure is logged and never reaches the visitor.
"""

from __future__ import annotations

import json
import logging
import smtplib
import threading
import urllib.request
from email.message import EmailMessage
from urllib.parse import urlparse

from geodata.domain.leads import LeadsConfig, notification_text

LOG = logging.getLogger(__name__)
TIMEOUT_S = 10


def send_email(config: LeadsConfig, subject: str, body: str) -> None:
    """Send one plain-text e-mail to ``config.notify_email`` through ``config.smtp_host``."""
    if not (config.notify_email and config.smtp_host):
        return
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = config.smtp_from
    msg["To"] = config.notify_email
    msg.set_content(body)
    with smtplib.SMTP(config.smtp_host, config.smtp_port, timeout=TIMEOUT_S) as smtp:
        if config.smtp_starttls:
            smtp.starttls()
        if config.smtp_user and config.smtp_password:
            smtp.login(config.smtp_user, config.smtp_password)
        smtp.send_message(msg)


def post_webhook(url: str, payload: dict) -> int:
    """POST ``payload`` as JSON to an http(s) ``url``; returns the HTTP status."""
    if urlparse(url).scheme not in ("http", "https"):
        raise ValueError(f"webhook URL must be http or https: {url!r}")
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
        return int(response.status)


def notify_new_lead(
    config: LeadsConfig, lead_id: int, target_kind: str, target_id: str, at: str
) -> list[str]:
    """Send the configured notices of one new lead; returns what failed (empty when all went out)."""
    failures: list[str] = []
    subject, body = notification_text(lead_id, target_kind, target_id, at, "zh")
    subject_en, body_en = notification_text(lead_id, target_kind, target_id, at, "en")
    if config.notify_email and config.smtp_host:
        try:
            send_email(config, subject, f"{body}\n\n{body_en}")
        except (OSError, smtplib.SMTPException) as exc:
            LOG.exception("lead notice by e-mail failed")
            failures.append(f"email: {exc}")
    if config.webhook_url:
        payload = {
            "event": "lead.created",
            "lead_id": lead_id,
            "target_kind": target_kind,
            "target_id": target_id,
            "at": at,
            "text": subject,
            "text_en": subject_en,
        }
        try:
            post_webhook(config.webhook_url, payload)
        except (OSError, ValueError) as exc:
            LOG.exception("lead notice by webhook failed")
            failures.append(f"webhook: {exc}")
    return failures


def notify_in_background(
    config: LeadsConfig, lead_id: int, target_kind: str, target_id: str, at: str
) -> None:
    """The same, on a daemon thread: the visitor's confirmation never waits for a mail server."""
    if not ((config.notify_email and config.smtp_host) or config.webhook_url):
        return
    threading.Thread(
        target=notify_new_lead, args=(config, lead_id, target_kind, target_id, at), daemon=True
    ).start()
