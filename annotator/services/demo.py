"""The demo project `aleppo`, built from seeds/: idempotent, so `make run` can call it every time."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction

from annotator.formats.registry import read_path
from annotator.models import Gold, ModelVersion, Project, Role, Suggestion
from annotator.services.imports import ImportReport, import_documents
from annotator.services.predictor import refresh_now
from annotator.services.projects import add_member, create_project
from annotator.services.trainer import train_now

DEMO_SLUG = "aleppo"
SEEDS_DIR = Path(settings.BASE_DIR) / "seeds"
DEV_GOLD = Path(settings.BASE_DIR) / "fixtures" / "gold" / "dev.jsonl"
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


def seed_demo(*, seeds_dir: Path = SEEDS_DIR, gold_path: Path | None = DEV_GOLD) -> DemoResult:
    """The demo project with its accounts and seed articles; with `gold_path`, also the
    development gold (imported as gold once) and a first model trained on it here, in this
    process, with its suggestions stored for the seeds — so the first article a newcomer
    opens already has suggestions. Idempotent: an existing current model is kept."""
    result = _seed_project(seeds_dir=seeds_dir, gold_path=gold_path)
    if gold_path is not None:
        _train_first_model(result.project)
    return result


def _train_first_model(project: Project) -> None:
    current = ModelVersion.objects.current_for(project)
    if current is None:
        train_now(project=project)
        refresh_now(project=project)
    elif not Suggestion.objects.filter(model_version=current).exists():
        refresh_now(project=project)


@transaction.atomic
def _seed_project(*, seeds_dir: Path, gold_path: Path | None) -> DemoResult:
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
    if gold_path is not None and not Gold.objects.filter(document__project=project).exists():
        import_documents(project=project, records=read_path(gold_path, "jsonl"), as_gold=True)
    return DemoResult(project=project, created=created, report=report)
