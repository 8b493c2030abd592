"""Shapes of the tagger's endpoints: model versions, their help, training and prediction."""

from __future__ import annotations

from rest_framework import serializers

from annotator.models import ModelVersion, Promotion
from api.serializers.fields import InputSerializer
from api.serializers.jobs import JobSerializer


class ModelHelpSerializer(serializers.Serializer):
    annotations = serializers.IntegerField(
        help_text="Submitted annotations counted (after promotion, on documents it suggested for)."
    )
    submitted_spans = serializers.IntegerField(help_text="Spans in those annotations.")
    from_suggestions = serializers.IntegerField(help_text="Of those, spans that came from this version's suggestions.")
    accepted = serializers.IntegerField(help_text="Suggestions submitted as they were.")
    edited = serializers.IntegerField(help_text="Suggestions submitted after an edit.")
    accepted_share = serializers.FloatField(allow_null=True, help_text="from_suggestions / submitted_spans.")
    acceptance_rate = serializers.FloatField(allow_null=True, help_text="Suggestions submitted / suggestions shown.")
    edited_share = serializers.FloatField(allow_null=True, help_text="edited / from_suggestions.")
    suggestions_shown = serializers.IntegerField(help_text="This version's suggestions on the counted documents.")
    rejected = serializers.IntegerField(help_text="Suggestions the annotators explicitly rejected.")
    rejected_share = serializers.FloatField(allow_null=True, help_text="rejected / suggestions_shown.")
    precision = serializers.FloatField(
        allow_null=True, help_text="Suggestions matching a submitted span exactly / suggestions."
    )
    recall = serializers.FloatField(
        allow_null=True, help_text="Submitted spans matched by a suggestion / submitted spans."
    )
    f1 = serializers.FloatField(
        allow_null=True, help_text="Harmonic mean of precision and recall (null when undefined)."
    )
    submitted_relations = serializers.IntegerField(help_text="Relations in the counted annotations.")
    relation_suggestions_shown = serializers.IntegerField(
        help_text="This version's relation suggestions on the counted documents."
    )
    relations_accepted = serializers.IntegerField(
        help_text="Relation suggestions submitted: both ends from the suggestions they joined, with the same type."
    )
    relation_acceptance_rate = serializers.FloatField(
        allow_null=True, help_text="relations_accepted / relation_suggestions_shown."
    )
    relation_accepted_share = serializers.FloatField(
        allow_null=True, help_text="relations_accepted / submitted_relations."
    )
    relations_rejected = serializers.IntegerField(help_text="Relation suggestions the annotators explicitly rejected.")
    relation_rejected_share = serializers.FloatField(
        allow_null=True, help_text="relations_rejected / relation_suggestions_shown."
    )


class ConditionFigureSerializer(serializers.Serializer):
    value = serializers.FloatField(allow_null=True, help_text="The figure (null with nothing to stand on).")
    ci95 = serializers.ListField(
        child=serializers.FloatField(),
        allow_null=True,
        help_text="Bootstrap 95% interval over documents (null under two documents).",
    )
    documents = serializers.IntegerField(help_text="The documents it stands on.")


class DifferenceSerializer(serializers.Serializer):
    value = serializers.FloatField(allow_null=True, help_text="With suggestions minus without.")
    ci95 = serializers.ListField(
        child=serializers.FloatField(), allow_null=True, help_text="Bootstrap 95% interval of the difference."
    )


class ConditionsSerializer(serializers.Serializer):
    with_suggestions = ConditionFigureSerializer(help_text="Documents served with suggestions.")
    without_suggestions = ConditionFigureSerializer(help_text="Control documents, served without suggestions.")
    difference = DifferenceSerializer(help_text="With minus without.")


class SuggestionsComparisonSerializer(serializers.Serializer):
    control_share = serializers.FloatField(help_text="The project's share of control documents.")
    documents = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Documents with a submitted annotation made once the project had a model, per condition.",
    )
    agreement = ConditionsSerializer(help_text="Span F1 (exact) between annotators of the same document, pooled.")
    gold = ConditionsSerializer(help_text="Span F1 (exact) of the annotations against the gold, pooled.")
    seconds = ConditionsSerializer(help_text="Active seconds per submitted annotation.")
    accept_rate = ConditionsSerializer(help_text="Suggestions submitted (as they were or edited) / shown.")


class ModelHelpReportSerializer(ModelHelpSerializer):
    suggestions_comparison = SuggestionsComparisonSerializer(
        help_text="The project's documents served with and without suggestions (the control share), compared."
    )


