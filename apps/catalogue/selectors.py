from django.db.models import Q, QuerySet

from apps.catalogue.models import Diagnosis, FeeItem
from apps.core.errors import ApplicationError


def fee_items(*, q: str = "", category: str = "") -> QuerySet[FeeItem]:
    """Items that may be billed today, found by code or name."""
    items = FeeItem.objects.filter(active=True)
    if category:
        items = items.filter(category=category)
    if q := q.strip():
        items = items.filter(Q(item_name__icontains=q) | Q(medins_list_codg__iexact=q) | Q(med_list_codg__iexact=q))
    return items


def fee_item_get(medins_list_codg: str) -> FeeItem:
    """An item to bill, by its hospital code; a stopped or unknown one is refused by name."""
    item = FeeItem.objects.filter(medins_list_codg=str(medins_list_codg or "").strip()).first()
    if item is None:
        raise ApplicationError(f"收费项目 {medins_list_codg} 不存在", {"field": "medins_list_codg"})
    if not item.active:
        raise ApplicationError(f"收费项目“{item.item_name}”已停用", {"field": "medins_list_codg"})
    return item


def diagnoses(*, q: str = "") -> QuerySet[Diagnosis]:
    found = Diagnosis.objects.all()
    if q := q.strip():
        found = found.filter(Q(diag_code__istartswith=q) | Q(diag_name__icontains=q))
    return found


def diagnosis_get(diag_code: str) -> Diagnosis:
    found = Diagnosis.objects.filter(diag_code=str(diag_code or "").strip()).first()
    if found is None:
        raise ApplicationError(f"诊断代码 {diag_code} 不在诊断目录中", {"field": "diag_code"})
    return found
