"""Shapes of documents, their list filters, suggestions and uploads (describe, never write)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from annotator.models import Annotation
from annotator.services.bulk_documents import BULK_ACTIONS
from annotator.services.document_browser import ANNOTATOR_STATUSES, ORDERINGS
from annotator.services.document_queries import DOCUMENT_STATUSES
from annotator.services.suggestions import STATES
from api.serializers.fields import InputSerializer, JSONObjectField, QuerySerializer


def control_field() -> serializers.BooleanField:
    """`control`, as next/ and a document's GET both carry it."""
    return serializers.BooleanField(
        help_text="One of the project's control documents: served to everyone without suggestions, so the "
        "reports can compare annotation with and without them."
    )


def suggestions_state_field() -> serializers.ChoiceField:
    """`suggestions_state`, as next/ and a document's GET both carry it."""
    return serializers.ChoiceField(
        choices=STATES,
        allow_null=True,
        help_text="Why the document shows the suggestions it shows, or none: ready (the model's suggestions; an "
        "empty list means it found nothing), pending (queued or being computed: load it again), no_model (no "
        "model trained yet), excluded_trained_on_it (every model that could serve it trained on an annotation "
        "of this document, so none is shown: no leak between annotators), control (a control document). Null "
        "when there is no document.",
    )


STATUS_HELP = (
    "unassigned (nobody holds it), in_progress (assigned, not enough submissions), "
    "done (enough submitted annotations, no gold yet) or gold (adjudicated or imported gold)."
)


class AssigneeSerializer(serializers.Serializer):
    username = serializers.CharField(help_text="An annotator the document is assigned to.")
    status = serializers.ChoiceField(choices=Annotation.Status.choices, help_text="Their annotation's status.")


class DocumentListItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The document's id in this app (used in documents/{id}/ URLs).")
    external_id = serializers.CharField(help_text="The id the document came with (unique per project).")
    status = serializers.ChoiceField(choices=DOCUMENT_STATUSES, help_text=STATUS_HELP)
    my_status = serializers.ChoiceField(
        choices=Annotation.Status.choices,
        allow_null=True,
        help_text="The caller's own annotation status (draft, submitted, skipped), null if not assigned to them.",
    )
    assignees = AssigneeSerializer(
        many=True, allow_null=True, help_text="Who holds the document (reviewers and owners only; null for annotators)."
    )
    preview = serializers.CharField(help_text="The first 200 characters of the text.")
    length = serializers.IntegerField(help_text="The text's length in characters (code points).")
    created_at = serializers.DateTimeField(help_text="When the document was added.")
    unresolved_comments = serializers.IntegerField(
        help_text="Comment threads on the document not yet resolved, of those the caller sees "
        "(annotators: their own threads)."
    )
    model_uncertainty = serializers.FloatField(
        allow_null=True, help_text="The current model's uncertainty here (higher: less sure); null if not scored."
    )
    deleted_at = serializers.DateTimeField(
        allow_null=True, help_text="When the document was deleted (listed with deleted=true only), else null."
    )


def _maybe(help_text: str) -> serializers.BooleanField:
    # default None: left out means "either" (DRF reads a missing query boolean as false).
    return serializers.BooleanField(required=False, allow_null=True, default=None, help_text=help_text)


