"""One JSON error shape for every API error: {"detail": message, "error": {"code", "message",
...details}}. `detail` repeats the message at the top, the shape DRF and most clients expect."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from annotator.exceptions import AnnotatorError, Conflict, FormatError, Gone, InvalidSpans, NotFound, StaleVersion
from annotator.services.uploads import UploadTooLarge
from api.parsers import BadJsonInput

_STATUS = {
    UploadTooLarge: status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    InvalidSpans: status.HTTP_400_BAD_REQUEST,
    FormatError: status.HTTP_400_BAD_REQUEST,
    StaleVersion: status.HTTP_409_CONFLICT,
    Conflict: status.HTTP_409_CONFLICT,
    NotFound: status.HTTP_404_NOT_FOUND,
    Gone: status.HTTP_410_GONE,
}


def _domain_error(exc: AnnotatorError) -> Response:
    body: dict[str, Any] = {"code": exc.code, "message": exc.message}
    if isinstance(exc, InvalidSpans):
        body["spans"] = [problem.as_dict() for problem in exc.problems]
    if isinstance(exc, FormatError):
        body["line"] = exc.line
    if isinstance(exc, StaleVersion):
        body["current_version"] = exc.current
    body.update(exc.details)
    code = next((s for kind, s in _STATUS.items() if isinstance(exc, kind)), status.HTTP_400_BAD_REQUEST)
    return Response(error_data(body), status=code)


def error_data(body: dict[str, Any]) -> dict[str, Any]:
    """The JSON of an error response from its `error` object (code, message, details)."""
    return {"detail": body["message"], "error": body}


def body_too_large() -> Response:
    """413 for a request body above DATA_UPLOAD_MAX_MEMORY_SIZE (Django's own answer is an HTML 400)."""
    from django.conf import settings

    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    message = (
        f"the request body is larger than {limit} bytes (setting DATA_UPLOAD_MAX_MEMORY_SIZE); "
        "send files to imports/, which takes up to MAX_UPLOAD_BYTES"
    )
    return Response(
        error_data({"code": "too_large", "message": message}), status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    )


def _flatten(detail: Any) -> str:
    if isinstance(detail, dict):
        return "; ".join(f"{key}: {_flatten(value)}" for key, value in detail.items())
    if isinstance(detail, list):
        return " ".join(_flatten(item) for item in detail)
    return str(detail)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, AnnotatorError):
        return _domain_error(exc)
    if isinstance(exc, RequestDataTooBig):
        return body_too_large()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    message = _flatten(detail["detail"] if isinstance(detail, dict) and set(detail) == {"detail"} else detail)
    body: dict[str, Any] = {"code": getattr(exc, "default_code", "error"), "message": message}
    if isinstance(detail, dict) and "detail" not in detail:
        body["fields"] = detail
        body["code"] = "invalid"
    if isinstance(exc, BadJsonInput):  # where in the body: path, its top-level field, or the line
        body.update(
            {key: value for key, value in (("path", exc.path), ("field", exc.field), ("line", exc.line)) if value}
        )
    response.data = error_data(body)
    return response
