"""/api/profile/: the signed-in mentor's own profile (GET, PATCH)."""

from drf_spectacular.utils import extend_schema
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from . import profile_services as svc
from .permissions import IsMentor
from .profile_serializers import ProfileSerializer


def _payload(request, profile) -> dict:
    data = svc.profile_payload(profile)
    data["picture_small_url"] = profile.picture_small_url
    for key in ("picture_url", "picture_small_url"):
        if data[key]:
            data[key] = request.build_absolute_uri(data[key])
    return ProfileSerializer(data).data


class ProfileView(APIView):
    """Only ever the caller's own profile: there is no id to point elsewhere."""

    permission_classes = [IsMentor]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    serializer_class = ProfileSerializer

    @extend_schema(responses=ProfileSerializer)
    def get(self, request):
        return Response(_payload(request, svc.get_profile(request.user)))

    @extend_schema(request=ProfileSerializer, responses=ProfileSerializer)
    def patch(self, request):
        serializer = ProfileSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        remove = "picture" in changes and changes["picture"] is None
        picture = changes.pop("picture", None)
        profile = svc.update_profile(request.user, changes, picture=picture, remove_picture=remove)
        return Response(_payload(request, profile))
