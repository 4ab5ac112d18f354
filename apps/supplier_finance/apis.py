"""The warehouse system's API under /api/v1/ (CONTRACT.md 4a): post purchases and returns, read their upload."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from apps.core.errors import ApplicationError, error_reply
from apps.hospital_api.auth import HospitalAPIView
from apps.hospital_api.models import Scope
from apps.supplier_finance import selectors, services
from apps.supplier_finance.models import Batch, Kind, Purchase, Source
from apps.supplier_finance.records import Record

TAG = "仓储系统 · 采购与退货"


class RowIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices, help_text="3503 采购，3504 退货")
    purcinfo = serializers.DictField(
        help_text="附录三 purcinfo 的字段（字段名与指南一致；数值用字符串或数字，日期 yyyy-MM-dd）"
    )
    invoices = serializers.ListField(
        child=serializers.DictField(), help_text="发票列表（附录三 invoices：enterpriseName、socialCode、invoiceNo…）"
    )


class SubmitIn(serializers.Serializer):
    rows = RowIn(many=True, min_length=1, max_length=2000, help_text="每行一条采购或退货")


class PurchaseOut(serializers.Serializer):
    id = serializers.IntegerField(help_text="门户中的记录编号")
    kind = serializers.CharField(help_text="3503 采购，3504 退货")
    fixmedins_bchno = serializers.CharField(help_text="定点医药机构批次流水号")
    status = serializers.CharField(
        help_text="pending 待上传、sending 上传中、uploaded 已上传、failed 失败、unknown 结果未知"
    )
    status_label = serializers.CharField(source="get_status_display", help_text="状态的中文名")
    status_message = serializers.CharField(help_text="失败时为医保平台的说明")
    uploaded_at = serializers.DateTimeField(allow_null=True, help_text="上传成功时间")


class SubmitRowOut(PurchaseOut):
    row = serializers.IntegerField(help_text="请求中 rows 的序号（从 0 开始）")
    duplicate = serializers.BooleanField(help_text="内容与已有记录完全相同：未重复加入上传队列")


class SubmitOut(serializers.Serializer):
    batch_id = serializers.IntegerField(allow_null=True, help_text="批次编号，可用于查询进度；全部重复时为空")
    rows = serializers.IntegerField(help_text="收到的行数")
    queued = serializers.IntegerField(help_text="新加入上传队列的行数")
    duplicates = serializers.IntegerField(help_text="已存在、未重复加入的行数")
    items = SubmitRowOut(many=True)


class BatchOut(serializers.Serializer):
    batch_id = serializers.IntegerField()
    total = serializers.IntegerField(help_text="批次中的记录数")
    uploaded = serializers.IntegerField(help_text="已上传的记录数")
    finished = serializers.BooleanField(help_text="没有待上传、上传中或结果未知的记录")
    items = PurchaseOut(many=True)


class PurchaseErrorOut(serializers.Serializer):
    message = serializers.CharField(help_text="第一处错误，写明行与字段")
    extra = serializers.DictField(help_text="errors：每处错误的 row、field、message")


EXAMPLE = {
    "rows": [
        {
            "kind": "3503",
            "purcinfo": {
                "med_list_codg": "XJ01", "fixmedins_hilist_id": "YY01", "fixmedins_hilist_name": "阿莫西林胶囊",
                "fixmedins_bchno": "PC0001", "spler_name": "吉林医药有限公司", "manu_lotnum": "L2026",
                "prdr_name": "某制药厂", "aprvno": "国药准字H00000000", "manu_date": "2026-01-01",
                "expy_end": "2028-01-01", "finl_trns_pric": "1.234567", "purc_retn_cnt": "100", "rx_flag": "1",
                "purc_retn_stoin_time": "2026-04-01 10:00:00", "purc_retn_opter_name": "采购员",
            },
            "invoices": [
                {
                    "enterpriseName": "吉林医药有限公司", "socialCode": "91220101MA00000000", "invoiceNo": "12345678",
                    "invoiceDate": "2026-03-30", "taxAmount": "123.4567", "taxRate": "0.13",
                    "taxrateAmount": "16.0494", "name": "阿莫西林胶囊", "purcCnt": "100", "trnsPpric": "1.2346",
                    "pay_flag": "0",
                }
            ],
        }
    ]
}  # fmt: skip


def _row_out(row: Purchase) -> dict:
    return PurchaseOut(row).data


class WarehouseView(HospitalAPIView):
    api_scope = Scope.WAREHOUSE


@extend_schema(
    tags=[TAG],
    summary="提交采购与退货记录",
    description="按附录三逐字段校验全部行：任何一行有错则整批不入队，返回 400 并写明行号与字段；全部正确则新记录"
    "加入上传队列，由后台逐条以 3503（采购）/ 3504（退货）上传医保平台。内容完全相同的行视为重复，不会再次上传，"
    "可放心重试。",
    request=SubmitIn,
    responses={201: SubmitOut, 200: SubmitOut, 400: PurchaseErrorOut},
    examples=[OpenApiExample("一条采购", value=EXAMPLE, request_only=True)],
)
class PurchaseSubmitView(WarehouseView):
    def post(self, request):
        shape = SubmitIn(data=request.data)
        if not shape.is_valid():  # the same {"message", "extra"} body as every other 400 of this API
            _, message = error_reply(serializers.ValidationError(shape.errors))
            raise ApplicationError(message, {"errors": shape.errors})
        records = [Record(row["kind"], row["purcinfo"], row["invoices"]) for row in shape.validated_data["rows"]]
        result = services.purchases_submit(records, source=Source.API, api_key_name=request.auth.name)
        if result.errors:
            errors = [{"row": e.index, "field": e.field, "message": e.message} for e in result.errors]
            first = errors[0]
            raise ApplicationError(f"rows[{first['row']}].{first['field']}: {first['message']}", {"errors": errors})
        duplicates = {row.pk for row in result.duplicates}
        items = [
            _row_out(row) | {"row": index, "duplicate": row.pk in duplicates} for index, row in enumerate(result.items)
        ]
        body = {
            "batch_id": result.batch.pk if result.batch else None,
            "rows": result.rows,
            "queued": len(result.queued),
            "duplicates": len(result.duplicates),
            "items": items,
        }
        return Response(body, status=status.HTTP_201_CREATED if result.queued else status.HTTP_200_OK)


@extend_schema(
    tags=[TAG],
    summary="查询一条记录的上传状态",
    description="状态：待上传、上传中、已上传、失败（附医保平台的说明，采购人员修改后会重新上传）、结果未知（正在核实，"
    "核实后自动处理）。",
    responses={200: PurchaseOut},
)
class PurchaseStatusView(WarehouseView):
    def get(self, request, pk: int):
        return Response(_row_out(get_object_or_404(Purchase, pk=pk)))


@extend_schema(
    tags=[TAG],
    summary="查询一个批次的上传进度",
    description="批次中每条记录的状态，以及是否已全部处理完毕。",
    responses={200: BatchOut},
)
class BatchStatusView(WarehouseView):
    def get(self, request, pk: int):
        batch = get_object_or_404(Batch, pk=pk)
        progress = selectors.batch_progress(batch=batch)
        items = [_row_out(row) for row in selectors.purchases_of_batch(batch=batch)]
        return Response(
            {
                "batch_id": batch.pk,
                "total": progress["total"],
                "uploaded": progress["uploaded"],
                "finished": not progress["active"],
                "items": items,
            }
        )
