"""API shapes of the room's records: chat messages and session notes."""

from rest_framework import serializers

from .models import ChatMessage


class ChatMessageSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.display_name", read_only=True)

    class Meta:
        model = ChatMessage
        fields = ["id", "author", "author_name", "text", "created_at"]
        read_only_fields = fields


class NotesSerializer(serializers.Serializer):
    """`notes` is sanitised HTML on read (like a profile's `bio`); a write sends
    Markdown (HTML is rendered through the same sanitiser)."""

    notes = serializers.CharField(read_only=True, help_text="sanitised HTML")
    notes_markdown = serializers.CharField(read_only=True, help_text="the editable source")
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)


class NotesWriteSerializer(serializers.Serializer):
    notes = serializers.CharField(allow_blank=True, trim_whitespace=False, help_text="Markdown")
