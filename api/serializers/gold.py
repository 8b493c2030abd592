"""Shapes of everyone's annotations of a document, the adjudication view and the gold."""

from __future__ import annotations

from rest_framework import serializers

from api.access import MAX_ID
from api.serializers.annotations import AnnotationSerializer, RelationListField, RelationSerializer, SpanListField
from api.serializers.fields import InputSerializer


class PlainSpanSerializer(InputSerializer):
    start = serializers.IntegerField(help_text="Start offset (code point index), inclusive.")
    end = serializers.IntegerField(help_text="End offset, exclusive.")
    label = serializers.CharField(help_text="The label.")  # type: ignore[assignment]  # stubs: a field may shadow Field's attribute (DRF pops declared fields)
    attrs = serializers.JSONField(help_text="Attributes, e.g. a casualty count's value and status.")


class AnnotatorAnnotationSerializer(AnnotationSerializer):
    id = serializers.IntegerField(help_text="The annotation's id (give it as a gold source).")
    annotator = serializers.CharField(help_text="The annotator's username.")


class DocumentAnnotationsSerializer(serializers.Serializer):
    document = serializers.IntegerField(help_text="The document's id.")
    annotations = AnnotatorAnnotationSerializer(many=True, help_text="Every annotator's annotation, any status.")


class SourceAnnotationSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The annotation's id.")
    annotator = serializers.CharField(help_text="Its annotator.")
    version = serializers.IntegerField(help_text="Its current version.")
    cited_version = serializers.IntegerField(
        allow_null=True, help_text="The version the gold was adjudicated from (null if not recorded)."
    )


class StaleSourceSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The annotation's id.")
    annotator = serializers.CharField(help_text="Its annotator.")
    cited_version = serializers.IntegerField(help_text="The version the gold was adjudicated from.")
    current_version = serializers.IntegerField(help_text="Its version now (edited since).")


class GoldRelationSerializer(RelationSerializer):
    provenance = serializers.ListField(
        child=serializers.CharField(),
        help_text='Where it came from: the source annotators who had the same link, ["reviewer"] when the '
        "reviewer added it by hand, empty for an imported gold.",
    )


class GoldSerializer(serializers.Serializer):
    document = serializers.IntegerField(help_text="The document's id.")
    version = serializers.IntegerField(
        help_text="Send it back with your next save (0 while there is no gold yet); a stale one gets 409."
    )
    origin = serializers.CharField(allow_null=True, help_text="adjudicated or imported; null while there is no gold.")
    adjudicator = serializers.CharField(allow_null=True, help_text="Who saved it (null when imported).")
    source_annotations = SourceAnnotationSerializer(many=True, help_text="The annotations it was adjudicated from.")
    stale = serializers.BooleanField(
        help_text="True when a source annotation was edited after the gold was adjudicated from it."
    )
    stale_sources = StaleSourceSerializer(
        many=True, help_text="The source annotations edited since (empty when the gold is current)."
    )
    spans = PlainSpanSerializer(many=True, help_text="The gold spans, sorted.")
    relations = GoldRelationSerializer(many=True, help_text="Typed links between those spans, by index.")
    created_at = serializers.DateTimeField(allow_null=True, help_text="When the gold was first saved.")
    updated_at = serializers.DateTimeField(allow_null=True, help_text="When it was last saved (by the adjudicator).")


class GoldSaveSerializer(InputSerializer):
    spans = SpanListField(help_text="The whole new gold span list (replaces the old one).")
    source_annotation_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        default=list,
        help_text="Ids of the annotations of this document the gold was adjudicated from.",
    )
    relations = RelationListField(
        required=False,
        max_length=10_000,
        help_text=(
            "The whole new list of gold relations, {from, to, type} with from and to indices into `spans` "
            "(replaces the old list). Left out, each stored relation whose two spans you kept is kept."
        ),
    )
    version = serializers.IntegerField(
        min_value=0,
        allow_null=True,
        help_text="The gold version you started from: 0 (or null) when there was none yet; a stale one gets 409.",
    )
    source_versions = serializers.DictField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        default=dict,
        help_text='Optional: the version of each source annotation you adjudicated from, {"<id>": version}. '
        "The gold cites them, so one edited meanwhile shows the gold as stale; others are cited as they are now.",
    )

    def validate_source_versions(self, value: dict) -> dict[int, int]:
        try:
            return {int(key): version for key, version in value.items()}
        except ValueError:
            raise serializers.ValidationError("keys are annotation ids") from None


class SubmittedAnnotationSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The annotation's id.")
    annotator = serializers.CharField(help_text="Its annotator.")
    version = serializers.IntegerField(help_text="Its version.")
    submitted_at = serializers.DateTimeField(allow_null=True, help_text="When it was submitted.")
    spans = PlainSpanSerializer(many=True, help_text="Its spans, sorted.")


class RelationComparisonSerializer(serializers.Serializer):
    agreed = serializers.ListField(
        child=serializers.JSONField(),
        help_text="Relations every annotator made: {source, target: {start, end, label}, type}.",
    )
    disagreements = serializers.DictField(
        child=serializers.ListField(child=serializers.JSONField()),
        help_text="kind (missing, extra, other_target) -> groups, one per count and relation type: "
        "{kind, type, start, end, source, relations: [{target, annotators}], missing}.",
    )
    disagreement_count = serializers.IntegerField(help_text="Groups in disagreement.")


class AdjudicationSerializer(serializers.Serializer):
    document = serializers.IntegerField(help_text="The document's id.")
    annotators = serializers.ListField(child=serializers.CharField(), help_text="Who submitted it.")
    annotations = SubmittedAnnotationSerializer(many=True, help_text="The submitted annotations.")
    agreed = PlainSpanSerializer(many=True, help_text="Spans every annotator marked (same offsets and label).")
    disagreements = serializers.DictField(
        child=serializers.ListField(child=serializers.JSONField()),
        help_text="kind (boundary, label, only_one, not_everyone, attributes) -> clusters "
        "{kind, start, end, boundary_too, spans: [{annotator, start, end, label, attrs}], missing}.",
    )
    disagreement_count = serializers.IntegerField(help_text="Clusters in disagreement (attributes aside).")
    majority = PlainSpanSerializer(many=True, help_text="Majority-vote pre-fill: spans more than half marked.")
    relations = RelationComparisonSerializer(
        help_text="The submitted annotations' relations compared: agreed links and disagreements by kind."
    )
    gold = GoldSerializer(allow_null=True, help_text="The current gold, or null.")
