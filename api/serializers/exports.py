"""Shapes of the export endpoint's query (describe, never write)."""

from __future__ import annotations

from rest_framework import serializers


class ExportQuerySerializer(serializers.Serializer):
    format = serializers.CharField(
        max_length=32, default="jsonl", help_text="jsonl (default), csv or another format the server knows."
    )
    source = serializers.CharField(
        max_length=200,
        default="gold",
        help_text="gold (default), all (every submitted annotation), model (current model's predictions), "
        "annotator:USERNAME, or documents (texts only). Annotators may export only annotator:<themselves>.",
    )
