"""Purchases and purchase returns (附录三 3503 / 3504) with their invoices, and their upload to the gateway.

Field names are the guide's, verbatim; lengths and precisions are its table's (prices 16,6; quantities and
amounts 16,4). Which fields a purchase or a return requires is checked by apps.integrations.nhsa.purchase, the
one reading of the table, before anything is stored or sent.
"""

from django.conf import settings
from django.db import models


class Kind(models.TextChoices):
    PURCHASE = "3503", "采购"
    RETURN = "3504", "退货"


class Status(models.TextChoices):
    PENDING = "pending", "待上传"
    SENDING = "sending", "上传中"
    UPLOADED = "uploaded", "已上传"
    FAILED = "failed", "失败"
    UNKNOWN = "unknown", "结果未知"


class Source(models.TextChoices):
    ENTRY = "entry", "页面录入"
    FILE = "file", "文件导入"
    COMMAND = "command", "夜间导入命令"
    API = "api", "仓储系统接口"


class Batch(models.Model):
    """What one entry, file or API call brought in: the unit whose upload progress the page shows."""

    source = models.CharField("来源", max_length=10, choices=Source.choices)
    file_name = models.CharField("文件名", max_length=200, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.PROTECT
    )
    api_key_name = models.CharField("接口密钥", max_length=50, blank=True, default="")
    rows = models.PositiveIntegerField("行数", default=0)
    duplicates = models.PositiveIntegerField("重复未入队", default=0)
    created_at = models.DateTimeField("导入时间", auto_now_add=True)

    class Meta:
        verbose_name = "导入批次"
        verbose_name_plural = "导入批次"
        ordering = ["-id"]

    def __str__(self):
        return f"批次 {self.pk}（{self.get_source_display()}）"


class Purchase(models.Model):
    kind = models.CharField("业务类型", max_length=4, choices=Kind.choices)
    batch = models.ForeignKey(Batch, verbose_name="批次", related_name="purchases", on_delete=models.PROTECT)

    med_list_codg = models.CharField("医疗目录编码", max_length=50)
    fixmedins_hilist_id = models.CharField("定点医药机构目录编号", max_length=30)
    fixmedins_hilist_name = models.CharField("定点医药机构目录名称", max_length=200)
    dynt_no = models.CharField("随货单号", max_length=50, blank=True, default="")
    fixmedins_bchno = models.CharField("定点医药机构批次流水号", max_length=30)
    spler_name = models.CharField("供应商名称", max_length=200, db_index=True)
    spler_pmtno = models.CharField("供应商许可证号", max_length=50, blank=True, default="")
    manu_lotnum = models.CharField("生产批号", max_length=30, blank=True, default="")
    prdr_name = models.CharField("生产厂家名称", max_length=200, blank=True, default="")
    aprvno = models.CharField("批准文号", max_length=100, blank=True, default="")
    manu_date = models.DateField("生产日期")
    expy_end = models.DateField("有效期止")
    finl_trns_pric = models.DecimalField("最终成交单价", max_digits=16, decimal_places=6, null=True, blank=True)
    purc_retn_cnt = models.DecimalField("采购/退货数量", max_digits=16, decimal_places=4)
    purc_invo_codg = models.CharField("采购发票编码", max_length=50, blank=True, default="")
    purc_invo_no = models.CharField("采购发票号", max_length=50, blank=True, default="")
    rx_flag = models.CharField("处方药标志", max_length=3)
    purc_retn_stoin_time = models.DateTimeField("采购/退货入库时间", db_index=True)
    purc_retn_opter_name = models.CharField("采购/退货经办人姓名", max_length=50)
    prod_geay_flag = models.CharField("商品赠送标志", max_length=3, blank=True, default="")
    memo = models.CharField("备注", max_length=500, blank=True, default="")
    medins_prod_purc_no = models.CharField("商品采购流水号", max_length=50, blank=True, default="")

    # A hash of everything sent: the same row again (same file twice, an API retry) is recognised and not queued.
    content_key = models.CharField("内容指纹", max_length=64, unique=True)
    status = models.CharField("上传状态", max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    status_message = models.CharField("状态说明", max_length=500, blank=True, default="")
    attempts = models.PositiveSmallIntegerField("发送次数", default=0)
    next_attempt_at = models.DateTimeField("下次发送时间", null=True, blank=True, db_index=True)
    msgid = models.CharField("最近报文ID", max_length=30, blank=True, default="")
    uploaded_at = models.DateTimeField("上传成功时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "采购/退货记录"
        verbose_name_plural = "采购/退货记录"
        ordering = ["-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.fixmedins_hilist_name} {self.fixmedins_bchno}"

    @property
    def is_return(self) -> bool:
        return self.kind == Kind.RETURN


class Invoice(models.Model):
    """One entry of exp_content.invoices."""

    purchase = models.ForeignKey(
        Purchase, verbose_name="采购/退货记录", related_name="invoices", on_delete=models.CASCADE
    )
    position = models.PositiveSmallIntegerField("序号", default=0)
    enterpriseName = models.CharField("票据名称", max_length=200)
    socialCode = models.CharField("票据纳税人识别号", max_length=50)
    unit = models.CharField("票据地址", max_length=100, blank=True, default="")
    tel = models.CharField("票据电话", max_length=20, blank=True, default="")
    bankName = models.CharField("票据开户行名称", max_length=100, blank=True, default="")
    bankCode = models.CharField("票据开户行账号", max_length=50, blank=True, default="")
    invoiceNo = models.CharField("发票号码", max_length=50, db_index=True)
    invoiceDate = models.DateField("开票日期")
    taxAmount = models.DecimalField("金额", max_digits=16, decimal_places=4)
    taxRate = models.DecimalField("税率", max_digits=16, decimal_places=4)
    taxrateAmount = models.DecimalField("税额", max_digits=16, decimal_places=4)
    name = models.CharField("货物或应税劳务、服务名称", max_length=200)
    purcCnt = models.DecimalField("数量", max_digits=16, decimal_places=4)
    trnsPpric = models.DecimalField("单价", max_digits=16, decimal_places=4)
    pay_flag = models.CharField("支付标志", max_length=3, blank=True, default="")

    class Meta:
        verbose_name = "发票"
        verbose_name_plural = "发票"
        ordering = ["purchase_id", "position"]

    def __str__(self):
        return f"{self.enterpriseName} {self.invoiceNo}"
