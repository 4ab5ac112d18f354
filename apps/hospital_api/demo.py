"""Demo keys (CONTRACT.md section 3): terminal KIOSK-01 with demo-kiosk-key-2026, the warehouse system and the
finance system."""

from apps.hospital_api.models import ApiKey, Scope

DEMO_KEYS = [
    ("KIOSK-01", "demo-kiosk-key-2026", Scope.KIOSK),
    ("WMS-01", "demo-warehouse-key-2026", Scope.WAREHOUSE),
    ("FIN-01", "demo-finance-key-2026", Scope.FINANCE),
]


def api_key_create_fixed(*, name: str, raw: str, scope: str) -> ApiKey:
    """A key with a chosen value (demo only: real keys are generated in the admin)."""
    generator = ApiKey.objects.key_generator
    prefix, hashed = raw.partition(".")[0][:8], generator.hash(raw)
    return ApiKey.objects.create(id=f"{prefix}.{hashed}", prefix=prefix, hashed_key=hashed, name=name, scope=scope)


def demo_keys() -> int:
    created = 0
    for name, raw, scope in DEMO_KEYS:
        if not ApiKey.objects.filter(name=name).exists():
            api_key_create_fixed(name=name, raw=raw, scope=scope)
            created += 1
    return created
