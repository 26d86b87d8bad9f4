"""/api/learner/reviews/: a learner lists their reviews (GET) and reviews a session (POST)."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from accounts.permissions import IsLearner
from mentorhub.errors import DomainError

from . import reviews
from .models import Review, Session


class ReviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = Review
        fields = ["id", "session", "mentor", "rating", "comment", "created_at"]
        read_only_fields = fields


class ReviewWriteSerializer(serializers.Serializer):
    session = serializers.IntegerField()
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(
        max_length=reviews.MAX_COMMENT, allow_blank=True, required=False, default=""
    )


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