class PromotionDecisionSerializer(serializers.Serializer):
    promoted = serializers.BooleanField(help_text="Whether the rule made it the current model.")
    f1 = serializers.FloatField(allow_null=True, help_text="Its micro span F1 on the held-out documents.")
    current_version = serializers.IntegerField(
        allow_null=True, help_text="The version that was current when it was judged (null: none)."
    )
    current_f1 = serializers.FloatField(
        allow_null=True, help_text="That version's micro span F1 on the same held-out documents."
    )
    held_out_documents = serializers.IntegerField(help_text="How many held-out documents both were scored on.")
    rule = serializers.CharField(help_text="The promotion rule, in words.")
    reason = serializers.CharField(help_text="How the rule applied to these figures, in words.")


class PromotionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=Promotion.Kind.choices,
        help_text="automatic (after a training, by the rule), promote (an owner made a newer version current) "
        "or rollback (an owner went back to an older one).",
    )
    by = serializers.CharField(allow_null=True, help_text="The owner who did it; null for the automatic rule.")
    at = serializers.DateTimeField(help_text="When.")
    from_version = serializers.IntegerField(allow_null=True, help_text="The version current before (null: none).")
    to_version = serializers.IntegerField(help_text="The version made current.")


class ModelVersionSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The model version's row id.")
    version = serializers.IntegerField(help_text="1, 2, 3... per project.")
    status = serializers.ChoiceField(
        choices=ModelVersion.Status.choices,
        help_text="training, ready (trained, not promoted: worse on held-out documents), current, retired or failed.",
    )
    metrics = serializers.JSONField(
        help_text="Span F1 on the held-out documents: value/f1 (micro), macro, precision, recall, per_label, "
        "held_out_documents, and the current model's figure on the same documents; `error` for a failed version."
    )
    training_documents = serializers.IntegerField(help_text="Documents it was trained on.")
    duration_seconds = serializers.FloatField(help_text="Training and evaluation time.")
    sklearn_version = serializers.CharField(help_text="The scikit-learn version that trained it (checked on load).")
    feature_version = serializers.CharField(help_text="The feature version it was trained with (checked on load).")
    artifact_sha256 = serializers.CharField(help_text="Checksum of the stored model file.")
    created_at = serializers.DateTimeField(help_text="When its training started.")
    promoted_at = serializers.DateTimeField(allow_null=True, help_text="When it became the current model.")
    help = ModelHelpSerializer(help_text="How much its suggestions helped the annotators.")
    decision = PromotionDecisionSerializer(
        allow_null=True, help_text="The automatic promotion's decision after its training (null until trained)."
    )
    promotions = PromotionSerializer(many=True, help_text="Each time it was made current, newest first.")


class PredictInputSerializer(InputSerializer):
    text = serializers.CharField(
        max_length=1_000_000, trim_whitespace=False, help_text="The text to label with the project's current model."
    )


class ScoredSpanSerializer(serializers.Serializer):
    start = serializers.IntegerField(help_text="Offset of the first character (code points).")
    end = serializers.IntegerField(help_text="Offset after the last character.")
    label = serializers.CharField(help_text="The label.")  # type: ignore[assignment]  # stubs: a field may shadow Field's attribute (DRF pops declared fields)
    score = serializers.FloatField(help_text="The model's confidence, 0 to 1 (mean probability of the span's tags).")
    text = serializers.CharField(help_text="The span's text, text[start:end].")


class PredictOutputSerializer(serializers.Serializer):
    model_version = serializers.IntegerField(help_text="The version of the model that labelled the text.")
    spans = ScoredSpanSerializer(many=True, help_text="The spans found, in text order.")
    uncertainty = serializers.FloatField(help_text="Mean entropy (bits) of the ten most uncertain tokens.")


class TrainInputSerializer(InputSerializer):
    """No fields: POST {} to queue a training (or join the one waiting)."""


class PromoteInputSerializer(InputSerializer):
    """No fields: POST {} to make the version current (owners)."""


class PromotionResultSerializer(serializers.Serializer):
    promotion = PromotionSerializer(help_text="The change just recorded.")
    refresh_job = serializers.IntegerField(
        allow_null=True, help_text="The job refreshing the new current version's suggestions (poll jobs/{id}/)."
    )


class TrainingStateSerializer(serializers.Serializer):
    job = JobSerializer(allow_null=True, help_text="The project's newest training job (null before the first).")
