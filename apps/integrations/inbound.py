"""Authentication and inbox for the platform's calls into /api/platform/ (CONTRACT.md section 4).

Usage — one subclass per interface, registered by its app with apps.integrations.router.platform_router::

    @extend_schema(tags=["platform"], request=Org004Input, responses=Org004Reply)
    class Org004SettlementQueryView(PlatformAPIView):
        interface = "org_004"            # the exchange log's name for the call
        style = "snake"                  # or "report": 附录二's camelCase body around ret_code/ret_msg only

        class InputSerializer(serializers.Serializer):
            mdtrt_cert_no = serializers.CharField(max_length=64)

        def handle(self, data, exchange):
            # data: the serializer's validated_data. Return the reply fields; raise ApplicationError to refuse.
            return {"call_sn": "...", "balance": "0.00"}

What the base does, in order:

1. reads the body (over DATA_UPLOAD_MAX_MEMORY_SIZE: HTTP 413, ret_code "02");
2. authenticates and decodes with the configured codec (`PlatformAuthentication`, paylater/codec.py; no database):
   timestamp window settings.PLATFORM_AUTH_WINDOW_SECONDS, known app id, constant-time comparison. Failure: HTTP
   401, ret_code "02". A body that is not a JSON object as the contract allows it (UTF-8 only, no NaN/Infinity, no
   NUL or lone surrogate, nested at most codec.MAX_DEPTH): HTTP 400, ret_code "02". Then, before any business
   work, stores the call in `Exchange` (direction in, party paylater, headers minus the signature, the body
   masked, the raw body encrypted, the nonce unique: a nonce seen before is a 401) in one INSERT, committed at
   once outside the request's transaction (`non_atomic_requests`), so the inbox row survives whatever follows.
   A query (`changes_state = False`) has nothing to survive: its row, nonce included, is written once in step 6,
   and a replay is refused there (401) instead of being answered.
   A call refused or crashed before that still gets its row, written once with the answer, keeping only
   UNAUTHENTICATED_BODY_KEPT bytes of the body with NUL / lone surrogates replaced: anyone can send anything.
   Old nonces are forgotten by the worker (`tasks.nonces_forget_task`);
3. validates with `InputSerializer`; the first error answers HTTP 200, ret_code "02", ret_msg naming the field;
4. calls `handle()`; its reply is wrapped as {"ret_code": "00", "ret_msg": "成功", "result": "succ", **reply}
   (style "report": {"ret_code": "00", "ret_msg": "成功", **reply}). ApplicationError from the serializer or
   handle(): HTTP 200, ret_code "02", result "fail", ret_msg = its message. Any other exception: HTTP 500,
   ret_code "02", traceback kept in the exchange row and logged at ERROR (a bug of ours, not the caller's);
5. encodes HTTP 200 replies with the codec (the sm envelope when PAYLATER_CODEC is sm); refusals of calls that
   could not be authenticated or decoded (401, 400, 413) and crashes (500) are plain JSON, which carry no
   personal data;
6. writes the answer into the row: masked reply, HTTP status, duration, outcome ok / refused / failed, error
   text (masked).
   A 4xx is logged as one WARNING line without a traceback.

Nothing but the exchange row (and, once the signature checks, the nonce) is written for a refused call: the
business work happens only in handle().
"""

import functools
import logging
import time
import traceback
from contextlib import nullcontext
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, connection, transaction
from django.http import UnreadablePostError
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer
from rest_framework import exceptions, serializers
from rest_framework.authentication import BaseAuthentication
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.errors import ApplicationError
from apps.core.pii import mask_text
from apps.integrations.models import Direction, Exchange, Outcome, Party
from apps.integrations.paylater import codec
from apps.integrations.transport import loggable

logger = logging.getLogger(__name__)

RET_OK, RET_FAIL = "00", "02"
# Of a call not (yet) authenticated, only this much of the body is kept: anyone can send one.
UNAUTHENTICATED_BODY_KEPT = 4096
HEADER_VALUE_KEPT = 500


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "payload_too_large"

    def __init__(self):
        super().__init__(f"请求体超过{settings.DATA_UPLOAD_MAX_MEMORY_SIZE}字节的上限")


@dataclass(frozen=True)
class PlatformCaller:
    """`request.user` of an authenticated platform call."""

    app_id: str
    nonce: str  # stored by the view with the inbox row (one INSERT)
    is_authenticated: bool = True


