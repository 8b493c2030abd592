"""The fingerprint a stored agreement report is fresh against moves with what the report reads, and only with that."""

from __future__ import annotations

from annotator.models import Annotation, Document
from annotator.services.adjudication import save_gold
from annotator.services.agreement import fingerprint
from annotator.services.annotations import save_my_annotation
from annotator.services.deletion import delete_document, restore_document
from annotator.services.project_admin import update_project
from tests.helpers import annotate


def _first(project):  # type: ignore[no-untyped-def]
    return Document.objects.filter(project=project).order_by("id").first()


def test_a_draft_of_a_never_submitted_annotation_leaves_it_and_a_submit_moves_it(project, alice) -> None:  # type: ignore[no-untyped-def]
    document = _first(project)
    annotation = annotate(document, alice, [], status="draft")
    before = fingerprint(project)
    aleppo = document.text.index("Aleppo")
    spans = [{"start": aleppo, "end": aleppo + 6, "label": "LOCATION"}]
    save_my_annotation(document=document, user=alice, spans=spans, status="draft", expected_version=1)
    assert fingerprint(project) == before
    save_my_annotation(document=document, user=alice, spans=spans, status="submitted", expected_version=2)
    after_submit = fingerprint(project)
    assert after_submit != before
    # Editing a submitted annotation, or withdrawing it to a draft, changes the report too.
    save_my_annotation(document=document, user=alice, spans=[], status="draft", expected_version=3)
    assert fingerprint(project) != after_submit
    assert Annotation.objects.get(pk=annotation.pk).status == "draft"


def test_a_gold_a_deleted_document_and_a_label_change_each_move_it(project, alice, reviewer) -> None:  # type: ignore[no-untyped-def]
    document = _first(project)
    annotation = annotate(document, alice, [("Aleppo", "LOCATION")])
    seen = {fingerprint(project)}
    aleppo = document.text.index("Aleppo")
    save_gold(
        document=document,
        user=reviewer,
        spans=[{"start": aleppo, "end": aleppo + 6, "label": "LOCATION"}],
        source_annotation_ids=[annotation.pk],
        expected_version=0,
    )
    assert fingerprint(project) not in seen
    seen.add(fingerprint(project))
    delete_document(document=document)
    assert fingerprint(project) not in seen
    seen.add(fingerprint(project))
    restore_document(document=Document.objects.get(pk=document.pk))
    assert fingerprint(project) not in seen
    seen.add(fingerprint(project))
    labels = [{"name": name} for name in ("CASUALTY_COUNT", "PERPETRATOR", "LOCATION", "WEAPON")]
    update_project(project=project, labels=labels)
    assert fingerprint(project) not in seen


def test_a_document_import_without_annotations_leaves_it(project) -> None:  # type: ignore[no-untyped-def]
    from annotator.formats.records import Record
    from annotator.services.imports import import_documents

    before = fingerprint(project)
    import_documents(project=project, records=[Record(text="Shelling hit Idlib.", id="plain-1")])
    assert fingerprint(project) == before
