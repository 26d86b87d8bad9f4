"""Benchmark data: a mentor with years of history (deterministic, bulk inserts).

Scale 1 = 1,000 sessions, 10,000 bookings, 1,000 requests, 10,000 ledger
entries, 5,000 notifications, 3,000 reviews, 200 learners and 5 other mentors.
"""

import random
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import MentorProfile, User
from earnings.models import LedgerEntry, Payout
from notifications.models import Notification
from requests_app.models import SessionRequest
from sessions_app.models import Booking, Review, Session

BENCH_MENTOR = "bench_mentor"
CENTS = Decimal("0.01")
TOPICS = ["Python", "Django", "System design", "Career", "Interviews", "SQL", "APIs", "Testing"]


class Command(BaseCommand):
    help = "Generate benchmark data for `bench_mentor` (see docs/benchmarks.md)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0)
        parser.add_argument("--seed", type=int, default=42)

    def handle(self, *args, scale: float, seed: int, **options):
        if scale <= 0 or scale > 100:
            raise CommandError("--scale must be in (0, 100]")
        if User.objects.filter(username=BENCH_MENTOR).exists():
            raise CommandError("bench data already exists in this database; use a fresh one")
        rng = random.Random(seed)
        now = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)  # fixed: runs are comparable
        counts = self._generate(rng, scale, now)
        for name, value in counts.items():
            self.stdout.write(f"{name:>14}: {value:,}")

    @transaction.atomic
    def _generate(self, rng: random.Random, scale: float, now: datetime) -> dict:
        n_sessions = max(10, int(1000 * scale))
        n_requests = max(10, int(1000 * scale))
        n_notifications = max(10, int(5000 * scale))
        n_learners = max(20, min(2000, int(200 * max(scale, 1))))
        password = make_password(settings.DEMO_PASSWORD)
        fee_rate = settings.PLATFORM_FEE_PERCENT / Decimal(100)
        hold = timedelta(days=settings.EARNINGS_HOLD_DAYS)

        mentors = User.objects.bulk_create(
            [
                User(
                    username=BENCH_MENTOR,
                    role="mentor",
                    password=password,
                    first_name="Bench",
                    timezone="Europe/Berlin",
                ),
                *[
                    User(username=f"bench_mentor{i}", role="mentor", password=password)
                    for i in range(1, 6)
                ],
            ]
        )
        mentors = list(User.objects.filter(username__startswith="bench_mentor").order_by("id"))
        mentor = mentors[0]
        MentorProfile.objects.bulk_create(
            [
                MentorProfile(user=m, display_name=m.username, default_price=Decimal("50.00"))
                for m in mentors
            ]
        )
        User.objects.bulk_create(
            [
                User(username=f"bench_learner{i}", role="learner", password=password)
                for i in range(n_learners)
            ],
            batch_size=500,
        )
        learners = list(
            User.objects.filter(username__startswith="bench_learner").values_list("id", flat=True)
        )

        sessions = []
        for i in range(n_sessions):
            frac = i / n_sessions
            # Even the smallest scale has a row in every subtab (equal query counts).
            frac = {n_sessions - 3: 0.92, n_sessions - 2: 0.96}.get(i, frac)
            if frac < 0.9:  # three years of completed sessions
                start = now - timedelta(days=1095 * (1 - frac / 0.9), hours=rng.randint(0, 10))
                status = Session.Status.COMPLETED
            elif frac < 0.95:
                start = now + timedelta(days=rng.randint(1, 60), hours=rng.randint(0, 10))
                status = Session.Status.SCHEDULED
            elif frac < 0.98:
                start = now + timedelta(days=rng.randint(1, 60))
                status = Session.Status.DRAFT
            else:
                start = now - timedelta(days=rng.randint(1, 300))
                status = Session.Status.CANCELLED
            start = start.replace(
                minute=0, second=0, microsecond=0, hour=rng.choice([8, 9, 12, 16, 17, 18, 19])
            )
            # 900 × 11 + 50 × 2 = 10,000 bookings at scale 1.
            booked = {Session.Status.COMPLETED: 11, Session.Status.SCHEDULED: 2}.get(status, 0)
            sessions.append(
                Session(
                    mentor=mentor,
                    title=f"{rng.choice(TOPICS)} session #{i}",
                    topic=rng.choice(TOPICS),
                    description="<p>Benchmark session</p>",
                    starts_at=start,
                    duration_minutes=rng.choice([30, 45, 60, 90]),
                    capacity=12,
                    price=Decimal(rng.choice([0, 25, 40, 60, 80])),
                    status=status,
                    booked_count=booked,
                    published_at=start - timedelta(days=7)
                    if status != Session.Status.DRAFT
                    else None,
                    started_at=start if status == Session.Status.COMPLETED else None,
                    ended_at=start + timedelta(hours=1)
                    if status == Session.Status.COMPLETED
                    else None,
                )
            )
        Session.objects.bulk_create(sessions, batch_size=500)
        sessions = list(Session.objects.filter(mentor=mentor).order_by("id"))

        bookings = []
        for s in sessions:
            for learner_id in rng.sample(learners, s.booked_count):
                attended = s.status == Session.Status.COMPLETED and rng.random() < 0.97
                bookings.append(
                    Booking(
                        session=s,
                        learner_id=learner_id,
                        amount_paid=s.price,
                        status=(Booking.Status.ATTENDED if attended else Booking.Status.NO_SHOW)
                        if s.status == Session.Status.COMPLETED
                        else Booking.Status.BOOKED,
                        joined_at=s.starts_at if attended else None,
                    )
                )
        Booking.objects.bulk_create(bookings, batch_size=1000)
        bookings = list(
            Booking.objects.filter(session__mentor=mentor, status="attended").select_related(
                "session"
            )
        )

        ledger = []
        for b in bookings:
            gross = b.amount_paid if b.amount_paid > 0 else Decimal("30.00")  # every entry counts
            fee = (gross * fee_rate).quantize(CENTS, ROUND_HALF_UP)
            created = b.session.ended_at
            ledger.append(
                LedgerEntry(
                    mentor=mentor,
                    session=b.session,
                    booking=b,
                    gross=gross,
                    fee=fee,
                    net=gross - fee,
                    currency=settings.PLATFORM_CURRENCY,
                    created_at=created,
                    available_at=created + hold,
                )
            )
        # Top up with small adjustments so the ledger has 10,000 rows at scale 1.
        for _ in range(max(0, int(10000 * scale) - len(ledger))):
            created = now - timedelta(days=rng.randint(1, 1000))
            ledger.append(
                LedgerEntry(
                    mentor=mentor,
                    kind=LedgerEntry.Kind.ADJUSTMENT,
                    gross=Decimal("5.00"),
                    fee=Decimal("0.50"),
                    net=Decimal("4.50"),
                    currency=settings.PLATFORM_CURRENCY,
                    description="Goodwill adjustment",
                    created_at=created,
                    available_at=created + hold,
                )
            )
        LedgerEntry.objects.bulk_create(ledger, batch_size=1000)
        Payout.objects.bulk_create(
            [
                Payout(
                    mentor=mentor,
                    amount=Decimal("500.00"),
                    status=rng.choice(["paid", "paid", "failed", "requested"]),
                    reference=f"B{i}",
                )
                for i in range(max(3, int(36 * scale)))
            ]
        )

        reviews = []
        seen = set()
        for b in rng.sample(bookings, min(len(bookings), int(3000 * scale))):
            if (b.session_id, b.learner_id) in seen:
                continue
            seen.add((b.session_id, b.learner_id))
            reviews.append(
                Review(
                    session_id=b.session_id,
                    learner_id=b.learner_id,
                    mentor=mentor,
                    rating=rng.choice([3, 4, 4, 5, 5, 5]),
                    comment="Helpful session.",
                )
            )
        Review.objects.bulk_create(reviews, batch_size=1000)

        requests = []
        for _ in range(n_requests):
            created = now - timedelta(days=rng.randint(0, 1000), hours=rng.randint(0, 23))
            status = rng.choice(["pending", "accepted", "declined", "expired", "accepted"])
            times = [created + timedelta(days=d, hours=h) for d, h in ((3, 0), (4, 2))]
            requests.append(
                SessionRequest(
                    learner_id=rng.choice(learners),
                    mentor=mentor,
                    topic=f"Help with {rng.choice(TOPICS)}",
                    message="I would like some guidance.",
                    preferred_times=[t.isoformat() for t in times],
                    last_preferred_at=times[-1],
                    status=status,
                    answered_at=None
                    if status == "pending"
                    else created + timedelta(minutes=rng.randint(5, 2000)),
                )
            )
        SessionRequest.objects.bulk_create(requests, batch_size=1000)
        SessionRequest.objects.filter(mentor=mentor, status="pending").update(
            created_at=now, last_preferred_at=now + timedelta(days=30)
        )

        Notification.objects.bulk_create(
            [
                Notification(
                    user=mentor,
                    kind="booking",
                    title=f"New booking #{i}",
                    body="A learner booked.",
                    url="/mentor/dashboard/sessions/scheduled/",
                    read_at=now if i % 3 else None,
                )
                for i in range(n_notifications)
            ],
            batch_size=1000,
        )
        return {
            "sessions": len(sessions),
            "bookings": Booking.objects.filter(session__mentor=mentor).count(),
            "requests": len(requests),
            "ledger entries": len(ledger),
            "notifications": n_notifications,
            "reviews": len(reviews),
            "learners": len(learners),
        }