class PlatformAuthentication(BaseAuthentication):
    """Checks the platform's signature (json headers or sm envelope) and sets `request.auth` to the decoded body."""

    def authenticate(self, request):
        try:
            inbound = codec.check_request(request.headers, request.body)
        except codec.AuthFailed as exc:
            raise exceptions.AuthenticationFailed(str(exc)) from None
        except codec.NotAnObject as exc:
            raise exceptions.ParseError(str(exc)) from None
        return PlatformCaller(app_id=inbound.app_id, nonce=inbound.nonce), inbound.data

    def authenticate_header(self, request):
        # A non-empty value makes DRF answer 401 rather than 403.
        return 'PlatformSignature realm="api/platform"'


class PlatformAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = PlatformAuthentication
    name = "platformSignature"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-Signature",
            "description": "Codec json: X-App-Id, X-Timestamp (unix ms), X-Nonce (8–64) and X-Signature = hex "
            'HMAC-SHA256(app secret, app_id + "\\n" + timestamp + "\\n" + nonce + "\\n" + hex sha256(body)). '
            "Codec sm: the national SM2/SM4 envelope replaces the headers.",
        }


class PlatformRefusal(serializers.Serializer):
    ret_code = serializers.ChoiceField(choices=[RET_FAIL])
    ret_msg = serializers.CharField(help_text="拒绝原因；字段错误以字段名开头")
    result = serializers.ChoiceField(choices=["fail"])


class PlatformReportRefusal(serializers.Serializer):
    ret_code = serializers.ChoiceField(choices=[RET_FAIL])
    ret_msg = serializers.CharField(help_text="拒绝原因；字段错误以字段名开头")


class PlatformSchema(AutoSchema):
    """The answers every platform call can get, documented once for all of them (module docstring, steps 1–5):
    HTTP 200 with the view's reply or a ret_code "02" refusal, and the refusals 400, 401 and 413."""

    def _get_response_bodies(self, direction="response"):
        # Here rather than in get_response_serializers(): a view's @extend_schema(responses=...) overrides
        # that one in a subclass of this schema, and the refusals must be added to whatever the view declares.
        responses = self._with_refusals(self.get_response_serializers())
        return {
            str(code): self._get_response_for_code(response, str(code), direction=direction)
            for code, response in responses.items()
        }

    def _with_refusals(self, reply) -> dict:
        refusal = PlatformReportRefusal if self.view.style == "report" else PlatformRefusal
        name = getattr(reply, "__name__", type(reply).__name__)
        return {
            200: OpenApiResponse(
                PolymorphicProxySerializer(
                    component_name=f"{name}OrRefusal", serializers=[reply, refusal], resource_type_field_name=None
                ),
                description='ret_code "00": 成功；ret_code "02": 业务拒绝或字段错误（ret_msg 以字段名开头）',
            ),
            400: OpenApiResponse(refusal, description="请求体不是UTF-8的JSON对象，或含NaN、NUL、无效字符、嵌套过深"),
            401: OpenApiResponse(refusal, description="签名、时间戳、随机数或 appId 校验未通过"),
            413: OpenApiResponse(refusal, description="请求体超过上限"),
        }


class PlatformRenderer(JSONRenderer):
    """HTTP 200 replies in the codec's form; anything else as plain JSON (see the module docstring, step 5)."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None and response.status_code == 200:
            return codec.encode_reply(data)
        return super().render(data, accepted_media_type, renderer_context)


class PlatformReply(serializers.Serializer):
    """The envelope of every accepted call's reply (CONTRACT.md section 4); refusals are PlatformRefusal."""

    ret_code = serializers.ChoiceField(choices=[RET_OK], help_text="00 成功")
    ret_msg = serializers.CharField()
    result = serializers.CharField(help_text="succ；查询类接口未找到时为 fail")


class PlatformReportReply(serializers.Serializer):
    """The envelope of 附录二's replies: ret_code / ret_msg only."""

    ret_code = serializers.ChoiceField(choices=[RET_OK], help_text="00 成功")
    ret_msg = serializers.CharField()


def platform_reply(body: type[serializers.Serializer], *, style: str = "snake") -> type[serializers.Serializer]:
    """The schema of a reply: the envelope (of the view's `style`) around its OutputSerializer."""
    envelope = PlatformReportReply if style == "report" else PlatformReply
    return type(body.__name__.removesuffix("Out") + "Reply", (envelope, body), {"__module__": body.__module__})


