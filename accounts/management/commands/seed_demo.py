from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.demo import seed_accounts
from mailer import outbox

# Each app may add demo data in `<app>/demo.py` with `seed(users)`; order matters
# (notifications first: the welcome note is the oldest; the others add their own notes).
DEMO_APPS = [
    "notifications",
    "policies",
    "sessions_app",
    "requests_app",
    "earnings",
    "analytics",
    "live",
]


class Command(BaseCommand):
    help = "Create the demo accounts and data (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="run even with DJANGO_DEBUG=0")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Refusing to seed demo data with DJANGO_DEBUG=0; pass --force.")
        with transaction.atomic(), outbox.suppressed():  # demo data sends no email
            users = seed_accounts()
            for app in DEMO_APPS:
                try:
                    module = import_module(f"{app}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{app}.demo":
                        raise
                    continue
                module.seed(users)
        if options["verbosity"] < 1:  # `make run` prints the logins once the server listens
            return
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        for username in users:
            self.stdout.write(f"  {username:<9} / {settings.DEMO_PASSWORD}")
