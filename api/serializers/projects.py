"""Shapes of projects, labels, members, progress and auth (describe, never write)."""

from __future__ import annotations

from rest_framework import serializers

from annotator.models import Role
from annotator.services.projects import LABEL_NAME
from api.serializers.fields import InputSerializer, JSONObjectField

ROLE_HELP = "owner (manages the project), reviewer (reads everyone's work, writes gold) or annotator."


class LabelSerializer(InputSerializer):
    name = serializers.RegexField(
        LABEL_NAME,
        help_text="The label's name: a letter (of any script) then letters, digits or _, at most 64 "
        "(e.g. CASUALTY_COUNT). Unique per project.",
    )
    colour = serializers.RegexField(
        r"^#[0-9a-fA-F]{6}$", required=False, help_text="Display colour #rrggbb; a default is chosen when left out."
    )
    hotkey = serializers.CharField(
        max_length=1,
        required=False,
        allow_blank=True,
        help_text="One letter or digit that applies this label in the annotation view; unique per project "
        "regardless of case; empty for none. Left out: the label's default or a free letter of its name.",
    )
    attributes = JSONObjectField(
        required=False,
        help_text='Attribute schema: {"name": {"type": "integer|choice|text|boolean", "choices": [...], '
        '"min": 0, "max": 100}}. Spans of this label may carry these attributes (each may be null).',
    )


class RelationTypeSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The relation type's name (e.g. BY).")
    # `source` is a Field attribute of DRF's own: declared under another name, renamed below.
    source_ = serializers.CharField(help_text="The label a link of this type starts from (e.g. CASUALTY_COUNT).")
    target = serializers.CharField(help_text="The label a link of this type points to (e.g. PERPETRATOR).")
    hotkey = serializers.CharField(
        allow_blank=True, help_text="The key that starts a link of this type in the annotation view; empty for none."
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["source"] = fields.pop("source_")
        return fields


class RelationTypeInputSerializer(InputSerializer):
    # The service checks the rules (`relation_type_rows`) so that an error names its place.
    name = serializers.CharField(
        help_text="The relation type's name: a letter (of any script) then letters, digits or _, at most 64 "
        "(e.g. BY). Unique per project.",
    )
    source_ = serializers.CharField(help_text="The label a link of this type starts from: a label of the project.")
    target = serializers.CharField(help_text="The label a link of this type points to: a label of the project.")
    hotkey = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="One letter or digit that starts a link of this type; unique among the relation types "
        "regardless of case; empty or left out for none.",
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["source"] = fields.pop("source_")
        return fields


class AnnotatorProgressSerializer(serializers.Serializer):
    username = serializers.CharField(help_text="The annotator.")
    submitted = serializers.IntegerField(help_text="Documents this annotator submitted.")
    drafts = serializers.IntegerField(help_text="Documents assigned to this annotator and not yet submitted.")
    skipped = serializers.IntegerField(help_text="Documents this annotator skipped.")
    time_spent = serializers.FloatField(help_text="Active seconds spent on this project's documents.")


class ProgressSerializer(serializers.Serializer):
    documents = serializers.IntegerField(help_text="Live documents in the project.")
    done = serializers.IntegerField(
        help_text="Documents with gold, or with at least annotators_per_document submitted annotations."
    )
    by_status = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Documents per status: unassigned, in_progress, done (enough submissions, no gold), gold.",
    )
    annotators = AnnotatorProgressSerializer(
        many=True, help_text="Per annotator figures; an annotator sees only their own row."
    )


class NoticeSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="What the notice is about: large_project_on_sqlite.")
    message = serializers.CharField(help_text="The notice, for people.")


class ProjectSerializer(serializers.Serializer):
    slug = serializers.SlugField(help_text="Short name used in URLs and commands.")
    name = serializers.CharField(help_text="Display name.")
    guidelines = serializers.CharField(help_text="Annotation guidelines, Markdown.")
    annotators_per_document = serializers.IntegerField(help_text="How many different annotators see each document.")
    retrain_every = serializers.IntegerField(
        help_text="Train a new model after this many newly submitted or adjudicated documents."
    )
    control_share = serializers.FloatField(
        help_text="Share of documents (0 to 0.5) served to everyone without suggestions (the control documents)."
    )
    labels = LabelSerializer(many=True, help_text="The label set, in display order.")
    relation_types = RelationTypeSerializer(
        many=True, read_only=True, help_text="The relation types spans can be linked by, in display order."
    )
    role = serializers.ChoiceField(choices=Role.choices, help_text="The caller's role: " + ROLE_HELP)
    progress = ProgressSerializer(help_text="How far the project is.")
    created_at = serializers.DateTimeField(help_text="When the project was created.")
    notices = NoticeSerializer(
        many=True,
        help_text="For the project's owners (empty for everyone else): what they should know about the install, "
        "e.g. a project too large for SQLite (LARGE_PROJECT_SQLITE_DOCUMENTS).",
    )


class ProjectCreateSerializer(InputSerializer):
    slug = serializers.RegexField(
        r"^[a-z0-9][a-z0-9_-]{0,63}$",
        help_text="Short name for URLs: lower-case letters, digits, - and _, at most 64 characters.",
    )
    name = serializers.CharField(max_length=200, required=False, help_text="Display name (defaults to the slug).")
    guidelines = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, help_text="Annotation guidelines, Markdown, as given."
    )
    annotators_per_document = serializers.IntegerField(
        min_value=1, max_value=100, default=1, help_text="How many different annotators see each document."
    )
    retrain_every = serializers.IntegerField(
        min_value=1, max_value=1_000_000, default=10, help_text="Retrain after this many new submitted documents."
    )
    labels = LabelSerializer(
        many=True, allow_empty=False, help_text="The label set; known labels get their default colour and schema."
    )
    relation_types = RelationTypeInputSerializer(
        many=True,
        required=False,
        help_text="The relation types spans can be linked by, in display order; source and target are labels "
        "of this request. Left out: BY and AT where the labels CASUALTY_COUNT, PERPETRATOR and LOCATION are there.",
    )


