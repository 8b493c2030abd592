"""API test helpers: a client logged in as one of the cast."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def client_for() -> Callable[..., APIClient]:
    """`client_for(user)`: an API client authenticated as `user` (None: anonymous)."""

    def make(user=None) -> APIClient:  # type: ignore[no-untyped-def]
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


def assign(client: APIClient, slug: str = "aleppo") -> dict:
    """Ask the queue for the caller's next document; the response body."""
    response = client.get(f"/api/projects/{slug}/next/")
    assert response.status_code == 200, response.content
    return response.json()


def save(client: APIClient, doc_id: int, *, spans: list, status: str = "draft", version: int, **extra) -> object:
    body = {"spans": spans, "status": status, "version": version, **extra}
    return client.put(f"/api/documents/{doc_id}/annotations/mine/", body, format="json")
