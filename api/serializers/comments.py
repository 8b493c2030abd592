"""Shapes of comment threads (describe, never write)."""

from __future__ import annotations

from rest_framework import serializers

from annotator.services.comments import MAX_BODY
from api.serializers.fields import InputSerializer


class ReplySerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The reply's id.")
    author = serializers.CharField(help_text="Who wrote it.")
    body = serializers.CharField(help_text="The reply's text.")
    created_at = serializers.DateTimeField(help_text="When it was written.")


class ThreadSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The thread's id (its first comment's); answer with `reply_to` set to it.")
    author = serializers.CharField(help_text="Who started the thread.")
    annotator = serializers.CharField(
        allow_null=True,
        help_text="The annotator the thread belongs to (who started it, or whom a reviewer addressed it to); "
        "null for a thread among reviewers and owners. Other annotators never see it.",
    )
    body = serializers.CharField(help_text="The first comment's text.")
    start = serializers.IntegerField(
        allow_null=True, help_text="Start of the pinned stretch of text (code points), or null when not pinned."
    )
    end = serializers.IntegerField(allow_null=True, help_text="End of the pinned stretch (exclusive), or null.")
    quote = serializers.CharField(allow_null=True, help_text="The pinned stretch's text, or null.")
    resolved = serializers.BooleanField(help_text="Whether a reviewer or owner has resolved the thread.")
    resolved_by = serializers.CharField(allow_null=True, help_text="Who resolved it (null while open).")
    resolved_at = serializers.DateTimeField(allow_null=True, help_text="When it was resolved (null while open).")
    created_at = serializers.DateTimeField(help_text="When the thread was started.")
    replies = ReplySerializer(many=True, help_text="The answers, oldest first.")


class CommentListSerializer(serializers.Serializer):
    document = serializers.IntegerField(help_text="The document's id.")
    unresolved = serializers.IntegerField(help_text="Threads shown here that are not resolved.")
    threads = ThreadSerializer(many=True, help_text="The threads the caller may see, oldest first.")


class CommentCreateSerializer(InputSerializer):
    body = serializers.CharField(
        max_length=MAX_BODY, trim_whitespace=False, help_text="The comment's text (not blank)."
    )
    reply_to = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**53,
        help_text="Answer this thread (its id) instead of starting one.",
    )
    start = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="Pin a new thread to the text from here (code points; with `end`). Checked like a span: inside "
        "the text, not inside a word or a character such as an emoji sequence.",
    )
    end = serializers.IntegerField(required=False, allow_null=True, help_text="End of the pinned stretch (exclusive).")
    annotator = serializers.CharField(
        max_length=150,
        required=False,
        allow_null=True,
        help_text="Reviewers and owners: address the thread to this annotator of the document, who will see it "
        "and may answer. Left out, only reviewers and owners see it. Annotators' threads are always their own.",
    )

    def validate_body(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("a comment needs some text")
        return value


class CommentResolveSerializer(InputSerializer):
    resolved = serializers.BooleanField(help_text="true resolves the thread, false reopens it.")
