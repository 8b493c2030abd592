"""Shape of the effort curve (manual actions per document as the project grows)."""

from __future__ import annotations

from rest_framework import serializers


class EffortPointSerializer(serializers.Serializer):
    first = serializers.IntegerField(help_text="First submitted annotation averaged here (1: the project's first).")
    last = serializers.IntegerField(help_text="Last submitted annotation averaged here.")
    documents = serializers.IntegerField(help_text="Annotations averaged (last - first + 1).")
    manual_actions = serializers.FloatField(help_text="Mean manual actions per document: added + edited + rejected.")
    added = serializers.FloatField(help_text="Mean spans marked by hand.")
    edited = serializers.FloatField(help_text="Mean suggestions accepted after an edit (a move or a relabel).")
    rejected = serializers.FloatField(help_text="Mean suggestions explicitly rejected.")
    accepted = serializers.FloatField(help_text="Mean suggestions accepted as they were (not a manual action).")
    spans = serializers.FloatField(
        help_text="Mean spans submitted: the manual actions the documents take without a model."
    )
    suggestions_shown = serializers.FloatField(help_text="Mean suggestions shown on the documents.")
    with_suggestions = serializers.FloatField(help_text="Share of the documents that were shown suggestions.")
    seconds = serializers.FloatField(help_text="Mean measured active time per document, seconds.")


class EffortTotalsSerializer(serializers.Serializer):
    added = serializers.IntegerField(help_text="Spans marked by hand.")
    edited = serializers.IntegerField(help_text="Suggestions accepted after an edit (a move or a relabel).")
    rejected = serializers.IntegerField(help_text="Suggestions explicitly rejected.")
    accepted = serializers.IntegerField(help_text="Suggestions accepted as they were.")
    spans = serializers.IntegerField(help_text="Spans submitted.")
    suggestions_shown = serializers.IntegerField(help_text="Suggestions shown on the documents.")
    manual_actions = serializers.IntegerField(help_text="Manual actions: added + edited + rejected.")


class EffortCurveSerializer(serializers.Serializer):
    annotations = serializers.IntegerField(help_text="Submitted annotations of live documents, all counted.")
    bucket = serializers.IntegerField(help_text="Consecutive annotations averaged into one point.")
    points = EffortPointSerializer(many=True, help_text="The curve, in submission order.")
    totals = EffortTotalsSerializer(help_text="Sums over all the annotations.")
