"""The Data page's export menu offers every format the server writes, each with a line on
what its file holds (the CSV of texts has no labels; spaCy's is a binary DocBin)."""

from __future__ import annotations

import pytest

from annotator.formats.registry import EXPORT_FORMATS
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e]


def test_the_export_menu_lists_every_server_format_with_what_it_holds(server, page, mixed, owner) -> None:  # type: ignore[no-untyped-def]
    log_in(page, server, "olivia")
    page.goto(server + "/projects/mixed/data")
    menu = page.locator("[data-test=export-format]")
    menu.wait_for()
    offered = menu.locator("option").evaluate_all("options => options.map((o) => o.value)")
    assert sorted(offered) == sorted(EXPORT_FORMATS)
    holds = page.locator("[data-test=export-holds]")
    seen = set()
    for name in offered:
        menu.select_option(name)
        assert holds.inner_text().strip(), name
        seen.add(holds.inner_text())
    assert len(seen) == len(offered)  # a line of its own for each
    menu.select_option("csv")
    assert "no spans" in holds.inner_text()
    assert "binary" in menu.locator("option[value=spacy]").inner_text()
    assert page.errors == []
