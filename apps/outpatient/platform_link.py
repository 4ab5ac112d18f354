"""The registration link the hospital gives the platform (guide section 2: "将挂号连接提供给先医后付平台").

The platform opens it in its own app with the person's identity, signed with the same credentials as its calls
(CONTRACT.md section 4), and the patient lands on the registration form with name and 身份证号 filled in and
locked. [assumed] The guide gives no format; this module alone defines it:

    GET {PORTAL_BASE_URL}/r/platform?app_id=…&timestamp=…&nonce=…&identity=…&sign=…

    identity  base64url (no padding) of the UTF-8 JSON {"psn_name": "张伟", "cert_no": "2201…", "expires": <unix ms>}
    sign      lowercase hex HMAC-SHA256(PAYLATER_APP_SECRET,
                  app_id + "\\n" + timestamp + "\\n" + nonce + "\\n" + lowercase_hex_sha256(identity))

`timestamp` is when the link was made (unix ms, not in the future beyond the clock window); `expires` at most
PLATFORM_LINK_MAX_SECONDS later. A link that fails any check lands on the ordinary form, with a message.
"""

import base64
import binascii
import hmac
import json
import time
from dataclasses import dataclass

from django.conf import settings

from apps.core.idcard import IdCardError, normalize_idcard
from apps.core.smcrypto import hmac_signature

PLATFORM_LINK_MAX_SECONDS = 24 * 3600


class LinkRefused(ValueError):
    pass


@dataclass(frozen=True)
class LinkIdentity:
    psn_name: str
    cert_no: str


def link_build(*, psn_name: str, cert_no: str, ttl_seconds: int = 600, nonce: str) -> str:
    """The link as the platform builds it (for the sandbox's app and for tests)."""
    now = int(time.time() * 1000)
    identity = (
        base64.urlsafe_b64encode(
            json.dumps(
                {"psn_name": psn_name, "cert_no": cert_no, "expires": now + ttl_seconds * 1000}, ensure_ascii=False
            ).encode()
        )
        .decode()
        .rstrip("=")
    )
    app_id = settings.PAYLATER_APP_ID
    sign = hmac_signature(settings.PAYLATER_APP_SECRET, app_id, str(now), nonce, identity.encode())
    return (
        f"{settings.PORTAL_BASE_URL}/r/platform?app_id={app_id}&timestamp={now}&nonce={nonce}"
        f"&identity={identity}&sign={sign}"
    )


def link_read(params) -> LinkIdentity:
    """The identity a link carries, or LinkRefused naming what is wrong."""
    fields = {name: str(params.get(name, ""))[:2048] for name in ("app_id", "timestamp", "nonce", "identity", "sign")}
    if not all(fields.values()):
        raise LinkRefused("链接不完整")
    if not hmac.compare_digest(fields["app_id"], settings.PAYLATER_APP_ID):
        raise LinkRefused("链接不是先医后付平台生成的")
    expected = hmac_signature(
        settings.PAYLATER_APP_SECRET,
        fields["app_id"],
        fields["timestamp"],
        fields["nonce"],
        fields["identity"].encode(),
    )
    if not hmac.compare_digest(expected, fields["sign"].lower()):
        raise LinkRefused("链接签名不正确")
    now = int(time.time() * 1000)
    if not (fields["timestamp"].isascii() and fields["timestamp"].isdigit()):
        raise LinkRefused("链接时间不正确")
    issued = int(fields["timestamp"])
    try:
        padded = fields["identity"] + "=" * (-len(fields["identity"]) % 4)
        identity = json.loads(base64.urlsafe_b64decode(padded).decode("utf-8"))
        expires = int(identity["expires"])
        name, certno = str(identity["psn_name"]).strip(), normalize_idcard(str(identity["cert_no"]))
    except (binascii.Error, UnicodeDecodeError, ValueError, KeyError, TypeError, IdCardError):
        raise LinkRefused("链接中的身份信息无法识别") from None
    window = settings.PLATFORM_AUTH_WINDOW_SECONDS * 1000
    if issued > now + window or expires > issued + PLATFORM_LINK_MAX_SECONDS * 1000:
        raise LinkRefused("链接时间不正确")
    if expires <= now:
        raise LinkRefused("链接已过期")
    if not name or len(name) > 30:
        raise LinkRefused("链接中的姓名不正确")
    return LinkIdentity(psn_name=name, cert_no=certno)
