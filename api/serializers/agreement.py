"""Shapes of the agreement report, its per-document table and drill-down (describe, never write)."""

from __future__ import annotations

from rest_framework import serializers

from annotator.agreement.defaults import DEFAULT_RESAMPLES, DEFAULT_SEED
from api.serializers.fields import QuerySerializer
from api.serializers.jobs import JobSerializer

MAX_RESAMPLES = 5000


class AgreementQuerySerializer(QuerySerializer):
    resamples = serializers.IntegerField(
        required=False,
        default=DEFAULT_RESAMPLES,
        min_value=0,
        max_value=MAX_RESAMPLES,
        help_text="Bootstrap resamples over documents for the 95% intervals (0: no intervals).",
    )
    seed = serializers.IntegerField(
        required=False, default=DEFAULT_SEED, min_value=0, max_value=2**32 - 1, help_text="The bootstrap's seed."
    )


class DocumentsTableQuerySerializer(QuerySerializer):
    format = serializers.ChoiceField(
        choices=["json", "csv"], required=False, default="json", help_text="json (default) or csv (a download)."
    )


class PartFigureSerializer(serializers.Serializer):
    value = serializers.FloatField(allow_null=True, help_text="The figure; null where it is undefined (0/0).")
    items = serializers.IntegerField(help_text="What it stands on: spans, tokens or characters.")


class FigureSerializer(PartFigureSerializer):
    documents = serializers.IntegerField(help_text="The documents the figure stands on.")
    ci95 = serializers.ListField(
        child=serializers.FloatField(),
        allow_null=True,
        help_text="Percentile bootstrap 95% interval over documents, or null.",
    )
    per_label = serializers.DictField(
        child=serializers.JSONField(), help_text="label -> {value, items} (alpha_u adds observed, expected)."
    )
    per_pair = serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        help_text='"alice|bob" -> {value, items, documents} (span F1 and Cohen\'s kappa).',
    )


class SpanF1FigureSerializer(FigureSerializer):
    macro = serializers.FloatField(allow_null=True, help_text="Macro F1: the mean over labels someone used.")


class AgreementReportSerializer(serializers.Serializer):
    annotators = serializers.ListField(child=serializers.CharField(), help_text="Everyone who submitted something.")
    documents = serializers.IntegerField(help_text="Documents with at least one submitted annotation.")
    labels = serializers.ListField(child=serializers.CharField(), help_text="The label set.")
    categories = serializers.ListField(
        child=serializers.CharField(), help_text='Token categories seen ("O", labels, combined "A|B").'
    )
    span_f1_exact = SpanF1FigureSerializer(help_text="Span F1, exact match; value is micro F1.")
    span_f1_overlap = SpanF1FigureSerializer(help_text="Span F1, overlap match (one to one, same label).")
    cohen_kappa = FigureSerializer(help_text="Cohen's kappa on tokens, mean over annotator pairs.")
    fleiss_kappa = FigureSerializer(help_text="Fleiss' kappa on tokens, documents everyone submitted.")
    krippendorff_alpha = FigureSerializer(help_text="Krippendorff's alpha (nominal) on tokens, missing allowed.")
    alpha_u = FigureSerializer(help_text="Krippendorff's unitizing alpha on characters; overall 1 - sum Do / sum De.")
    attributes = serializers.DictField(
        child=serializers.JSONField(),
        help_text="label -> {matched_spans, attribute -> {value (share of agreeing pairs), alpha, items, pairs}}.",
    )
    vs_gold = serializers.JSONField(
        help_text="{documents, per_annotator: {username: {value, documents, exact, overlap}}, model: {...} | null}."
    )
    # Reports stored before relations existed lack these: not required, so they are left out.
    relation_f1 = SpanF1FigureSerializer(
        required=False,
        help_text="Relation F1: both end spans match exactly and the type is equal; per_label keyed by "
        "relation type, per_pair by annotator pair; value is micro F1, mean over pairs.",
    )
    relation_f1_overlap = SpanF1FigureSerializer(
        required=False, help_text="Relation F1 with overlap matching of the end spans (one to one, same type)."
    )
    relation_f1_vs_gold = serializers.DictField(
        child=SpanF1FigureSerializer(),
        required=False,
        help_text="exact, overlap -> each annotator's relation F1 against the gold (per_pair keyed by annotator).",
    )
    conventions = serializers.DictField(child=serializers.JSONField(), help_text="The conventions the figures use.")
    suggestions_comparison = serializers.JSONField(
        required=False,
        help_text="Documents served with and without suggestions (the control share) compared: agreement, gold, "
        "seconds, accept_rate, each {with_suggestions, without_suggestions: {value, ci95, documents}, difference}.",
    )


class DocumentRowSerializer(serializers.Serializer):
    document = serializers.IntegerField(help_text="The document's id.")
    external_id = serializers.CharField(help_text="The id it was imported with.")
    annotators = serializers.ListField(child=serializers.CharField(), help_text="Who submitted it.")
    missing = serializers.ListField(child=serializers.CharField(), help_text="Annotators who did not submit it.")
    spans = serializers.DictField(child=serializers.IntegerField(), help_text="annotator -> number of spans.")
    tokens = serializers.IntegerField(help_text="Tokens in the document.")
    span_f1_exact = serializers.FloatField(allow_null=True, help_text="Mean over pairs of the document's span F1.")
    span_f1_overlap = serializers.FloatField(allow_null=True, help_text="The same with overlap matching.")
    cohen_kappa = serializers.FloatField(allow_null=True, help_text="Mean over pairs of the document's kappa.")
    krippendorff_alpha = serializers.FloatField(allow_null=True, help_text="Alpha on the document's tokens.")
    alpha_u = serializers.FloatField(allow_null=True, help_text="alpha_u on the document's characters.")
    disagreements = serializers.IntegerField(help_text="Disagreeing clusters of spans (attributes aside).")
    disagreements_by_kind = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="boundary, label, only_one, not_everyone, attributes -> count.",
    )


class DocumentDetailSerializer(DocumentRowSerializer):
    spans_by_annotator = serializers.DictField(
        child=serializers.JSONField(), help_text="annotator -> their spans {start, end, label, attrs}."
    )
    comparison = serializers.JSONField(
        help_text="{annotators, agreed, disagreements: {kind: [...]}, disagreement_count, majority}."
    )


class AgreementPendingSerializer(serializers.Serializer):
    """The answer (HTTP 202) while the report is being computed."""

    stale = serializers.BooleanField(help_text="Always true: the data changed since `report` was computed.")
    report = AgreementReportSerializer(
        allow_null=True, help_text="The last report computed (stale), or null before the first one."
    )
    computed_at = serializers.DateTimeField(allow_null=True, help_text="When `report` was computed.")
    job = JobSerializer(help_text="The agreement job computing the fresh report: poll jobs/{id}/, then ask again.")
