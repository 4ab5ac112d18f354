"""What other apps add to org_001's account answer (e.g. the inpatient fields of an admitted patient).

from apps.patients.registry import account_fields
account_fields.register(lambda patient: {"ipt_no": ...} if admitted else {})
"""

from collections.abc import Callable


class AccountFields:
    def __init__(self):
        self._sources: list[Callable] = []

    def register(self, source: Callable) -> Callable:
        if source not in self._sources:
            self._sources.append(source)
        return source

    def unregister(self, source: Callable) -> None:
        if source in self._sources:
            self._sources.remove(source)

    def collect(self, patient) -> dict:
        fields = {}
        for source in self._sources:
            fields.update(source(patient) or {})
        return fields


account_fields = AccountFields()