class DocumentListQuerySerializer(QuerySerializer):
    status = serializers.ChoiceField(
        choices=DOCUMENT_STATUSES, required=False, help_text="Only this status: " + STATUS_HELP
    )
    assignee = serializers.CharField(
        max_length=150,
        required=False,
        help_text="Only documents assigned to this user name (annotators: only themselves).",
    )
    label = serializers.CharField(  # type: ignore[assignment]  # stubs: a field may shadow Field's attribute (DRF pops declared fields)
        max_length=64,
        required=False,
        help_text="Only documents with a span of this label in a submitted annotation or the gold "
        "(annotators: in their own annotation).",
    )
    q = serializers.CharField(
        max_length=200,
        required=False,
        help_text="Search: documents whose text or external id has every word of this (case and Latin accents "
        "ignored; the last word may be the start of a word). Quotes, brackets and operators are searched as text.",
    )
    cursor = serializers.RegexField(
        r"^[0-9]{1,16}$|^[-0-9.eE:+T]{1,40}~[0-9]{1,16}$",
        required=False,
        help_text="Keyset paging: the documents after this one, and `next` carries the cursor of the page after "
        "(`count` and `previous` are null). Start with 0. In id order it is the last document's id; in other "
        "orders take it from `next`. Reads only the page, however large the project; without it, pages are "
        "numbered (`page`) and counted.",
    )
    annotator = serializers.CharField(
        max_length=150,
        required=False,
        help_text="Whose annotation `annotator_status` looks at; alone, documents this user holds any annotation "
        "of (reviewers and owners; annotators: only themselves).",
    )
    annotator_status = serializers.ChoiceField(
        choices=ANNOTATOR_STATUSES,
        required=False,
        help_text="Only documents where `annotator` (annotators: the caller; without `annotator`: anyone) has an "
        "annotation in this status; not_started: has none.",
    )
    has_gold = _maybe("true: only documents with gold; false: only those without.")
    has_disagreement = _maybe(
        "true: only documents with two or more submitted annotations whose spans (start, end, label) differ; "
        "false: the others."
    )
    commented = _maybe(
        "true: only documents with a comment thread you can see (annotators: their own); false: the others."
    )
    open_comments = _maybe("true: only documents with an unresolved comment thread you can see; false: the others.")
    uncertainty_min = serializers.FloatField(
        required=False, help_text="Only documents the current model scored at least this uncertain."
    )
    uncertainty_max = serializers.FloatField(
        required=False, help_text="Only documents the current model scored at most this uncertain."
    )
    created_after = serializers.DateTimeField(
        required=False, help_text="Only documents added at or after this time (ISO 8601; a date means its midnight)."
    )
    created_before = serializers.DateTimeField(
        required=False, help_text="Only documents added before this time (ISO 8601; a date means its midnight)."
    )
    ordering = serializers.ChoiceField(
        choices=ORDERINGS,
        required=False,
        help_text="Sort by id (default), created or uncertainty (unscored documents count as -1); a leading - "
        "reverses.",
    )
    deleted = serializers.BooleanField(
        required=False,
        default=False,
        help_text="true: list the deleted documents instead (owners; restorable within the undo window).",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        low, high = attrs.get("uncertainty_min"), attrs.get("uncertainty_max")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError({"uncertainty_min": ["must not be above uncertainty_max"]})
        return attrs

    page = serializers.IntegerField(min_value=1, required=False, help_text="Page number, from 1 (not with `cursor`).")
    page_size = serializers.IntegerField(
        min_value=1, max_value=500, required=False, help_text="Documents per page (default 50, at most 500)."
    )


class SuggestionSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The suggestion's id; name it in a span's `suggestion` when accepting it.")
    start = serializers.IntegerField(help_text="Start offset (code points, inclusive).")
    end = serializers.IntegerField(help_text="End offset (code points, exclusive).")
    label = serializers.CharField(help_text="The suggested label.")  # type: ignore[assignment]  # stubs: a field may shadow Field's attribute (DRF pops declared fields)
    attrs = serializers.JSONField(help_text="Suggested attributes (may be empty).")
    score = serializers.FloatField(help_text="The model's confidence, 0 to 1.")


class RelationSuggestionSerializer(serializers.Serializer):
    # The ends are the span suggestions listed beside it: accepting both and linking them with
    # this type (the spans naming their `suggestion`) counts the relation suggestion as accepted.
    id = serializers.IntegerField(help_text="Its id: name it in `rejected_relation_suggestions` to reject it.")
    from_suggestion = serializers.IntegerField(help_text="The id of the span suggestion it starts from.")
    to_suggestion = serializers.IntegerField(help_text="The id of the span suggestion it points to.")
    type = serializers.CharField(help_text="The relation type (one of the project's, e.g. BY, AT).")
    score = serializers.FloatField(help_text="The model's confidence, 0 to 1.")


RELATION_SUGGESTIONS_HELP = (
    "Relations the model suggests between its span suggestions for the document (the same model version, "
    "served under the same rule: none on a control document)."
)


class ModelVersionRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The model version's row id.")
    version = serializers.IntegerField(help_text="The project's model version number (1, 2, ...).")


class DocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The document's id in this app.")
    external_id = serializers.CharField(help_text="The id the document came with (unique per project).")
    project = serializers.CharField(help_text="The project's slug.")
    text = serializers.CharField(help_text="The full text; span offsets are code point indices into it.")
    meta = JSONObjectField(help_text="Metadata the document came with (source, date, ...).")
    created_at = serializers.DateTimeField(help_text="When the document was added.")


class DocumentWithSuggestionsSerializer(DocumentSerializer):
    model_version = ModelVersionRefSerializer(
        allow_null=True,
        help_text="The model whose suggestions follow: the current one (null if none yet), or the one before "
        "while the current one's are pending.",
    )
    suggestions = SuggestionSerializer(many=True, help_text="The current model's suggestions for this document.")
    relation_suggestions = RelationSuggestionSerializer(many=True, help_text=RELATION_SUGGESTIONS_HELP)
    suggestions_stale = serializers.BooleanField(
        help_text="A newer model is being trained or its suggestions refreshed (or waiting for the task queue)."
    )
    suggestions_pending = serializers.BooleanField(
        help_text="The current model's suggestions for this document are still being computed: load it again for them."
    )
    control = control_field()
    suggestions_state = suggestions_state_field()


class DocumentCreateSerializer(InputSerializer):
    text = serializers.CharField(trim_whitespace=False, max_length=1_000_000, help_text="The document's text.")
    id = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="Your id for the document (unique in the project); derived from the text's hash when left out.",
    )
    # NUL and lone surrogates in it are refused by the API's JSON parser (api.parsers).
    meta = JSONObjectField(required=False, help_text="Metadata to keep with the document: a JSON object.")


