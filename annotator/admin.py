from django.contrib import admin

from annotator.models import Annotation, Document, Gold, Job, Label, Membership, ModelVersion, Project


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


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["external_id", "project", "created_at"]
    list_filter = ["project"]
    search_fields = ["external_id", "text"]
    readonly_fields = ["content_hash"]


@admin.register(Annotation)
class AnnotationAdmin(admin.ModelAdmin):
    list_display = ["document", "annotator", "status", "version", "updated_at"]
    list_filter = ["status", "document__project"]
    raw_id_fields = ["document"]


@admin.register(Gold)
class GoldAdmin(admin.ModelAdmin):
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