class ProjectDuplicateSerializer(InputSerializer):
    slug = serializers.RegexField(
        r"^[a-z0-9][a-z0-9_-]{0,63}$",
        help_text="The new project's slug: lower-case letters, digits, - and _, at most 64 characters.",
    )
    name = serializers.CharField(
        max_length=200, required=False, help_text="The new project's name (defaults to the old one's, with (copy))."
    )


class DeletedProjectSerializer(serializers.Serializer):
    slug = serializers.SlugField(help_text="The deleted project's slug (POST projects/{slug}/restore/ restores it).")
    name = serializers.CharField(help_text="Its name.")
    deleted_at = serializers.DateTimeField(help_text="When it was deleted.")
    undo_until = serializers.DateTimeField(help_text="Until when it can be restored; after that it is purged.")


class ProjectTemplateSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The template's key.")
    name = serializers.CharField(help_text="What it is for.")
    description = serializers.CharField(help_text="What it sets up.")
    labels = LabelSerializer(many=True, help_text="Its label set with colours, hotkeys and attribute schemas.")
    relation_types = RelationTypeSerializer(many=True, help_text="Its relation types.")
    guidelines = serializers.CharField(help_text="Its annotation guidelines, Markdown.")
    annotators_per_document = serializers.IntegerField(help_text="Suggested annotators per document.")
    retrain_every = serializers.IntegerField(help_text="Suggested retrain threshold.")


class ProjectUpdateSerializer(InputSerializer):
    name = serializers.CharField(max_length=200, required=False, help_text="Display name.")
    guidelines = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, help_text="Annotation guidelines, Markdown, as given."
    )
    annotators_per_document = serializers.IntegerField(
        min_value=1, max_value=100, required=False, help_text="How many different annotators see each document."
    )
    retrain_every = serializers.IntegerField(
        min_value=1, max_value=1_000_000, required=False, help_text="Retrain after this many new submitted documents."
    )
    control_share = serializers.FloatField(
        min_value=0.0,
        max_value=0.5,
        required=False,
        help_text="Share of documents (0 to 0.5) served to everyone without suggestions; documents nobody has "
        "started follow a change, the others keep their condition.",
    )
    labels = LabelSerializer(
        many=True,
        required=False,
        allow_empty=False,
        help_text="The whole new label set (replaces the old, matched by name). Removing a label that "
        "spans use is refused with 409 naming it.",
    )
    relation_types = RelationTypeInputSerializer(
        many=True,
        required=False,
        help_text="The whole new set of relation types (replaces the old). Removing one that relations use "
        "is refused with 409 naming it; source and target must be labels of the project after this change.",
    )


class MemberSerializer(InputSerializer):
    # Django's rule for user names, stated in the schema too.
    username = serializers.RegexField(
        r"^[\w.@+-]+\Z",
        max_length=150,
        help_text="The member's user name: letters, digits and @ . + - _.",
        error_messages={"invalid": "not a valid user name"},
    )
    role = serializers.ChoiceField(choices=Role.choices, help_text=ROLE_HELP)


class MemberAddedSerializer(serializers.Serializer):
    username = serializers.CharField(help_text="The user name given.")
    role = serializers.ChoiceField(choices=Role.choices, help_text=ROLE_HELP)
    status = serializers.ChoiceField(
        choices=["member", "invited"],
        help_text="member: already a member, whose role is now `role`; invited: an invitation waits for "
        "that user name to accept (the answer is the same whether or not such an account exists).",
    )


class PendingInvitationSerializer(serializers.Serializer):
    username = serializers.CharField(help_text="The invited user name.")
    role = serializers.ChoiceField(choices=Role.choices, help_text="The role offered: " + ROLE_HELP)
    invited_by = serializers.CharField(allow_null=True, help_text="The owner who invited them.")
    created_at = serializers.DateTimeField(help_text="When.")


class InvitationSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Accept or decline it by this id.")
    project = serializers.SlugField(help_text="The project's slug.")
    project_name = serializers.CharField(help_text="The project's name.")
    role = serializers.ChoiceField(choices=Role.choices, help_text="The role offered: " + ROLE_HELP)
    invited_by = serializers.CharField(allow_null=True, help_text="The owner who invited you.")
    created_at = serializers.DateTimeField(help_text="When.")


class RoleSerializer(InputSerializer):
    role = serializers.ChoiceField(choices=Role.choices, help_text="The member's new role: " + ROLE_HELP)


class CredentialsSerializer(InputSerializer):
    username = serializers.CharField(max_length=150, help_text="Your user name.")
    password = serializers.CharField(
        max_length=4096, trim_whitespace=False, style={"input_type": "password"}, help_text="Your password."
    )


class MembershipRefSerializer(serializers.Serializer):
    slug = serializers.SlugField(help_text="The project's slug.")
    name = serializers.CharField(help_text="The project's name.")
    role = serializers.ChoiceField(choices=Role.choices, help_text="Your role there: " + ROLE_HELP)


class MeSerializer(serializers.Serializer):
    username = serializers.CharField(help_text="Who you are logged in as.")
    is_superuser = serializers.BooleanField(help_text="Superusers act as owners of every project.")
    is_staff = serializers.BooleanField(help_text="A site admin: manages accounts and join links.")
    may_create_projects = serializers.BooleanField(
        help_text="Whether you may create projects (setting PROJECT_CREATORS: staff accounts, or everyone)."
    )
    projects = MembershipRefSerializer(many=True, help_text="Your projects with your role in each.")
