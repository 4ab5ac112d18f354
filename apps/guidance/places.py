"""[assumed] Where a patient goes after settling: the hospital's pharmacy windows and exam rooms, and the words of
each step. One place, so that the hospital edits it here (no published source names them).

The platform's org_006 field names that are not AMP_HOS_001's own live here too (ORG_006_FIELDS).
"""

# 门诊药房的发药窗口：取药号按当天顺序分配到各窗口。
PHARMACY = "门诊楼一层西药房"
PHARMACY_WINDOWS = ("1号窗口", "2号窗口", "3号窗口")

# Fee categories (apps.ledger.models.ItemCategory values) that make a stop, and where each is done.
EXAM_ROOMS = {
    "exam": ("医技楼二层", ("检查室1", "检查室2")),
    "lab": ("门诊楼一层", ("检验科采血室",)),
}
DRUG_CATEGORIES = ("western_drug", "patent_drug")

# What the platform's org_006 answer carries besides AMP_HOS_001's display fields in snake_case
# (dept_name, dept_loc, dr_name, waiting_num, check_item, take_medicine_loc …): the list of stops and the next step.
ORG_006_FIELDS = {
    "stops": "guide_list",  # each stop: guide_type, guide_status, guide_status_name, location, waiting_num, items
    "next_step": "next_step",
    "order_status": "order_status",
}
# The AMP_HOS_001 field carrying a stop's state in words (guidance pushes have no public field for it).
PUSH_STATUS_FIELD = "guideStatus"
