"""Account emails (verification, password reset, email change, mentor decisions).

One call site: `send_account_email`. Each email is three templates under
`templates/emails/`: `<prefix>_subject.txt`, `<prefix>.txt` and `<prefix>.html`,
sent as one multipart message. Links are absolute (`settings.SITE_URL`).
Account emails carry no List-Unsubscribe: they are not optional.
Callers send after commit (`transaction.on_commit`).
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def absolute_url(path: str) -> str:
    """`path` (from reverse()) as a link that works from a mail client."""
    return f"{settings.SITE_URL}{path}"


def send_account_email(to: str, template_prefix: str, context: dict) -> bool:
    """Render and send; False (logged) when the mail server refused or was down:
    the page still answers (the user can ask for the link again)."""
    context = {"site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"emails/{template_prefix}_subject.txt", context)
    subject = " ".join(subject.split())  # one line, whatever the template looks like
    text = render_to_string(f"emails/{template_prefix}.txt", context)
    html = render_to_string(f"emails/{template_prefix}.html", context)
    message = EmailMultiAlternatives(subject, text, to=[to])
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except OSError:  # smtplib.SMTPException, refused connections, timeouts
        logger.exception("Account email %r to %s could not be sent", template_prefix, to)
        return False
    return True
