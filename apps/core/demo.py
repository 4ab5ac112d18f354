"""The demo people of CONTRACT.md section 3. The portal's demo_data and the sandbox both read this list, so
the two sides of the simulated world know the same people with the same signing state."""

DEMO_PASSWORD = "demo-pass-2026"

# The demo staff's display names (family name, given name); the doctor is 赵明 of the demo clinic.
DEMO_STAFF_NAMES = {
    "cashier": ("刘", "晓燕"),
    "doctor": ("赵", "明"),
    "finance": ("陈", "静"),
    "purchasing": ("王", "磊"),
    "admin": ("", "系统管理员"),
}

DEMO_PATIENTS = [
    {"name": "张伟", "certno": "220102198805060015", "insutype": "310", "signed": True, "inpatient": False,
     "psn_no": "22000000000000000015", "phone": "13904310015", "insuplc_admdvs": "220102"},
    {"name": "王芳", "certno": "220104199203150029", "insutype": "390", "signed": False, "inpatient": False,
     "psn_no": "22000000000000000029", "phone": "13904310029", "insuplc_admdvs": "220104"},
    {"name": "李娜", "certno": "220203197508200031", "insutype": "310", "signed": True, "inpatient": True,
     "psn_no": "22000000000000000031", "phone": "13904320031", "insuplc_admdvs": "220203"},
]  # fmt: skip
