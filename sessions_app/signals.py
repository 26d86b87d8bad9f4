"""Hooks other apps consume.

session_completed: sent inside the completing transaction, once per session
that moved to completed (sender=Session, session=<Session>). Bookings already
carry their final status (attended / no_show). The Earnings app connects to
it and creates one ledger entry per paid attended booking (idempotent).
"""

from django.dispatch import Signal

session_completed = Signal()
