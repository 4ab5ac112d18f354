"""The one domain error, and the one place it becomes HTTP."""

from rest_framework import exceptions as drf_exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class ApplicationError(Exception):
    """A business rule said no. `message` is shown to people (Chinese); `extra` carries details."""

    http_status = 400

    def __init__(self, message: str, extra: dict | None = None, *, http_status: int | None = None):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}
        if http_status is not None:
            self.http_status = http_status


def error_reply(exc: Exception) -> tuple[int, str]:
    """(HTTP status, message) for any error a view lets through."""
    if isinstance(exc, ApplicationError):
        return exc.http_status, exc.message
    if isinstance(exc, drf_exceptions.ValidationError):
        return 200, _first_validation_message(exc.detail)
    if isinstance(exc, drf_exceptions.APIException):
        return exc.status_code, str(exc.detail)
    raise exc


def _first_validation_message(detail, path: str = "") -> str:
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = key if key != "non_field_errors" else ""
            return _first_validation_message(value, f"{path}.{name}".strip(".") if name else path)
    if isinstance(detail, list) and detail:
        if isinstance(detail[0], (dict, list)):
            for index, item in enumerate(detail):
                if item:
                    return _first_validation_message(item, f"{path}[{index}]")
        return f"{path}: {detail[0]}" if path else str(detail[0])
    return f"{path}: {detail}" if path else str(detail)


def exception_handler(exc, context):
    """DRF's handler. A view may shape the body (`error_body`), e.g. the platform's ret_code envelope."""
    view = context.get("view")
    if isinstance(exc, ApplicationError) or (
        hasattr(view, "error_body") and isinstance(exc, drf_exceptions.APIException)
    ):
        status, message = error_reply(exc)
        extra = getattr(exc, "extra", {})
        if hasattr(view, "error_body"):
            response = Response(view.error_body(message, extra), status=status)
            if getattr(exc, "auth_header", None):
                response["WWW-Authenticate"] = exc.auth_header
            return response
        if isinstance(exc, drf_exceptions.ValidationError):
            status = 400
        return Response({"message": message, "extra": extra}, status=status)
    return drf_exception_handler(exc, context)
