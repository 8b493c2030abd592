"""Fields and bases the serializers share, so the schema states what the views check."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


@extend_schema_field(OpenApiTypes.OBJECT)
class JSONObjectField(serializers.JSONField):
    """A JSON object (never a list, string or number)."""

    def to_internal_value(self, data: Any) -> Any:
        value = super().to_internal_value(data)
        if not isinstance(value, dict):
            raise serializers.ValidationError("must be a JSON object")
        return value


@extend_schema_field({"type": "string", "format": "date-time"})
class MomentField(serializers.CharField):
    """A date (YYYY-MM-DD) or a date-time (ISO 8601); the schema names the date-time form."""


class InputSerializer(serializers.Serializer):
    """A request body: a text field takes a JSON string only (DRF would turn 12 or 1.5 into
    "12" or "1.5", which the schema's `type: string` says is not accepted)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            not_text = {
                name: ["must be a string"]
                for name, field in self.fields.items()
                if isinstance(field, serializers.CharField)
                and not field.read_only
                and data.get(name) is not None
                and not isinstance(data.get(name), str)
            }
            if not_text:
                raise serializers.ValidationError(not_text)
        return super().to_internal_value(data)


class QuerySerializer(serializers.Serializer):
    """Query parameters: one given empty (`?status=`) is an error, not the default (DRF
    reads an empty query value as absent, which the schema's minLength says it is not)."""

    def to_internal_value(self, data: Any) -> Any:
        blank = {
            name: ["may not be empty; leave the parameter out instead"]
            for name in self.fields.keys()  # noqa: SIM118 - the stubs iterate a BindingDict as Fields, .keys() as names
            if data.get(name) == ""
        }
        if blank:
            raise serializers.ValidationError(blank)
        return super().to_internal_value(data)
