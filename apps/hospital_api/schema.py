"""How the OpenAPI schema describes the Api-Key header (drf-spectacular finds this class when it is imported)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "apps.hospital_api.auth.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "每个终端或系统一把密钥（在管理后台创建和吊销），"
            "请求头写作 `Authorization: Api-Key <密钥>`。"
            "缺少或无效的密钥返回 401，已吊销或无权调用返回 403。",
        }
