"""/api/sessions/<id>/chat/ and /api/sessions/<id>/notes/: the room's records
for the session's members (its mentor and booked learners); 404 for everyone else.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from . import chat, notes
from .models import ChatMessage
from .serializers import ChatMessageSerializer, NotesSerializer, NotesWriteSerializer


class ChatList(generics.ListAPIView):
    """The session's chat, oldest first, paginated (a constant number of queries)."""

    serializer_class = ChatMessageSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return ChatMessage.objects.none()
        member = chat.member_or_404(self.request.user, self.kwargs["pk"])
        return chat.messages_of(member.session.pk)


def _notes_body(found: notes.Notes) -> dict:
    return NotesSerializer(
        {"notes": found.html, "notes_markdown": found.markdown, "updated_at": found.updated_at}
    ).data


class NotesView(APIView):
    """The mentor reads and writes the notes; booked learners read them after the session."""

    @extend_schema(responses=NotesSerializer)
    def get(self, request, pk: int):
        _member, found = notes.readable_notes(request.user, pk)
        return Response(_notes_body(found))

    @extend_schema(request=NotesWriteSerializer, responses=NotesSerializer)
    def put(self, request, pk: int):
        member = chat.member_or_404(request.user, pk)
        if not member.is_mentor:
            raise PermissionDenied("Only the session's mentor writes its notes.")
        body = NotesWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        saved = notes.save_notes(request.user, member.session, body.validated_data["notes"])
        return Response(_notes_body(saved))

    @extend_schema(request=NotesWriteSerializer, responses=NotesSerializer)
    def patch(self, request, pk: int):
        return self.put(request, pk)
