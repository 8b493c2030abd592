"""Shapes of the export endpoint's query (describe, never write)."""

from __future__ import annotations

from django.utils.dateparse import parse_date, parse_datetime
from rest_framework import serializers

from annotator.formats.registry import EXPORT_FORMATS
from api.serializers.fields import MomentField, QuerySerializer


def _moment(value: str) -> None:
    """A date (YYYY-MM-DD) or ISO 8601 date-time, and a real one (not 2026-02-31)."""
    try:
        ok = parse_datetime(value) or parse_date(value)
    except ValueError:
        ok = None
    if not ok:
        raise serializers.ValidationError(f"{value!r} is not a date (YYYY-MM-DD) or date-time (ISO 8601)")


class ExportQuerySerializer(QuerySerializer):
    format = serializers.ChoiceField(
        choices=list(EXPORT_FORMATS),
        default="jsonl",
        help_text="jsonl (default) or another export format (docs/formats.md).",
        error_messages={"invalid_choice": f"unknown export format '{{input}}' (known: {', '.join(EXPORT_FORMATS)})"},
    )
    source = serializers.CharField(  # type: ignore[assignment]  # stubs: a field may shadow Field's attribute (DRF pops declared fields)
        max_length=200,
        default="gold",
        help_text="gold (default), all (every submitted annotation), model (current model's predictions), "
        "annotator:USERNAME, or documents (texts only). Annotators may export only annotator:<themselves>.",
    )
    status = serializers.CharField(
        max_length=100,
        required=False,
        help_text="Annotators' work only (sources all, annotator:USER): submitted (default), draft, skipped, "
        "or several separated by commas.",
    )
    submitted_since = MomentField(
        max_length=40, required=False, validators=[_moment], help_text="Only work submitted at or after this date."
    )
    submitted_until = MomentField(
        max_length=40, required=False, validators=[_moment], help_text="Only work submitted before this date."
    )
    updated_since = MomentField(
        max_length=40, required=False, validators=[_moment], help_text="Only work saved at or after this date."
    )
    updated_until = MomentField(
        max_length=40, required=False, validators=[_moment], help_text="Only work saved before this date."
    )
    limit = serializers.IntegerField(
        min_value=1, max_value=10**9, required=False, help_text="At most this many records."
    )

    FILTERS = ("status", "submitted_since", "submitted_until", "updated_since", "updated_until", "limit")
