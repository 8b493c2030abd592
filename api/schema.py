"""The OpenAPI schema describes what the API really answers: every operation also lists the
error statuses it can give, each with the one error shape of api/exceptions.py."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

JSON_SAFE_INTEGER = 2**53 - 1
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
BODY_METHODS = {"POST", "PUT", "PATCH"}


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="A machine-readable kind: invalid, not_found, conflict, stale_version, …")
    message = serializers.CharField(help_text="What went wrong, for people; names the field, line or offset.")


class ErrorSerializer(serializers.Serializer):
    """Every error under /api/. More keys appear where they apply: `fields` (per field),
    `spans` (index, span, reason), `line`, `current_version`."""

    detail = serializers.CharField(help_text="The message, for clients that read only `detail`.")
    error = ErrorDetailSerializer(help_text="The error's kind and message, with details where they apply.")


ERROR_DESCRIPTIONS = {
    "400": "Bad input: the message names the field, line or offset.",
    "401": "Not logged in, or the token is unknown or expired.",
    "403": "Logged in, but the role is too low for this (or the CSRF check failed).",
    "404": "No such object, or not one the caller may see.",
    "409": "A conflict: a stale `version`, or a name already taken.",
    "413": "The request body is over the size limit.",
    "429": "Too many attempts: wait and try again.",
}


class AnnotatorAutoSchema(AutoSchema):
    def _error_codes(self) -> list[str]:
        # 401 everywhere: a wrong or expired token is refused before any permission check.
        codes = ["401", "403"]
        if "{" in self.path:
            codes.append("404")
        query_parameters = [p for p in self._get_parameters() if p.get("in") == "query"]
        if self.method in BODY_METHODS or query_parameters:
            codes.append("400")
        if self.method in WRITE_METHODS:
            codes.append("409")
        if self.method in BODY_METHODS:
            codes.append("413")
        if getattr(self.view, "throttle_classes", None) or getattr(self.view, "login_attempts_limited", False):
            codes.append("429")
        return sorted(codes)

    def _map_serializer_field(self, field: Any, direction: Any, bypass_extensions: bool = False) -> dict[str, Any]:
        mapped = super()._map_serializer_field(field, direction, bypass_extensions)
        # A list that may not be empty says so (spectacular leaves allow_empty=False out).
        if isinstance(field, serializers.ListSerializer | serializers.ListField) and not field.allow_empty:
            mapped["minItems"] = max(1, mapped.get("minItems", 0))
        # Every whole number in a request is within ±(2**53 − 1) (annotator/jsoncheck.py).
        if isinstance(field, serializers.IntegerField) and direction == "request":
            mapped.setdefault("maximum", JSON_SAFE_INTEGER)
            mapped.setdefault("minimum", -JSON_SAFE_INTEGER)
        return mapped

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, ("application/json",), direction)
                response["description"] = ERROR_DESCRIPTIONS[code]
                responses[code] = response
        return responses
