"""The wards admissions may choose, each with the department that runs it (the 2401 adm_dept fields).

A hospital edits this list when it opens or renames a ward; beds are free text (床位号 as written on the door).
"""

WARDS = {
    "NK1": ("内科一病区", "A03.01", "心血管内科"),
    "NK2": ("内科二病区", "A03.02", "呼吸内科"),
    "WK1": ("外科一病区", "A04.01", "普通外科"),
}
DOCTORS = {
    "D1001": "王建国",
    "D1002": "刘晓燕",
    "D1003": "陈志强",
}