class ImportSerializer(InputSerializer):
    file = serializers.FileField(
        help_text="The file to import: span JSONL (or doccano JSONL), CSV with a text column, a .txt document, "
        "or another format the server knows."
    )
    format = serializers.CharField(
        max_length=32,
        required=False,
        help_text="The file's format (jsonl, csv, txt, ...); from the file name when left out.",
    )
    as_annotator = serializers.RegexField(
        r"^[\w.@+-]{1,150}$",
        required=False,
        help_text="Store each line's spans as this user's submitted annotation (the user is created if missing).",
    )
    as_gold = serializers.BooleanField(required=False, default=False, help_text="Store each line's spans as gold.")


class DocumentPageSerializer(serializers.Serializer):
    """One page of the document list."""

    count = serializers.IntegerField(
        allow_null=True,
        help_text="Documents that match, over all pages, counted up to a limit (10,000 unless the server sets "
        "DOCUMENT_COUNT_LIMIT): with `count_capped` true there are more than this. Null with `cursor`: not counted.",
    )
    count_capped = serializers.BooleanField(
        help_text="True when the matches were counted only up to the limit and there are more than `count`; "
        "`next` still leads on to every page (false with `cursor`)."
    )
    next = serializers.URLField(allow_null=True, help_text="The next page's URL, or null on the last page.")
    previous = serializers.URLField(
        allow_null=True, help_text="The previous page's URL, or null on the first (always null with `cursor`)."
    )
    results = DocumentListItemSerializer(many=True, help_text="This page's documents.")


class DocumentBulkSerializer(InputSerializer):
    action = serializers.ChoiceField(
        choices=BULK_ACTIONS,
        help_text="delete (restorable within the undo window), restore (deleted documents), or requeue: return to "
        "the queue, discarding every annotation of the documents (drafts, submissions, skips) so `next/` serves "
        "them again; refused for documents with gold.",
    )
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        allow_empty=False,
        max_length=10_000,
        help_text="The selected documents' ids (not with `filters`). One that is not a document of the project in "
        "the state the action needs refuses the whole request.",
    )
    filters = JSONObjectField(
        required=False,
        help_text="Instead of `ids`: every document matching these list filters (the documents list's query "
        'parameters, e.g. {"status": "done", "q": "aleppo"}; paging and ordering are ignored). '
        "For restore, among the deleted documents.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("ids" in attrs) == ("filters" in attrs):
            raise serializers.ValidationError(
                {"ids": ["give either ids or filters (all matching documents), one of them"]}
            )
        return attrs


class DocumentBulkResultSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=BULK_ACTIONS, help_text="The action applied.")
    documents = serializers.IntegerField(help_text="How many documents it changed (all it was given).")
    annotations_discarded = serializers.IntegerField(help_text="requeue: how many annotations were discarded; else 0.")
    undo_until = serializers.DateTimeField(
        allow_null=True, help_text="delete: until when the documents can be restored; else null."
    )
