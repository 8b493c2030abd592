"""The shape of a job: a long task's status, progress, error, result and file."""

from __future__ import annotations

from rest_framework import serializers

from annotator.models import Job


class JobProgressSerializer(serializers.Serializer):
    done = serializers.IntegerField(help_text="Items done so far.")
    total = serializers.IntegerField(help_text="Items in all (0 while unknown).")
    fraction = serializers.FloatField(help_text="done / total, 0 to 1 (0 while the total is unknown).")


class JobSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The job's id: poll jobs/{id}/ for its progress.")
    kind = serializers.ChoiceField(
        choices=Job.Kind.choices, help_text="import, export, training, suggestions or agreement."
    )
    status = serializers.ChoiceField(
        choices=Job.Status.choices, help_text="queued, running, succeeded or failed (then see `error`)."
    )
    project = serializers.CharField(allow_null=True, help_text="The project's slug.")
    progress = JobProgressSerializer(help_text="How far the job is.")
    message = serializers.CharField(help_text="The latest progress message, or the summary when done.")
    error = serializers.CharField(help_text="Why the job failed (naming the line of a bad file); empty otherwise.")
    result = serializers.JSONField(help_text="What the job produced (an import's counts, an export's size...).")
    params = serializers.JSONField(help_text="What the job was asked to do.")
    download_url = serializers.CharField(
        allow_null=True, help_text="Where to download the job's output file; null when it has none (yet)."
    )
    created_at = serializers.DateTimeField(help_text="When the job was queued.")
    started_at = serializers.DateTimeField(allow_null=True, help_text="When a worker started it.")
    finished_at = serializers.DateTimeField(allow_null=True, help_text="When it succeeded or failed.")