class PlatformAPIView(APIView):
    interface = "org_000"
    style = "snake"
    InputSerializer: type[serializers.Serializer] = serializers.Serializer
    # Builds the reply's fields from what handle() returns; None: handle() returns them as they go out.
    OutputSerializer: type[serializers.Serializer] | None = None
    # False for a query, whose answer changes nothing the platform asked for (reading the patient's insurance
    # on the way is a lookup, not business): its inbox row is one INSERT with the answer instead of an INSERT
    # before handle() and an UPDATE after, and handle() gets the row unsaved (no pk).
    changes_state = True

    authentication_classes = [PlatformAuthentication]
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]  # for the schema only: the body is decoded by the codec, never by DRF
    renderer_classes = [PlatformRenderer]
    http_method_names = ["post"]
    schema = PlatformSchema()

    @classmethod
    def as_view(cls, **initkwargs):
        # APIView.as_view already exempts CSRF; the inbox row must not roll back with a failed request.
        return transaction.non_atomic_requests(super().as_view(**initkwargs))

    def handle(self, data: dict, exchange: Exchange) -> dict:
        raise NotImplementedError

    def error_body(self, message: str, extra: dict | None = None) -> dict:
        """The refusal shape; also used by apps.core.errors.exception_handler for DRF's own exceptions."""
        if self.style == "report":
            return {"ret_code": RET_FAIL, "ret_msg": message}
        return {"ret_code": RET_FAIL, "ret_msg": message, "result": "fail"}

    def success_body(self, reply: dict) -> dict:
        if self.style == "report":
            return {"ret_code": RET_OK, "ret_msg": "成功", **reply}
        return {"ret_code": RET_OK, "ret_msg": "成功", "result": "succ", **reply}

    def initial(self, request, *args, **kwargs):
        self._started = time.monotonic()
        self._crash = ""
        self.exchange = None
        self._raw = b""  # finalize_response records the call even if reading its body fails
        self._raw = _body(request)
        if self._raw is None:
            raise PayloadTooLarge()
        if request.method.lower() not in self.http_method_names:
            raise exceptions.MethodNotAllowed(request.method)  # before authentication asks for a body
        super().initial(request, *args, **kwargs)  # authentication (no database): request.auth is the body
        # The inbox row, with the whole body and the nonce, before any business work: one INSERT, committed at
        # once, so what was asked survives whatever handle() does; a replay's nonce breaks the unique constraint
        # and nothing is written. A query (changes_state False) has nothing to survive: its row is written once,
        # with its answer (finalize_response).
        exchange = _new_exchange(request, self._raw, self.interface, decoded=request.auth)
        exchange.nonce = request.user.nonce
        if self.changes_state:
            try:
                _insert(exchange)
            except IntegrityError:
                raise _replayed() from None
        self.exchange = exchange

    def post(self, request, *args, **kwargs):
        serializer = self.InputSerializer(data=request.auth)
        try:
            serializer.is_valid(raise_exception=True)  # ValidationError: the exception handler names the field
            reply = self.handle(serializer.validated_data, self.exchange)
        except ApplicationError as exc:
            return Response(self.error_body(exc.message, exc.extra), status=200)
        if self.OutputSerializer is not None:
            reply = _output_serializer(self.OutputSerializer).to_representation(reply)
        return Response(self.success_body(reply), status=200)

    def handle_exception(self, exc):
        if isinstance(exc, exceptions.APIException | ApplicationError):
            return super().handle_exception(exc)
        self._crash = traceback.format_exc()
        logger.error("%s crashed: %s", self.interface, mask_text(self._crash))
        return Response(self.error_body("系统内部错误，请稍后重试"), status=500)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        exchange = self.exchange  # initial() always runs first, and sets it before anything can fail
        if exchange is None:  # refused (or crashed) before the inbox row was written
            exchange = _new_exchange(request, self._raw, self.interface, decoded=None)
        try:
            _store_reply(exchange, response, self._started, self._crash)
        except IntegrityError:
            # A query's row, and so its nonce, is written only now: a replay is refused here, its answer unsent.
            self.exchange = None
            return self.finalize_response(request, self.handle_exception(_replayed()), *args, **kwargs)
        if 400 <= response.status_code < 500:
            # One line, no traceback: anyone can send a malformed call, and each must not flood the log.
            logger.warning(
                "%s refused: HTTP %s, exchange %s: %s",
                self.interface,
                response.status_code,
                exchange.pk,
                exchange.error,
            )
            response._has_been_logged = True  # django.request would log the same call again
        return response


