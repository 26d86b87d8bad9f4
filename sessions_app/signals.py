"""Hooks other apps consume.

session_completed: sent inside the completing transaction, once per session
that moved to completed (sender=Session, session=<Session>). Bookings already
carry their final status (attended / no_show). The Earnings app connects to
it and creates one ledger entry per paid attended booking (idempotent).
"""

from django.dispatch import Signal

session_completed = Signal()

# booking_settled: sent inside the transaction that settled paid bookings' money
# outside completion (sender=Booking, settlements=[(booking, outcome, refund), …]):
# a learner's cancel, a mentor's cancel, a mentor no-show. `outcome` is a
# policies.rules.Outcome value and `refund` the Decimal given back (0 ≤ refund ≤
# amount_paid). Sent once per booking (the conditional UPDATE that cancelled it
# decides); the Earnings app records the mentor's ledger entries from it.
booking_settled = Signal()
