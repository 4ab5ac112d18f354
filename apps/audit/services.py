from apps.audit.models import AuditEntry
from apps.core.pii import mask_text
from apps.core.refs import ref_fields


def audit_record(*, user, action: str, obj=None, detail: str = "") -> AuditEntry:
    """Write one audit row: `user` (a staff user) did `action` (apps.audit.models.Action) to `obj`.

    `obj` is described by its label, primary key and str() (masked models' str is already masked); a 身份证号
    in `detail` is masked, so that the audit log is not itself a copy of personal data.
    """
    return AuditEntry.objects.create(
        user=user if user is not None and user.pk else None,
        username=getattr(user, "username", "") or "",
        action=action,
        **ref_fields(obj),
        target_repr=mask_text(str(obj))[:200] if obj is not None else "",
        detail=mask_text(detail)[:500],
    )
