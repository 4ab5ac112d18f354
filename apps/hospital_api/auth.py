"""`Authorization: Api-Key <key>` for /api/v1/: who is calling (authentication), whether it may (permission),
and the base view that logs every call with the key's name."""

import json
import time
from decimal import Decimal

from rest_framework import authentication, exceptions, parsers, permissions, serializers
from rest_framework.views import APIView
from rest_framework_api_key.permissions import KeyParser

from apps.core.errors import ApplicationError, error_reply
from apps.hospital_api.models import ApiCall, ApiKey

KEYWORD = "Api-Key"


def key_lookup(raw: str) -> ApiKey | None:
    """The key row for a presented key (revoked ones too, so that they get 403, not 401)."""
    prefix = raw.partition(".")[0][:8]
    row = ApiKey.objects.filter(prefix=prefix).first()
    if row is None or not ApiKey.objects.key_generator.verify(raw, row.hashed_key):
        return None
    return row


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """request.auth = the ApiKey; request.user stays None (a system, not a person)."""

    def authenticate(self, request):
        raw = KeyParser().get_from_authorization(request)
        if raw is None:
            return None
        row = key_lookup(raw.strip())
        if row is None:
            raise exceptions.AuthenticationFailed("接口密钥无效")
        request.api_key_row = row  # logged even when refused below
        if row.revoked or row.has_expired:
            raise exceptions.PermissionDenied("接口密钥已吊销或已过期")
        return (None, row)

    def authenticate_header(self, request):
        return KEYWORD


class HasScope(permissions.BasePermission):
    """A valid key whose scope is the view's `api_scope`."""

    message = "该接口密钥无权调用此接口"

    def has_permission(self, request, view):
        key = request.auth
        if not isinstance(key, ApiKey):
            raise exceptions.NotAuthenticated("缺少接口密钥（Authorization: Api-Key <key>）")
        return key.scope == view.api_scope


class DecimalJSONParser(parsers.JSONParser):
    """JSON whose fractions become Decimal: amounts and quantities never pass through float."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return json.loads(stream.read().decode(), parse_float=Decimal)
        except (ValueError, UnicodeDecodeError) as exc:
            raise exceptions.ParseError(f"请求体不是合法的 JSON：{exc}") from None


class ErrorOut(serializers.Serializer):
    """The 400 / 404 shape of the hospital's own APIs (apps.core.errors.exception_handler)."""

    message = serializers.CharField(help_text="错误说明，写明出错的字段")
    extra = serializers.DictField(help_text="field：出错的字段；errors：每个字段的错误；部分退费被拒时 partial 为 true")


class HospitalAPIView(APIView):
    """Base of every /api/v1/ view: key authentication, scope permission, and one ApiCall row per call."""

    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [HasScope]
    parser_classes = [DecimalJSONParser]
    api_scope = ""

    @staticmethod
    def valid(serializer_class, data) -> dict:
        """The request's fields checked by `serializer_class`; a refusal's message names the first wrong field,
        `extra` names it and lists every error."""
        shape = serializer_class(data=data)
        if not shape.is_valid():
            _, message = error_reply(serializers.ValidationError(shape.errors))
            raise ApplicationError(message, {"field": next(iter(shape.errors)), "errors": shape.errors})
        return shape.validated_data

    def initial(self, request, *args, **kwargs):
        request._started = time.monotonic()
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        key = getattr(request, "api_key_row", None)
        started = getattr(request, "_started", None)
        error = ""
        if response.status_code >= 400 and isinstance(getattr(response, "data", None), dict):
            error = str(response.data.get("message") or response.data.get("detail") or "")
        ApiCall.objects.create(
            key=key,
            key_name=key.name if key else "",
            method=request.method,
            path=request.path[:300],
            status=response.status_code,
            duration_ms=int((time.monotonic() - started) * 1000) if started else 0,
            error=error[:500],
        )
        return response
