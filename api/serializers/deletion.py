"""Shapes of soft delete and restore answers (describe, never write)."""

from __future__ import annotations

from rest_framework import serializers


class DeletedSerializer(serializers.Serializer):
    deleted = serializers.CharField(help_text="What was deleted: the project's slug or the document's id.")
    undo_until = serializers.DateTimeField(help_text="Until when it can be restored; after that it is purged.")


class RestoredSerializer(serializers.Serializer):
    restored = serializers.CharField(help_text="What was restored.")
