"""Join links under concurrency: two people opening the same link at the same moment make
one account between them, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth.models import User
from django.db import connection

from annotator.exceptions import Gone
from annotator.services.accounts import create_join_link, join

PASSWORD = "a long walk to Azaz 2026"


@pytest.mark.django_db(transaction=True)
def test_two_joins_with_one_link_at_the_same_moment_make_one_account(owner):
    _, token = create_join_link(created_by=owner)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def use(name: str) -> None:
        start.wait()
        try:
            join(token=token, username=name, password=PASSWORD)
            outcomes.append("joined")
        except Gone:
            outcomes.append("gone")
        finally:
            connection.close()

    threads = [threading.Thread(target=use, args=(name,)) for name in ("zoe", "zed")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["gone", "joined"]
    assert User.objects.filter(username__in=["zoe", "zed"]).count() == 1
