"""Fuzzing the API from its own OpenAPI schema: schemathesis generates requests for every
operation (valid and invalid bodies, query strings and path ids) and sends them to the
real WSGI app as the owner and as an annotator. No answer may be a 5xx.

Bounded: a few dozen examples per operation and caller, and a time budget for the whole
run, so it fits in `make test`.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings

from annotator.services.tokens import issue_token
from annotator.wsgi import application
from tests.api.conftest import assign

EXAMPLES = 15
BUDGET_SECONDS = 80
# Operations that end the caller's session or token would lock the fuzzer out of the rest.
SKIP = {("POST", "/api/auth/logout/"), ("DELETE", "/api/auth/tokens/{id}/")}


@contextmanager
def keep_connection_open() -> Iterator[None]:
    """Django closes the database connection at the end of each WSGI request; in a test
    that would close the test transaction's connection (Django's test client does the same
    around each of its requests, and reconnects the signal after)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_no_operation_answers_5xx(project, owner, alice, client_for):
    mine = assign(client_for(alice))["document"]["id"]  # a document assigned to alice
    real = {"slug": project.slug, "pk": mine, "username": "bob"}
    with keep_connection_open():
        fuzz_every_operation(owner, alice, real)


def fuzz_every_operation(owner, alice, real: dict[str, object]) -> None:  # type: ignore[no-untyped-def]
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    headers = {
        "owner": {"Authorization": f"Token {issue_token(user=owner)[1]}"},
        "annotator": {"Authorization": f"Token {issue_token(user=alice)[1]}"},
    }
    deadline = time.monotonic() + BUDGET_SECONDS
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    exercised = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in SKIP:
            continue
        for who, auth in headers.items():
            if time.monotonic() > deadline:
                break
            fuzz_operation(operation, who, auth, real, statuses, failures)
            exercised += 1
    assert exercised >= 20, "the fuzzer reached too few operations"
    assert statuses[2] >= 50 and statuses[4] >= 50, f"too few requests got past the checks: {statuses}"
    assert not failures, "\n".join(sorted(set(failures))[:20])


def for_generated_cases(operation, examples: int, send) -> None:  # type: ignore[no-untyped-def]
    """Call `send(case)` with up to `examples` requests schemathesis generates for `operation`."""

    @given(case=operation.as_strategy())
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case) -> None:  # type: ignore[no-untyped-def]
        send(case)

    run()


def fuzz_operation(operation, who, auth, real, statuses, failures) -> None:  # type: ignore[no-untyped-def]
    def fuzz(case) -> None:  # type: ignore[no-untyped-def]
        # Random slugs and ids only ever reach 404s; send each case once more at the real
        # project, document and member, so generated bodies and queries reach the services.
        for params in (case.path_parameters, {k: real[k] for k in case.path_parameters or {} if k in real}):
            if params is not case.path_parameters:
                if not params:
                    continue
                case.path_parameters = {**case.path_parameters, **params}
            response = case.call(headers=auth)
            statuses[response.status_code // 100] += 1
            if response.status_code >= 500:
                failures.append(f"{who}: {case.method} {case.formatted_path} -> {response.status_code}")

    for_generated_cases(operation, EXAMPLES, fuzz)


@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/"])
def test_schema_and_docs_are_served(client_for, owner, path):
    assert client_for(owner).get(path).status_code == 200


def test_every_field_in_the_schema_is_explained(client_for, owner):
    """/api/docs/ explains itself: every property of every component has a description."""
    schema = client_for(owner).get("/api/schema/?format=json").json()
    missing = [
        f"{name}.{prop}"
        for name, component in schema["components"]["schemas"].items()
        for prop, spec in component.get("properties", {}).items()
        if not spec.get("description") and "$ref" not in spec and "allOf" not in spec
    ]
    assert not missing, missing
