from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from annotator.models import Annotation, ApiToken, Document, Gold, Job, Label, Membership, ModelVersion, Project
from annotator.services import queue
from annotator.services.login_limits import LoginThrottled, authenticate_limited


class LimitedAdminLoginForm(AdminAuthenticationForm):
    """The admin's login behind the same limits as the API's (services/login_limits.py)."""

    def clean(self) -> dict[str, Any]:
        if self.request is None:
            # The admin's login view always passes its request; without one there is no client
            # to count, so Django's own check applies.
            return super().clean()
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = authenticate_limited(self.request, username=username, password=password)
            except LoginThrottled as throttled:
                raise ValidationError(str(throttled).capitalize() + ".", code="throttled") from None
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


admin.site.login_form = LimitedAdminLoginForm


class LabelInline(admin.TabularInline):
    model = Label
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "annotators_per_document", "retrain_every", "created_at"]
    search_fields = ["slug", "name"]
    inlines = [LabelInline, MembershipInline]


class KeepsQueueState(admin.ModelAdmin):
    """Writes through the admin keep the queue's stored state right (services.queue), as
    the services do: the documents an annotation or gold row belongs to are recounted."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            before = form.initial.get("document") if change else None
            super().save_model(request, obj, form, change)
            queue.refresh_documents([pk for pk in (obj.document_id, before) if pk])

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            document_id = obj.document_id
            super().delete_model(request, obj)
            queue.refresh_documents([document_id])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with transaction.atomic():
            document_ids = list(queryset.values_list("document_id", flat=True))
            super().delete_queryset(request, queryset)
            queue.refresh_documents(document_ids)


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["external_id", "project", "created_at"]
    list_filter = ["project"]
    search_fields = ["external_id", "text"]
    readonly_fields = ["content_hash"]

    def save_model(self, request: HttpRequest, obj: Document, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if not change:  # a new document is open
                queue.add_open_documents(obj.project_id, 1)

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        self.delete_queryset(request, Document.objects.filter(pk=obj.pk))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with transaction.atomic():
            was_open = list(queryset.filter(queue_open=True).values_list("project_id", flat=True))
            super().delete_queryset(request, queryset)
            for project_id in was_open:
                queue.add_open_documents(project_id, -1)


@admin.register(Annotation)
class AnnotationAdmin(KeepsQueueState):
    list_display = ["document", "annotator", "status", "version", "updated_at"]
    list_filter = ["status", "document__project"]
    raw_id_fields = ["document"]


@admin.register(Gold)
class GoldAdmin(KeepsQueueState):
    list_display = ["document", "adjudicator", "origin", "updated_at"]
    raw_id_fields = ["document"]
    filter_horizontal = ["source_annotations"]


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = ["project", "version", "status", "training_documents", "created_at"]
    exclude = ["artifact"]


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "status", "project", "progress_done", "progress_total", "created_at"]
    list_filter = ["kind", "status"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens can be looked at and revoked here; they are made through the API (the key is
    shown once)."""

    list_display = ["user", "name", "key_prefix", "created_at", "last_used_at", "expires_at"]
    search_fields = ["user__username", "name"]
    readonly_fields = ["user", "name", "key_hash", "key_prefix", "created_at", "last_used_at", "expires_at"]

    def has_add_permission(self, request: Any) -> bool:
        return False
