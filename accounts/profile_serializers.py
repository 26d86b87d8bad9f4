"""The /api/profile/ payload; validation shared with the Profile tab form."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.utils import html

from . import profile_services as svc
from .images import PictureError, process_picture


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class TagListField(serializers.Field):
    """A JSON list of strings (or, from multipart, comma-separated text)."""

    def __init__(self, *, label_text: str, limit: int, **kwargs):
        self.label_text = label_text
        self.limit = limit
        super().__init__(**kwargs)

    def get_value(self, dictionary):
        # Multipart may repeat the key (expertise=a&expertise=b): keep every value.
        if html.is_html_input(dictionary) and self.field_name in dictionary:
            values = dictionary.getlist(self.field_name)
            if len(values) > 1:
                return values
        return super().get_value(dictionary)

    def to_internal_value(self, data):
        return svc.clean_tags(data, label=self.label_text, limit=self.limit)

    def to_representation(self, value):
        return list(value or [])


class ProfileSerializer(serializers.Serializer):
    display_name = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    headline = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    bio = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    expertise = TagListField(label_text="Expertise", limit=svc.MAX_EXPERTISE, required=False)
    languages = TagListField(label_text="Language", limit=svc.MAX_LANGUAGES, required=False)
    timezone = serializers.CharField(required=False)
    default_price = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, coerce_to_string=True
    )
    default_duration_minutes = serializers.IntegerField(required=False)
    picture = serializers.FileField(required=False, allow_null=True, write_only=True)
    picture_url = serializers.CharField(read_only=True, allow_null=True)
    picture_small_url = serializers.CharField(read_only=True, allow_null=True)

    def validate_display_name(self, value):
        return svc.clean_text(value, label="Display name", limit=svc.DISPLAY_NAME_MAX)

    def validate_headline(self, value):
        return svc.clean_text(value, label="Headline", limit=svc.HEADLINE_MAX)

    def validate_bio(self, value):
        return svc.clean_bio(value)

    def validate_timezone(self, value):
        return svc.clean_timezone(value)

    def validate_default_price(self, value):
        return svc.clean_price(value)

    def validate_default_duration_minutes(self, value):
        return svc.clean_duration(value)

    def validate_picture(self, value):
        if value is None:
            return None
        try:
            return process_picture(value)
        except PictureError as exc:
            raise serializers.ValidationError(exc.message) from exc
