"""One way to point at a business object: a content type and a primary key (django.contrib.contenttypes).

Money movements, bills, exchange-log rows and messages to the patient all say which business object they belong
to with the same two columns, `business_type` and `business_id`, from `BusinessObject`. Code outside the models
passes a `BusinessRef` (or the object itself) and never spells an app label as a string.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


@dataclass(frozen=True)
class BusinessRef:
    """A typed pointer to a business object, cheap to pass around and to store."""

    type_id: int
    id: int

    @classmethod
    def of(cls, obj) -> "BusinessRef":
        if isinstance(obj, BusinessRef):
            return obj
        return cls(type_id=ContentType.objects.get_for_model(obj).pk, id=int(obj.pk))

    @classmethod
    def of_row(cls, row: "BusinessObject") -> "BusinessRef | None":
        """The reference a row holds, or None."""
        return cls(type_id=row.business_type_id, id=row.business_id) if row.business_type_id else None

    def fields(self) -> dict:
        return {"business_type_id": self.type_id, "business_id": self.id}


def ref_fields(obj) -> dict:
    """The two column values pointing at `obj` (a model instance, a BusinessRef or None)."""
    return BusinessRef.of(obj).fields() if obj is not None else {"business_type_id": None, "business_id": None}


def refers_to(obj) -> models.Q:
    """A filter for the rows of a BusinessObject table that point at `obj`."""
    return models.Q(**BusinessRef.of(obj).fields())


def refers_to_any(objs) -> models.Q:
    """Rows pointing at any of `objs` (which may be of different models)."""
    query = models.Q(pk__in=[])
    for obj in objs:
        query |= refers_to(obj)
    return query


class BusinessObject(models.Model):
    """The typed reference, as two columns and a GenericForeignKey `business`."""

    business_type = models.ForeignKey(
        ContentType,
        verbose_name="业务对象类型",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    business_id = models.PositiveBigIntegerField("业务对象ID", null=True, blank=True)
    business = GenericForeignKey("business_type", "business_id")

    class Meta:
        abstract = True
        indexes = [models.Index(fields=["business_type", "business_id"], name="%(app_label)s_%(class)s_biz")]

    def set_business(self, obj) -> None:
        for name, value in ref_fields(obj).items():
            setattr(self, name, value)


def business_label_to_reference(app_label: str, model_name: str):
    """The migration step that turns a table's old string pair (`business_label` "app.model", `business_key` pk)
    into the typed reference; shared by every table that had the string scheme."""
    from django.db import migrations
    from django.db.models.functions import Cast

    def convert(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        Model = apps.get_model(app_label, model_name)
        for label in list(Model.objects.exclude(business_label="").values_list("business_label", flat=True).distinct()):
            app, _, model = label.partition(".")
            content_type, _ = ContentType.objects.get_or_create(app_label=app, model=model)
            Model.objects.filter(business_label=label).exclude(business_key="").update(
                business_type=content_type, business_id=Cast("business_key", models.BigIntegerField())
            )

    return migrations.RunPython(convert, migrations.RunPython.noop)
