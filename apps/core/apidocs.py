"""The API documentation in Chinese, listing exactly the endpoints that exist (a drf-spectacular hook).

The serializers' docstrings are written for developers, in English; the platform's integrators read this page.
"""

import re

from apps.core.labels import label

TAG = "先医后付平台调用医院"
_ENGLISH = re.compile(r"[A-Za-z]{3,} [A-Za-z]{3,}")
SCHEMA_TEXT = {
    "BillOut": "一笔待结算账单：就诊信息、患者与费用明细（明细字段同医保 2204）。",
    "Reply": "应答：ret_code（00 成功）、ret_msg，以及该接口的业务字段；拒绝时见 PlatformRefusal。",
}
SECURITY_TEXT = (
    "平台签名（json 编码）：请求头 X-App-Id、X-Timestamp（毫秒时间戳）、X-Nonce（8–64 位随机串）与 X-Signature"
    "（以应用密钥对 app_id、时间戳、随机串与请求体做 HMAC-SHA256 的十六进制值）；sm 编码时为国密 SM2/SM4 信封。"
    "时间戳与门户时钟相差不超过 5 分钟，随机串不可重复使用。"
)


def in_chinese(result, generator, request, public):
    prefix = "/api/platform/"
    platform = sorted(path.removeprefix(prefix).rstrip("/") for path in result["paths"] if path.startswith(prefix))
    result["info"]["description"] = "先医后付平台调用医院的接口，均在 /api/platform/ 之下。目前提供：\n\n" + "\n".join(
        f"- `{code}` {label('interface', code)}" for code in platform
    )
    result["tags"] = [{"name": TAG, "description": "平台在挂号、结算与查询时调用医院"}] + [
        tag for tag in result.get("tags", []) if tag.get("name") != "platform"
    ]
    for path, methods in result["paths"].items():
        if path.startswith(prefix):
            for operation in methods.values():
                operation["tags"] = [TAG]
    for name, schema in result.get("components", {}).get("schemas", {}).items():
        text = SCHEMA_TEXT.get("Reply" if name.endswith("Reply") else name)
        if text and _ENGLISH.search(schema.get("description", "")):
            schema["description"] = text
    for scheme in result.get("components", {}).get("securitySchemes", {}).values():
        scheme["description"] = SECURITY_TEXT
    return result
