"""Words for codes, in one place: every screen shows these instead of the national or the platform's codes.

Templates read them through the `label` filter of `portal_tags` (`{{ p.insutype|label:"insutype" }}`); an
unknown code is shown as it is, so a new code the tables lack is visible rather than hidden. States the portal
defines itself (orders, bills, money records, exchanges) are model choices and show through get_…_display.
"""

import re

LABELS: dict[str, dict[str, str]] = {
    # 险种类型 (national code table insutype).
    "insutype": {
        "310": "职工基本医疗保险",
        "320": "公务员医疗补助",
        "330": "大额医疗费用补助",
        "340": "离休人员医疗保障",
        "390": "城乡居民基本医疗保险",
        "392": "城乡居民大病医疗保险",
        "510": "生育保险",
    },
    # 清算类别 clr_type (3201).
    "clr_type": {"11": "门诊", "21": "住院", "41": "药店购药", "99": "其他"},
    # 就诊凭证类型 mdtrt_cert_type.
    "media": {"01": "医保电子凭证", "02": "居民身份证", "03": "社会保障卡"},
    # 医疗类别 med_type.
    "med_type": {
        "11": "普通门诊",
        "12": "门诊挂号",
        "13": "急诊",
        "14": "门诊慢特病",
        "21": "普通住院",
        "41": "定点药店购药",
    },
    # The payment order's state in a message to the patient (AMP_HOS_001 orderStatus).
    "order_status": {
        "MERCHANT_WAIT_PAY": "待支付",
        "MERCHANT_PAID": "已支付",
        "MERCHANT_PART_REFUNDED": "已部分退款",
        "MERCHANT_REFUNDED": "已全额退款",
        "MERCHANT_CLOSED": "已取消",
    },
    # Interface names as the exchange log records them.
    "interface": {
        "sign_status": "查询签约状态",
        "cashier_link": "获取收银台地址",
        "pay_info": "查询支付结果",
        "check_file": "下载对账文件",
        "AMP_HOS_001": "推送患者消息",
        "AMP_HOS_002": "平台退款",
        "AMP_HOS_003": "查询平台退款结果",
        "org_001": "平台查询患者账户",
        "org_002": "平台查询待结算费用",
        "org_003": "平台结算回写",
        "org_004": "平台查询结算结果",
        "org_005": "平台查询报告",
        "org_006": "平台查询导诊信息",
        "registration/sources": "平台查询可预约号源",
        "registration/book": "平台预约挂号",
        "registration/cancel": "平台取消预约",
        "reports/list": "平台查询检查检验报告",
        "reports/detail": "平台查询报告明细",
        "9001": "医保签到",
        "1101": "医保人员信息查询",
        "2201": "医保挂号登记",
        "2202": "撤销挂号",
        "2203": "就诊信息上传",
        "2204": "费用明细上传",
        "2205": "撤销费用明细",
        "2206": "门诊预结算",
        "2207": "门诊结算",
        "2207B": "诊间免密结算",
        "2208": "撤销门诊结算",
        "2301": "住院费用明细上传",
        "2302": "撤销住院费用明细",
        "2303": "住院预结算",
        "2304": "住院结算",
        "2305": "撤销住院结算",
        "2401": "入院登记",
        "2402": "出院登记",
        "2601": "冲正交易",
        "3201": "医药机构对总账",
        "3503": "商品采购上传",
        "3504": "商品采购退货",
        "C2304": "预交金支付",
        "C2305": "预交金退费",
    },
}


_CODES = "|".join(sorted(map(re.escape, LABELS["interface"]), key=len, reverse=True))
_INTERFACE_CODE = re.compile(rf"(?<![A-Za-z0-9_])({_CODES})(?![A-Za-z0-9_])")


def worded(text: str) -> str:
    """A message for staff with the interface codes in it replaced by their names ("AMP_HOS_002: …" → "平台退款: …")."""
    return _INTERFACE_CODE.sub(lambda m: LABELS["interface"][m.group(1)], text or "")


def label(kind: str, code) -> str:
    """The word for `code` in table `kind`; the code itself when the table lacks it."""
    if code is None or code == "":
        return ""
    return LABELS[kind].get(str(code), str(code))
