"""What every way in (entry, file, command, API) hands to services.purchases_submit, and its problems."""

from dataclasses import dataclass


@dataclass
class Record:
    """One purchase or return as it came in: texts (or Decimals), by the guide's field names."""

    kind: str
    purcinfo: dict
    invoices: list[dict]


@dataclass(frozen=True)
class RecordError:
    index: int  # position of the record in the submission
    field: str  # "kind", "purcinfo.<name>", "invoices[<i>].<name>", "invoices", "duplicate"
    message: str
