"""Email through the SMTP server FIELDAPP_SMTP_URL names; without one, nothing is sent."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from typing import Literal
from urllib.parse import unquote, urlsplit

from fieldapp.config import Settings

log = logging.getLogger(__name__)
# Seconds to wait for the mail server before giving up (the page then shows the link instead).
SMTP_WAIT_S = 20


class MailError(RuntimeError):
    """The mail server refused or could not be reached."""


def mail_configured(settings: Settings) -> bool:
    return bool(settings.smtp_url)


def send_mail(settings: Settings, to: str, subject: str, body: str) -> None:
    """Send one plain-text message; raise MailError when the server refuses or cannot be reached."""
    url = urlsplit(settings.smtp_url)
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings.mail_from, to, subject
    message.set_content(body)
    secure = url.scheme == "smtps"
    port = url.port or (465 if secure else 25)
    try:
        smtp_class = smtplib.SMTP_SSL if secure else smtplib.SMTP
        with smtp_class(url.hostname or "localhost", port, timeout=SMTP_WAIT_S) as server:
            if not secure:
                server.ehlo()
                if server.has_extn("starttls"):
                    server.starttls()
                    server.ehlo()
            if url.username:
                server.login(unquote(url.username), unquote(url.password or ""))
            server.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"The mail server did not take the message: {exc}") from exc


Delivery = Literal["sent", "off", "failed"]


def deliver(settings: Settings, to: str, subject: str, body: str) -> Delivery:
    """Send a message that carries a link when SMTP is set up: "sent", "off" (no server set) or "failed"
    (logged); in the last two cases the caller shows the link to pass on instead."""
    if not mail_configured(settings):
        return "off"
    try:
        send_mail(settings, to, subject, body)
    except MailError as exc:
        log.warning("mail to an account failed: %s", exc)
        return "failed"
    return "sent"
