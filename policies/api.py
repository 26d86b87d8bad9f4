"""/api/policy/ (GET, PUT): the signed-in mentor's own cancellation policy."""

from __future__ import annotations

from dataclasses import asdict

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsMentor

from . import services
from .queries import terms_for
from .serializers import PolicySerializer


class PolicyView(APIView):
    """Only ever the caller's own policy: there is no id to point elsewhere."""

    permission_classes = [IsMentor]
    serializer_class = PolicySerializer

    @extend_schema(responses=PolicySerializer)
    def get(self, request):
        return Response(PolicySerializer(asdict(terms_for(request.user))).data)

    @extend_schema(request=PolicySerializer, responses=PolicySerializer)
    def put(self, request):
        data = PolicySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        policy = services.update_policy(request.user, **data.validated_data)
        return Response(PolicySerializer(asdict(policy.terms)).data)
