from django.apps import AppConfig


class EarningsConfig(AppConfig):
    name = "earnings"

    def ready(self) -> None:
        from core.cache import watch
        from core.jobs import register_job
        from sessions_app.models import Booking, Session
        from sessions_app.signals import booking_settled, session_completed

        from . import services
        from .fragments import register_fragments
        from .models import LedgerEntry, Payout

        session_completed.connect(
            services.on_session_completed, sender=Session, dispatch_uid="earnings.credit_session"
        )
        # A cancellation settles a paid booking: its credit and its refund (policy).
        booking_settled.connect(
            services.on_booking_settled, sender=Booking, dispatch_uid="earnings.settle_booking"
        )
        # Safety net: a completed session whose credit was missed gets it on the next pass.
        register_job("earnings.credit_missing", services.credit_missing_entries)
        register_fragments()  # balance cards and payout history
        # Writes to these rows invalidate their mentor's cached figures and rows.
        watch(LedgerEntry, "mentor_id")
        watch(Payout, "mentor_id")
