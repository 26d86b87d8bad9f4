"""/api/sessions/ (mentor), /api/catalog/sessions/ (anyone signed in; learners book) and
/api/learner/reviews/ (a learner lists their reviews and reviews a session).

Same services as the HTML views; DomainError → 400, ConflictError → 409.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsLearner, IsMentor
from core.errors import DomainError

from . import services
from .forms import CatalogFilterForm
from .models import Session
from .queries import SUBTAB_STATUSES, catalog_sessions, visible_session_for_learner
from .serializers import (
    BookingSerializer,
    CancelSerializer,
    RescheduleSerializer,
    ReviewSerializer,
    ReviewWriteSerializer,
    SessionSerializer,
    SessionWriteSerializer,
    WaitlistPositionSerializer,
)
from .services import reviews


@extend_schema(
    parameters=[
        OpenApiParameter("status", str, enum=["draft", "scheduled", "past"], required=False)
    ]
)
class SessionViewSet(viewsets.GenericViewSet):
    permission_classes = [IsMentor]
    serializer_class = SessionSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Session.objects.none()
        qs = Session.objects.filter(mentor=self.request.user).select_related(
            "mentor", "mentor__mentor_profile"
        )
        if self.action != "list":
            return qs
        wanted = self.request.query_params.get("status")
        if wanted:
            if wanted not in SUBTAB_STATUSES:
                raise ValidationError({"status": ["Use draft, scheduled or past."]})
            qs = qs.filter(status__in=SUBTAB_STATUSES[wanted])
            return qs.order_by("-starts_at", "-pk") if wanted == "past" else qs
        return qs.order_by("starts_at", "pk")

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(SessionSerializer(page, many=True).data)

    @extend_schema(request=SessionWriteSerializer, responses={201: SessionSerializer})
    def create(self, request):
        data = SessionWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = services.create_session(request.user, **data.validated_data)
        return Response(SessionSerializer(session).data, status=status.HTTP_201_CREATED)

    def retrieve(self, request, pk=None):
        return Response(SessionSerializer(self.get_object()).data)

    @extend_schema(request=SessionWriteSerializer, responses=SessionSerializer)
    def partial_update(self, request, pk=None):
        session = self.get_object()
        data = SessionWriteSerializer(data=request.data, partial=True, context={"session": session})
        data.is_valid(raise_exception=True)
        session = services.update_session(request.user, session, **data.validated_data)
        return Response(SessionSerializer(session).data)

    def destroy(self, request, pk=None):
        services.delete_draft(request.user, self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=CancelSerializer, responses=SessionSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel a scheduled session; booked learners are told and their seats released."""
        session = self.get_object()  # someone else's session: 404 before any 400
        data = CancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = services.cancel_session(
            request.user, session, data.validated_data.get("reason", "")
        )
        return Response(SessionSerializer(session).data)

    @extend_schema(request=RescheduleSerializer, responses=SessionSerializer)
    @action(detail=True, methods=["post"])
    def reschedule(self, request, pk=None):
        """Move a scheduled session; booked learners are told the new time in their zone."""
        session = self.get_object()  # someone else's session: 404 before any 400
        data = RescheduleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = services.reschedule_session(
            request.user,
            session,
            data.validated_data["starts_at"],
            data.validated_data["reason"],
        )
        return Response(SessionSerializer(session).data)

    @extend_schema(request=None, responses=SessionSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        session = services.publish_session(request.user, self.get_object())
        return Response(SessionSerializer(session).data)


class CatalogList(generics.ListAPIView):
    """Published sessions that haven't started (`?q=` search, `?date=YYYY-MM-DD`)."""

    serializer_class = SessionSerializer

    def get_queryset(self):
        form = CatalogFilterForm(self.request.query_params)
        if not form.is_valid():
            raise ValidationError(form.errors)
        return catalog_sessions(
            query=form.cleaned_data["q"], on=form.cleaned_data["date"], tz=self.request.user.tzinfo
        )


class CatalogDetail(generics.RetrieveAPIView):
    serializer_class = SessionSerializer

    def get_object(self):
        return visible_session_for_learner(self.request.user, self.kwargs["pk"])


class BookSession(APIView):
    permission_classes = [IsLearner]

    @extend_schema(request=None, responses={201: BookingSerializer})
    def post(self, request, pk: int):
        session = visible_session_for_learner(request.user, pk)
        booking = services.book_session(request.user, session)
        return Response(BookingSerializer(booking).data, status=status.HTTP_201_CREATED)


class SessionWaitlist(APIView):
    """POST: join the waitlist of a full session (201 {"position": n}, 1 = next;
    0 when a seat freed at that very moment and the learner got it); 400 while
    seats are free; DELETE: leave it (204)."""

    permission_classes = [IsLearner]

    @extend_schema(request=None, responses={201: WaitlistPositionSerializer})
    def post(self, request, pk: int):
        session = visible_session_for_learner(request.user, pk)
        entry = services.join_waitlist(request.user, session)
        position = services.position_of(entry) if entry.status == "waiting" else 0
        data = WaitlistPositionSerializer({"position": position}).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, pk: int):
        session = visible_session_for_learner(request.user, pk)
        services.leave_waitlist(request.user, session)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LearnerReviews(generics.ListCreateAPIView):
    permission_classes = [IsLearner]
    serializer_class = ReviewSerializer

    def get_queryset(self):
        return reviews.reviews_by(self.request.user)

    @extend_schema(request=ReviewWriteSerializer, responses={201: ReviewSerializer})
    def post(self, request, *args, **kwargs):
        data = ReviewWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # Only sessions the learner booked: others answer like a missing id, so
        # nobody can probe which ids are (someone's draft) sessions.
        session = (
            Session.objects.filter(
                pk=data.validated_data["session"], bookings__learner=request.user
            )
            .distinct()
            .first()
        )
        if session is None:
            raise DomainError("No such session.", field="session")
        review = reviews.leave_review(
            request.user,
            session,
            data.validated_data["rating"],
            data.validated_data["comment"],
        )
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)
