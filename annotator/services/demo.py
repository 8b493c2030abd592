"""The demo project `aleppo`, built from seeds/: idempotent, so `make run` can call it every time."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction

from annotator.formats.registry import read_path
from annotator.models import Project, Role
from annotator.services.imports import ImportReport, import_documents
from annotator.services.projects import add_member, create_project

DEMO_SLUG = "aleppo"
SEEDS_DIR = Path(settings.BASE_DIR) / "seeds"
# Demo accounts for the local demo only; their passwords are printed by `make run`.
DEMO_ACCOUNTS = [
    ("owner", "owner-demo-2026", Role.OWNER),
    ("alice", "alice-demo-2026", Role.ANNOTATOR),
    ("bob", "bob-demo-2026", Role.ANNOTATOR),
    ("reviewer", "reviewer-demo-2026", Role.REVIEWER),
]


@dataclass
class DemoResult:
    project: Project
    created: bool
    report: ImportReport


@transaction.atomic
def seed_demo(*, seeds_dir: Path = SEEDS_DIR) -> DemoResult:
    project = Project.objects.filter(slug=DEMO_SLUG).first()
    created = project is None
    if project is None:
        project = create_project(
            slug=DEMO_SLUG,
            name="Aleppo bombing reports",
            labels=["CASUALTY_COUNT", "PERPETRATOR", "LOCATION"],
            guidelines=(seeds_dir / "guidelines.md").read_text(encoding="utf-8"),
            annotators_per_document=2,
            retrain_every=5,
        )
    for username, password, role in DEMO_ACCOUNTS:
        user, user_created = User.objects.get_or_create(username=username)
        if user_created:
            user.set_password(password)
            user.is_staff = role == Role.OWNER
            user.is_superuser = role == Role.OWNER
            user.save()
        add_member(project=project, user=user, role=role)
    report = import_documents(project=project, records=read_path(seeds_dir, "txt"))
    return DemoResult(project=project, created=created, report=report)