@functools.cache
def _output_serializer(cls: type[serializers.Serializer]) -> serializers.Serializer:
    """One instance per class and process: a new one deep-copies every declared field on each call, and
    to_representation() keeps nothing on the instance between calls."""
    return cls()


def _storable(text: str) -> str:
    return codec.UNSTORABLE.sub("\ufffd", text)


def _body(request) -> bytes | None:
    """The raw body, read before DRF's parsers touch the stream; None if over DATA_UPLOAD_MAX_MEMORY_SIZE."""
    try:
        return request._request.body
    except RequestDataTooBig:
        return None
    except UnreadablePostError:  # the caller's connection failed mid-body: a malformed call, not a crash
        raise exceptions.ParseError("请求体未能读完（连接中断）") from None


def _logged_body(raw: bytes):
    """The masked body if it is small and JSON the contract allows, else a masked, storable prefix of it."""
    if len(raw) <= UNAUTHENTICATED_BODY_KEPT:
        try:
            return loggable(codec.strict_loads(raw))
        except codec.NotAnObject:
            pass
    prefix = raw[:UNAUTHENTICATED_BODY_KEPT].decode(errors="replace")
    return {"_raw": mask_text(_storable(prefix)), "_bytes": len(raw)}


def _new_exchange(request, raw: bytes | None, interface: str, *, decoded) -> Exchange:
    """The inbox row (not saved yet). Authenticated (`decoded` is the body): the masked body and the whole raw
    body, which the codec proved UTF-8 JSON without NUL. Otherwise a bounded, storable copy of what arrived:
    anyone can send anything."""
    if decoded is not None:
        logged, kept = loggable(decoded), raw.decode()
    else:
        logged = _logged_body(raw) if raw is not None else None
        kept = raw[:UNAUTHENTICATED_BODY_KEPT].decode(errors="replace") if raw is not None else ""
    headers = {
        name: mask_text(_storable(value[:HEADER_VALUE_KEPT]))
        for name, value in request.headers.items()
        if "signature" not in name.lower() and name.lower() not in ("cookie", "authorization")
    }
    return Exchange(
        direction=Direction.IN,
        party=Party.PAYLATER,
        interface=interface,
        url=request.path[:300],
        request_headers=headers,
        raw_body=kept,
        request_body=logged if isinstance(logged, dict | list | None) else {"_raw": logged},
    )


def _store_reply(exchange: Exchange, response, started: float, crash: str) -> None:
    data = response.data if isinstance(response.data, dict) else {}
    if crash:
        outcome = Outcome.FAILED
    elif response.status_code == 200 and data.get("ret_code") == RET_OK:
        outcome = Outcome.OK
    else:
        outcome = Outcome.REFUSED
    exchange.response_body = loggable(data)
    exchange.http_status = response.status_code
    exchange.duration_ms = int((time.monotonic() - started) * 1000)
    exchange.outcome = outcome
    # ret_msg may echo what was sent (a field error quoting the value): masked like the bodies.
    exchange.error = mask_text(crash or ("" if outcome == Outcome.OK else str(data.get("ret_msg", ""))))
    # The answer is a log entry: the business effect and any reply that must be given again (org_003's) were
    # committed by handle() itself. Not waiting for the WAL flush here halves a call's fsyncs; a database crash
    # within a fraction of a second could cost the log the answer, never the call's effect. A query's nonce goes
    # with it: such a crash could let that query be asked again within the window and answered again, as before.
    with connection.execute_wrapper(_without_flush) if connection.vendor == "postgresql" else nullcontext():
        if exchange.pk is None:
            _insert(exchange)
        else:
            exchange.save(update_fields=["response_body", "http_status", "duration_ms", "outcome", "error"])


def _insert(exchange: Exchange) -> None:
    # In autocommit (production) one INSERT, committed at once. Only inside a caller's transaction (tests) is a
    # savepoint needed, to keep that transaction usable after a replayed nonce's IntegrityError; alone, it would
    # cost two more round trips a call.
    with transaction.atomic() if connection.in_atomic_block else nullcontext():
        exchange.save()


def _replayed() -> exceptions.AuthenticationFailed:
    return exceptions.AuthenticationFailed("X-Nonce 已使用过（重放的请求）")


def _without_flush(execute, sql, params, many, context):
    """The statement and `SET LOCAL synchronous_commit TO OFF` in one round trip: in autocommit, statements sent
    together are one transaction, and the setting applies to its commit. After, not before: the cursor reports
    the first statement's row count and rows, which save() reads."""
    return execute(f"{sql}; SET LOCAL synchronous_commit TO OFF", params, many, context)
