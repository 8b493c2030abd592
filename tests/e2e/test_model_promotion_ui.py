"""The Models page (issue 18): the owner sees each version's decision with its figures,
promotes an older version back, and sees the record of who did it, from which version to
which; the comparison of documents with and without suggestions is shown beside."""

from __future__ import annotations

from tests.e2e.conftest import log_in


def test_the_owner_rolls_back_to_an_older_version_and_sees_the_record(server, page, mixed, owner):  # type: ignore[no-untyped-def]
    from annotator.models import ModelVersion, Promotion
    from annotator.services.trainer import train_now
    from tests.annotator.services.tagger_data import add_gold

    add_gold(mixed, 8)  # beside the mixed-text document, gold to train on
    train_now(project=mixed)
    train_now(project=mixed)  # v2 ties v1 on the same held-out documents: current
    assert ModelVersion.objects.get(project=mixed, status=ModelVersion.Status.CURRENT).version == 2

    log_in(page, server, owner.username)
    page.goto(server + "/projects/mixed/models")
    decision = page.locator("[data-test=decision-v2]")
    decision.wait_for()
    assert "is not below v1's" in decision.inner_text()
    assert "automatic v1 → v2 by the rule" in decision.inner_text()
    page.locator("[data-test=suggestions-comparison]").wait_for()

    page.click("[data-test=promote-v1]")
    record = page.locator("[data-test=decision-v1] [data-test=promotion-record]").first
    record.wait_for()
    page.wait_for_function(
        "name => document.querySelector('[data-test=decision-v1]').innerText.includes(`rollback v2 → v1 by ${name}`)",
        arg=owner.username,
    )
    assert page.locator("[data-test=promote-v2]").inner_text() == "Promote v2"  # v2 is retired now
    stored = Promotion.objects.filter(project=mixed).order_by("-at", "-pk").first()
    assert (stored.kind, stored.by, stored.from_version.version, stored.to_version.version) == (
        "rollback",
        owner,
        2,
        1,
    )
    assert ModelVersion.objects.get(project=mixed, status=ModelVersion.Status.CURRENT).version == 1
    assert page.errors == []
