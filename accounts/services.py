"""Sign-up, email verification, email change, mentor applications and
"sign out everywhere". Emails leave after commit (accounts/emails.py)."""

from datetime import timedelta

from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from core.errors import ConflictError, DomainError

from .emails import absolute_url, send_account_email
from .models import MentorApplication, MentorProfile, User
from .signals import signed_out
from .user_cache import end_access_tokens, forget_user

VERIFY_SALT = "accounts.verify-email"
CHANGE_SALT = "accounts.change-email"
VERIFY_MAX_AGE = timedelta(days=3)
CHANGE_MAX_AGE = timedelta(days=1)

EMAIL_TAKEN = "An account with this email address already exists."
USERNAME_TAKEN = "This username is taken. Please choose another one."
LINK_EXPIRED = "This link has expired. Ask for a new one below."
LINK_INVALID = "This link is not valid. Copy the whole link from the email, or ask for a new one."
LINK_USED = "This link is no longer valid: the account's email address has changed since."
ALREADY_DECIDED = "This application was already decided."


def normalize_email(email: str) -> str:
    return User.objects.normalize_email((email or "").strip())


def email_taken(email: str, *, exclude_pk: int | None = None) -> bool:
    return User.objects.filter(email__iexact=email).exclude(pk=exclude_pk).exists()


def username_taken(username: str) -> bool:
    return User.objects.filter(username__iexact=username).exists()


# --- Sign-up and verification ------------------------------------------------


def register_user(
    *,
    display_name: str,
    username: str,
    email: str,
    password: str,
    application: dict | None = None,
) -> User:
    """A new learner account, unverified; with `application` (headline, expertise,
    motivation) also a pending MentorApplication. Sends the verification email."""
    email = normalize_email(email)
    if username_taken(username):
        raise DomainError(USERNAME_TAKEN, field="username")
    if email_taken(email):
        raise DomainError(EMAIL_TAKEN, field="email")
    user = User(
        username=username,
        email=email,
        first_name=display_name.strip(),
        role=User.Role.LEARNER,
        email_verified=False,
    )
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            if application is not None:
                MentorApplication.objects.create(user=user, **application)
            transaction.on_commit(lambda: send_verification_email(user))
    except IntegrityError as exc:  # a racing sign-up took the name or address
        if username_taken(username):
            raise DomainError(USERNAME_TAKEN, field="username") from exc
        raise DomainError(EMAIL_TAKEN, field="email") from exc
    return user


def verification_link(user: User) -> str:
    token = signing.dumps({"u": user.pk, "e": user.email.lower()}, salt=VERIFY_SALT)
    return absolute_url(reverse("verify_email", args=[token]))


def send_verification_email(user: User) -> None:
    send_account_email(
        user.email,
        "verify_email",
        {
            "user": user,
            "link": verification_link(user),
            "days": VERIFY_MAX_AGE.days,
        },
    )


def _load(token: str, salt: str, max_age: timedelta) -> dict:
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise DomainError(LINK_EXPIRED) from exc
    except signing.BadSignature as exc:
        raise DomainError(LINK_INVALID) from exc
    if not isinstance(data, dict):
        raise DomainError(LINK_INVALID)
    return data


def verify_email(token: str) -> User:
    """Follow a verification link: the account may sign in from now on.
    Idempotent (a second click, a mail scanner's prefetch)."""
    data = _load(token, VERIFY_SALT, VERIFY_MAX_AGE)
    user = User.objects.filter(pk=data.get("u"), email__iexact=data.get("e") or "").first()
    if user is None:
        raise DomainError(LINK_INVALID)
    with transaction.atomic():
        if User.objects.filter(pk=user.pk, email_verified=False).update(email_verified=True):
            forget_user(user.pk)
    user.email_verified = True
    return user


def resend_verification(email: str) -> None:
    """Send a new link if an active unverified account uses this address;
    the caller answers the same either way (no account enumeration)."""
    email = normalize_email(email)
    user = User.objects.filter(email__iexact=email, email_verified=False, is_active=True).first()
    if user is not None:
        transaction.on_commit(lambda: send_verification_email(user))


