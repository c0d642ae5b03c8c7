"""Mail: by default written to the application log; SMTP when ``COIL_SMTP_HOST`` is set."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from flask import render_template
from flask_babel import force_locale
from flask_mailman import EmailMessage
from flask_mailman.backends.base import BaseEmailBackend

from coil.core.events import send_mail_after_commit

log = logging.getLogger("coil.mail")


class EmailBackend(BaseEmailBackend):
    """Write each message to the log, so a developer can follow the links in it."""

    def send_messages(self, email_messages: Sequence[Any]) -> int:
        for message in email_messages:
            log.info(
                "mail to %s\nSubject: %s\n\n%s",
                ", ".join(message.to),
                message.subject,
                message.body,
            )
        return len(email_messages)


def queue_mail(to: str, locale: str | None, template: str, **context: Any) -> None:
    """Render a mail template in the recipient's language and send it after commit.

    The template's first line is the subject, the rest the plain-text body.
    """
    with force_locale(locale or "en"):
        subject, _, body = render_template(template, **context).strip().partition("\n")
    send_mail_after_commit(EmailMessage(subject=subject.strip(), body=body.strip() + "\n", to=[to]))
