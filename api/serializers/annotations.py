"""Shapes of an annotator's own annotation and of the queue's answer (describe, never write)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from annotator.models import Annotation, Span
from api.access import MAX_ID
from api.serializers.documents import (
    RELATION_SUGGESTIONS_HELP,
    DocumentSerializer,
    ModelVersionRefSerializer,
    RelationSuggestionSerializer,
    SuggestionSerializer,
    control_field,
    suggestions_state_field,
)
from api.serializers.fields import InputSerializer


class SpanInSerializer(InputSerializer):
    """One span as the client sends it (documents the schema; the rules are checked by annotator.spans)."""

    start = serializers.IntegerField(help_text="Start offset: a code point index into the text, inclusive.")
    end = serializers.IntegerField(help_text="End offset, exclusive; start < end <= len(text).")
    label = serializers.CharField(help_text="One of the project's labels.")  # type: ignore[assignment]  # stubs: a field may shadow Field's attribute (DRF pops declared fields)
    attrs = serializers.JSONField(required=False, help_text="Attributes allowed by the label's schema (optional).")
    origin = serializers.ChoiceField(
        choices=Span.Origin.choices,
        required=False,
        help_text="manual (default), suggestion_accepted or suggestion_edited.",
    )
    suggestion = serializers.IntegerField(
        required=False, allow_null=True, help_text="The id of the model suggestion this span came from, if any."
    )


class SpanOutSerializer(SpanInSerializer):
    id = serializers.IntegerField(help_text="The stored span's id.")


@extend_schema_field(SpanInSerializer(many=True))
class SpanListField(serializers.ListField):
    """A list of span objects. Each span is checked by `annotator.spans`, which names every
    bad span and why (a field-by-field serializer would stop at the first type error)."""

    child = serializers.JSONField()


class RelationSerializer(serializers.Serializer):
    # The ends are places in the spans list beside it: a client never needs a span id.
    from_ = serializers.IntegerField(min_value=0, help_text="The span it starts from: its index in `spans`.")
    to = serializers.IntegerField(min_value=0, help_text="The span it points to: its index in `spans`.")
    type = serializers.CharField(help_text="One of the project's relation types (e.g. BY, AT).")

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")  # `from` is a Python keyword
        return fields


@extend_schema_field(RelationSerializer(many=True))
class RelationListField(serializers.ListField):
    """Relations, each checked by `annotator.relations`, which names every bad one."""

    child = serializers.JSONField()


class AnnotationSerializer(serializers.Serializer):
    document = serializers.IntegerField(help_text="The document's id.")
    status = serializers.ChoiceField(choices=Annotation.Status.choices, help_text="draft, submitted or skipped.")
    version = serializers.IntegerField(help_text="Send it back with your next save; a stale one gets 409.")
    time_spent = serializers.FloatField(help_text="Active seconds spent so far (total).")
    rejected_suggestions = serializers.ListField(
        child=serializers.IntegerField(), help_text="Ids of model suggestions the annotator rejected."
    )
    rejected_relation_suggestions = serializers.ListField(
        child=serializers.IntegerField(), help_text="Ids of model relation suggestions the annotator rejected."
    )
    spans = SpanOutSerializer(many=True, help_text="The annotator's spans, sorted by offset.")
    relations = RelationSerializer(many=True, help_text="Typed links between those spans, by index.")
    submitted_at = serializers.DateTimeField(allow_null=True, help_text="When it was (first) submitted.")
    updated_at = serializers.DateTimeField(help_text="When it was last saved.")


class AnnotationSaveSerializer(InputSerializer):
    spans = SpanListField(help_text="The whole new list of your spans (replaces the old one).")
    status = serializers.ChoiceField(
        choices=Annotation.Status.choices,
        required=False,
        help_text=(
            "draft (keep working), submitted (done) or skipped (you will not be given it again). "
            "Left out, the status stays as it is: an edit of a submitted annotation keeps it submitted "
            "(a new version); only an explicit draft withdraws the submission."
        ),
    )
    version = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text="The version your change is based on (from the last GET or save)."
    )
    time_spent = serializers.FloatField(
        min_value=0, max_value=10**7, required=False, help_text="Total active seconds spent on this document so far."
    )
    rejected_suggestions = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=10_000,
        help_text="Ids of the model's suggestions you rejected (replaces the old list).",
    )
    rejected_relation_suggestions = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=10_000,
        help_text="Ids of the model's relation suggestions you rejected (replaces the old list).",
    )

    relations = RelationListField(
        required=False,
        max_length=10_000,
        help_text=(
            "The whole new list of your relations, {from, to, type} with from and to indices into `spans` "
            "(replaces the old list). Left out, each stored relation whose two spans you kept is kept."
        ),
    )

    def validate_spans(self, spans: list) -> list:
        if len(spans) > 10_000:
            raise serializers.ValidationError("at most 10000 spans")
        for index, span in enumerate(spans):
            ref = span.get("suggestion") if isinstance(span, dict) else None
            if ref is not None and (isinstance(ref, bool) or not isinstance(ref, int) or not 0 < ref <= MAX_ID):
                raise serializers.ValidationError(f"span {index}: suggestion must be a suggestion id, not {ref!r}")
        return spans


class NextSerializer(serializers.Serializer):
    document = DocumentSerializer(
        allow_null=True, help_text="The document to annotate, or null when nothing is left for you."
    )
    annotation = AnnotationSerializer(allow_null=True, help_text="Your annotation of it (a draft), or null.")
    model_version = ModelVersionRefSerializer(
        allow_null=True,
        help_text="The model whose suggestions follow: the current one (null if none yet), or the one before "
        "while the current one's are pending.",
    )
    suggestions = SuggestionSerializer(many=True, help_text="The current model's suggestions for the document.")
    relation_suggestions = RelationSuggestionSerializer(many=True, help_text=RELATION_SUGGESTIONS_HELP)
    suggestions_stale = serializers.BooleanField(
        help_text="A newer model is being trained or its suggestions refreshed (or waiting for the task queue)."
    )
    suggestions_pending = serializers.BooleanField(
        help_text="The current model's suggestions for this document are still being computed: load it again for them."
    )
    control = control_field()
    suggestions_state = suggestions_state_field()
    remaining = serializers.IntegerField(
        help_text="Documents still open to you, the returned one included (0 when nothing is left)."
    )
