"""Account emails (verification, password reset, email change, mentor decisions).

One call site: `send_account_email`. Each email is three templates under
`templates/emails/`: `<prefix>_subject.txt`, `<prefix>.txt` and `<prefix>.html`,
stored in the outbox (mailer) in the caller's transaction and sent right after
the commit, retried with backoff while the mail server is away. Links are
absolute (`settings.SITE_URL`). Account emails carry no List-Unsubscribe: they
are not optional.
"""

from mailer.outbox import absolute_url, send_templated

__all__ = ["absolute_url", "send_account_email"]


def send_account_email(to: str, template_prefix: str, context: dict) -> None:
    """Queue the email in the current transaction (sent after commit)."""
    send_templated(to, f"emails/{template_prefix}", context, kind="account", urgent=True)
