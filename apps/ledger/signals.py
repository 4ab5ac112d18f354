from django.dispatch import Signal

# Sent on commit after any bill is settled, whatever settled it (org_003, 2207, 2207B, 2304): kwargs `bill`,
# `movement`. What comes after a settlement and is not the owner's business (guidance to the pharmacy or an exam
# room) hangs here, so that it follows every way of paying.
bill_settled = Signal()
