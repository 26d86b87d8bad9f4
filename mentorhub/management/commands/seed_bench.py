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
from django.db.models import DateTimeField, ExpressionWrapper, F, OuterRef, Subquery
from django.urls import reverse

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
        counts = _Generator(rng, scale, now).run()
        for name, value in counts.items():
            self.stdout.write(f"{name:>14}: {value:,}")


def _session_plan(rng: random.Random, i: int, n: int, now: datetime):
    """Start and status of the i-th of n sessions: mostly three years of completed ones."""
    frac = i / n
    # Even the smallest scale has a row in every subtab (equal query counts).
    frac = {n - 3: 0.92, n - 2: 0.96}.get(i, frac)
    if frac < 0.9:
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
    hour = rng.choice([8, 9, 12, 16, 17, 18, 19])
    return start.replace(minute=0, second=0, microsecond=0, hour=hour), status


class _Generator:
    """The data set, step by step (the order of random draws keeps runs comparable)."""

    def __init__(self, rng: random.Random, scale: float, now: datetime):
        self.rng, self.scale, self.now = rng, scale, now
        self.password = make_password(settings.DEMO_PASSWORD)

    @transaction.atomic
    def run(self) -> dict:
        self.users()
        self.sessions()
        self.bookings()
        self.ledger()
        self.payouts()
        self.reviews()
        self.requests()
        self.notifications()
        return {
            "sessions": len(self.session_rows),
            "bookings": Booking.objects.filter(session__mentor=self.mentor).count(),
            "requests": self.n_requests,
            "ledger entries": self.n_ledger,
            "notifications": self.n_notifications,
            "reviews": self.n_reviews,
            "learners": len(self.learners),
        }

    def users(self) -> None:
        n_learners = max(20, min(2000, int(200 * max(self.scale, 1))))
        User.objects.bulk_create(
            [
                User(
                    username=BENCH_MENTOR,
                    role="mentor",
                    password=self.password,
                    first_name="Bench",
                    timezone="Europe/Berlin",
                ),
                *[
                    User(username=f"bench_mentor{i}", role="mentor", password=self.password)
                    for i in range(1, 6)
                ],
            ]
        )
        mentors = list(User.objects.filter(username__startswith="bench_mentor").order_by("id"))
        self.mentor = mentors[0]
        MentorProfile.objects.bulk_create(
            [
                MentorProfile(user=m, display_name=m.username, default_price=Decimal("50.00"))
                for m in mentors
            ]
        )
        User.objects.bulk_create(
            [
                User(username=f"bench_learner{i}", role="learner", password=self.password)
                for i in range(n_learners)
            ],
            batch_size=500,
        )
        self.learners = list(
            User.objects.filter(username__startswith="bench_learner").values_list("id", flat=True)
        )

    def sessions(self) -> None:
        rng, n_sessions = self.rng, max(10, int(1000 * self.scale))
        rows = []
        for i in range(n_sessions):
            start, status = _session_plan(rng, i, n_sessions, self.now)
            # 900 × 11 + 50 × 2 = 10,000 bookings at scale 1.
            booked = {Session.Status.COMPLETED: 11, Session.Status.SCHEDULED: 2}.get(status, 0)
            completed = status == Session.Status.COMPLETED
            rows.append(
                Session(
                    mentor=self.mentor,
                    title=f"{rng.choice(TOPICS)} session #{i}",
                    topic=rng.choice(TOPICS),
                    description="<p>Benchmark session</p>",
                    starts_at=start,
                    duration_minutes=rng.choice([30, 45, 60, 90]),
                    capacity=12,
                    price=Decimal(rng.choice([0, 25, 40, 60, 80])),
                    status=status,
                    booked_count=booked,
                    published_at=None
                    if status == Session.Status.DRAFT
                    else start - timedelta(days=7),
                    started_at=start if completed else None,
                    ended_at=start + timedelta(hours=1) if completed else None,
                )
            )
        Session.objects.bulk_create(rows, batch_size=500)
        self.session_rows = list(Session.objects.filter(mentor=self.mentor).order_by("id"))

    def bookings(self) -> None:
        rows = []
        for s in self.session_rows:
            completed = s.status == Session.Status.COMPLETED
            for learner_id in self.rng.sample(self.learners, s.booked_count):
                attended = completed and self.rng.random() < 0.97
                if completed:
                    status = Booking.Status.ATTENDED if attended else Booking.Status.NO_SHOW
                else:
                    status = Booking.Status.BOOKED
                rows.append(
                    Booking(
                        session=s,
                        learner_id=learner_id,
                        amount_paid=s.price,
                        status=status,
                        joined_at=s.starts_at if attended else None,
                    )
                )
        Booking.objects.bulk_create(rows, batch_size=1000)
        self.attended = list(
            Booking.objects.filter(session__mentor=self.mentor, status="attended").select_related(
                "session"
            )
        )

    def ledger(self) -> None:
        fee_rate = settings.PLATFORM_FEE_PERCENT / Decimal(100)
        hold = timedelta(days=settings.EARNINGS_HOLD_DAYS)
        rows = []
        for b in self.attended:
            gross = b.amount_paid if b.amount_paid > 0 else Decimal("30.00")  # every entry counts
            fee = (gross * fee_rate).quantize(CENTS, ROUND_HALF_UP)
            created = b.session.ended_at
            rows.append(
                LedgerEntry(
                    mentor=self.mentor,
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
        for _ in range(max(0, int(10000 * self.scale) - len(rows))):
            created = self.now - timedelta(days=self.rng.randint(1, 1000))
            rows.append(
                LedgerEntry(
                    mentor=self.mentor,
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
        LedgerEntry.objects.bulk_create(rows, batch_size=1000)
        self.n_ledger = len(rows)

    def payouts(self) -> None:
        Payout.objects.bulk_create(
            [
                Payout(
                    mentor=self.mentor,
                    amount=Decimal("500.00"),
                    status=self.rng.choice(["paid", "paid", "failed", "requested"]),
                    reference=f"B{i}",
                )
                for i in range(max(3, int(36 * self.scale)))
            ]
        )

    def reviews(self) -> None:
        rows, seen = [], set()
        picked = self.rng.sample(self.attended, min(len(self.attended), int(3000 * self.scale)))
        for b in picked:
            if (b.session_id, b.learner_id) in seen:
                continue
            seen.add((b.session_id, b.learner_id))
            rows.append(
                Review(
                    session_id=b.session_id,
                    learner_id=b.learner_id,
                    mentor=self.mentor,
                    rating=self.rng.choice([3, 4, 4, 5, 5, 5]),
                    comment="Helpful session.",
                )
            )
        Review.objects.bulk_create(rows, batch_size=1000)
        # Written a few hours after the session (auto_now_add stamped them all today).
        after_session = (
            Session.objects.filter(pk=OuterRef("session_id"))
            .annotate(
                at=ExpressionWrapper(
                    F("starts_at") + timedelta(hours=3), output_field=DateTimeField()
                )
            )
            .values("at")[:1]
        )
        Review.objects.filter(mentor=self.mentor).update(created_at=Subquery(after_session))
        self.n_reviews = len(rows)

    def requests(self) -> None:
        rng, now = self.rng, self.now
        self.n_requests = max(10, int(1000 * self.scale))
        rows = []
        for _ in range(self.n_requests):
            created = now - timedelta(days=rng.randint(0, 1000), hours=rng.randint(0, 23))
            status = rng.choice(["pending", "accepted", "declined", "expired", "accepted"])
            times = [created + timedelta(days=d, hours=h) for d, h in ((3, 0), (4, 2))]
            learner_id, topic = rng.choice(self.learners), f"Help with {rng.choice(TOPICS)}"
            answered = None
            if status != "pending":
                answered = created + timedelta(minutes=rng.randint(5, 2000))
            rows.append(
                SessionRequest(
                    learner_id=learner_id,
                    mentor=self.mentor,
                    topic=topic,
                    message="I would like some guidance.",
                    preferred_times=[t.isoformat() for t in times],
                    last_preferred_at=times[-1],
                    status=status,
                    answered_at=answered,
                )
            )
        SessionRequest.objects.bulk_create(rows, batch_size=1000)
        SessionRequest.objects.filter(mentor=self.mentor, status="pending").update(
            created_at=now, last_preferred_at=now + timedelta(days=30)
        )

    def notifications(self) -> None:
        self.n_notifications = max(10, int(5000 * self.scale))
        Notification.objects.bulk_create(
            [
                Notification(
                    user=self.mentor,
                    kind="booking",
                    title=f"New booking #{i}",
                    body="A learner booked.",
                    url=reverse("sessions_subtab", args=["scheduled"]),
                    read_at=self.now if i % 3 else None,
                )
                for i in range(self.n_notifications)
            ],
            batch_size=1000,
        )
