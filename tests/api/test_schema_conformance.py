"""The OpenAPI schema describes the API as it answers: error statuses, page objects, media
types and the constraints the views check. The schemathesis run at the end applies every
check it has (`--checks all`) to generated requests; `make fuzz` does the same with many
more examples against a real server (docs/operations.md, "API schema")."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import schemathesis
from schemathesis import checks
from schemathesis.core.failures import FailureGroup

from annotator.services.tokens import issue_token
from annotator.wsgi import application
from tests.api.test_schema_fuzz import SKIP, for_generated_cases, keep_connection_open

# What JSON Schema cannot say, and the server rightly refuses (docs/operations.md lists them):
# labels, users and documents that do not exist, NUL and lone surrogates in any key, numbers
# beyond 2**53, a date in the past. The other way round (schema-violating input accepted) is
# checked, and so is every response against its declared status, media type and shape.
EXCLUDED = [checks.positive_data_acceptance]
EXAMPLES = 8
BUDGET_SECONDS = 90


@pytest.fixture
def schema(client_for, owner) -> dict:  # type: ignore[no-untyped-def]
    return client_for(owner).get("/api/schema/?format=json").json()


def operations(schema: dict) -> Iterator[tuple[str, str, dict]]:
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method.upper(), operation


def test_every_operation_declares_the_errors_it_can_answer(schema):
    for path, method, operation in operations(schema):
        declared = set(operation["responses"])
        assert {"401", "403"} <= declared, (method, path)
        if "{" in path:
            assert "404" in declared, (method, path)
        if method in {"POST", "PUT", "PATCH"}:
            assert {"400", "409", "413"} <= declared, (method, path)


def test_errors_are_declared_with_the_one_error_shape(schema):
    error = schema["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"detail", "error"}
    response = schema["paths"]["/api/documents/{id}/annotations/mine/"]["put"]["responses"]["409"]
    assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def test_password_checks_declare_429(schema):
    for path in ("/api/auth/token/", "/api/auth/login/"):
        assert "429" in schema["paths"][path]["post"]["responses"]


def test_the_document_list_is_declared_as_the_page_it_returns(schema):
    page = schema["paths"]["/api/projects/{slug}/documents/"]["get"]["responses"]["200"]
    assert page["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/DocumentPage"}
    assert set(schema["components"]["schemas"]["DocumentPage"]["properties"]) == {
        "count",
        "count_capped",
        "next",
        "previous",
        "results",
    }


def test_csv_and_file_answers_are_declared_with_their_media_types(schema):
    table = schema["paths"]["/api/projects/{slug}/agreement/documents/"]["get"]["responses"]["200"]["content"]
    assert {"application/json", "text/csv"} <= set(table)
    export = schema["paths"]["/api/projects/{slug}/export/"]["get"]["responses"]["200"]["content"]
    assert {"application/x-ndjson", "text/csv", "application/zip"} <= set(export)
    assert "application/json" not in export or export["application/json"]["schema"].get("format") == "binary"


def test_the_export_formats_are_listed_in_the_schema(schema):
    from annotator.formats.registry import EXPORT_FORMATS

    (param,) = [
        p for p in schema["paths"]["/api/projects/{slug}/export/"]["get"]["parameters"] if p["name"] == "format"
    ]
    assert param["schema"]["enum"] == list(EXPORT_FORMATS)
    assert {"doccano", "labelstudio", "conll"} <= set(param["schema"]["enum"])


def test_required_inputs_declare_that_they_may_not_be_empty(schema):
    components = schema["components"]["schemas"]
    assert components["DocumentCreateRequest"]["properties"]["text"]["minLength"] == 1
    assert components["PredictInputRequest"]["properties"]["text"]["minLength"] == 1
    assert components["ProjectCreateRequest"]["properties"]["labels"]["minItems"] == 1
    assert components["LabelRequest"]["properties"]["name"]["minLength"] == 1
    assert "role" in components["RoleRequest"]["required"]
    assert components["DocumentCreateRequest"]["properties"]["meta"]["type"] == "object"


def test_generated_requests_pass_every_check_but_positive_data_acceptance(project, owner, alice):
    _, key = issue_token(user=owner, name="conformance")
    auth = {"Authorization": f"Token {key}"}
    deadline = time.monotonic() + BUDGET_SECONDS
    failures: list[str] = []
    sent: list[int] = []
    with keep_connection_open():
        api = schemathesis.openapi.from_wsgi("/api/schema/", application)
        for result in api.get_all_operations():
            operation = result.ok()
            if (operation.method.upper(), operation.path) in SKIP or time.monotonic() > deadline:
                continue

            def check(case) -> None:  # type: ignore[no-untyped-def]
                try:
                    sent.append(case.call_and_validate(headers=auth, excluded_checks=EXCLUDED).status_code)
                except (AssertionError, FailureGroup) as failure:
                    failures.append(f"{case.method} {case.path}: {str(failure).splitlines()[0]}")

            for_generated_cases(operation, EXAMPLES, check)
    assert len(sent) + len(failures) >= 100, "too few requests were checked"
    assert not failures, "\n".join(sorted(set(failures))[:20])