# --- Email change ---------------------------------------------------------------


def request_email_change(user: User, new_email: str) -> str:
    """Send a confirmation link to the new address; the old one stays until it is followed."""
    new_email = normalize_email(new_email)
    if new_email.lower() == (user.email or "").lower():
        raise DomainError("This is already your email address.", field="new_email")
    if email_taken(new_email, exclude_pk=user.pk):
        raise DomainError(EMAIL_TAKEN, field="new_email")
    token = signing.dumps(
        {"u": user.pk, "old": (user.email or "").lower(), "new": new_email}, salt=CHANGE_SALT
    )
    link = absolute_url(reverse("confirm_email_change", args=[token]))
    context = {"user": user, "link": link, "new_email": new_email, "hours": 24}
    send_account_email(new_email, "confirm_email_change", context)
    return new_email


def confirm_email_change(token: str) -> User:
    data = _load(token, CHANGE_SALT, CHANGE_MAX_AGE)
    new_email = data.get("new") or ""
    try:
        with transaction.atomic():
            if email_taken(new_email, exclude_pk=data.get("u")):
                raise DomainError(EMAIL_TAKEN)
            changed = User.objects.filter(
                pk=data.get("u"), email__iexact=data.get("old", "")
            ).update(email=new_email, email_verified=True)
            if not changed:
                if User.objects.filter(pk=data.get("u"), email__iexact=new_email).exists():
                    return User.objects.get(pk=data["u"])  # followed twice
                raise DomainError(LINK_USED)
            forget_user(data["u"])
    except IntegrityError as exc:
        raise DomainError(EMAIL_TAKEN) from exc
    return User.objects.get(pk=data["u"])


# --- Sign out everywhere ------------------------------------------------------------


def sign_out_everywhere(user: User) -> int:
    """Every refresh token of the user revoked, every access token refused, every
    open socket closed (notifications listens to `signed_out`). Returns the count
    of refresh tokens revoked."""
    with transaction.atomic():
        live = OutstandingToken.objects.filter(user_id=user.pk, blacklistedtoken__isnull=True)
        rows = [BlacklistedToken(token=token) for token in live]
        BlacklistedToken.objects.bulk_create(rows, ignore_conflicts=True)
        end_access_tokens(user.pk)
        signed_out.send(sender=User, user_id=user.pk)
    return len(rows)


# --- Mentor applications ------------------------------------------------------------


def _decide(staff: User, application_id: int, status: str, note: str) -> MentorApplication:
    updated = MentorApplication.objects.filter(
        pk=application_id, status=MentorApplication.Status.PENDING
    ).update(status=status, note=note.strip(), decided_at=timezone.now(), decided_by=staff)
    if not updated:
        raise ConflictError(ALREADY_DECIDED)
    return MentorApplication.objects.select_related("user").get(pk=application_id)


def approve_application(staff: User, application_id: int, note: str = "") -> MentorApplication:
    """The applicant becomes a mentor (profile filled from the application) and is told."""
    with transaction.atomic():
        application = _decide(staff, application_id, MentorApplication.Status.APPROVED, note)
        user = application.user
        user.role = User.Role.MENTOR
        user.save(update_fields=["role"])  # accounts.signals creates the profile row
        profile, _ = MentorProfile.objects.get_or_create(user=user)
        profile.display_name = profile.display_name or user.get_full_name() or user.username
        profile.headline = profile.headline or application.headline
        profile.expertise = profile.expertise or application.expertise
        profile.save()
        _email_decision(application, "mentor_approved")
    return application


def reject_application(staff: User, application_id: int, note: str = "") -> MentorApplication:
    with transaction.atomic():
        application = _decide(staff, application_id, MentorApplication.Status.REJECTED, note)
        _email_decision(application, "mentor_rejected")
    return application


def _email_decision(application: MentorApplication, prefix: str) -> None:
    user = application.user
    context = {
        "user": user,
        "note": application.note,
        "login_link": absolute_url(reverse("login")),
        "dashboard_link": absolute_url(reverse("dashboard")),
    }
    send_account_email(user.email, prefix, context)
