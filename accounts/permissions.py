"""Role checks for the API: one class per role, used by every endpoint."""

from rest_framework.permissions import BasePermission


class IsMentor(BasePermission):
    message = "This endpoint is for mentors."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and getattr(user, "is_mentor", False))


class IsLearner(BasePermission):
    message = "This endpoint is for learners."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and getattr(user, "is_learner", False))
