"""Bulk loading of a file's raw bytes (FileChunk) and of its lines into a temporary table (`Stage`): PostgreSQL
COPY (psycopg 3) or batched INSERTs elsewhere, a block of lines at a time.

Chunks are committed as they go; a refused file's are deleted again by the caller (`services`), so the net effect
of a refused import is nothing.
"""

import datetime
import hashlib
import io
from collections.abc import Iterable

from django.db import IntegrityError, connection, transaction

from apps.reconciliation.models import FileChunk
from apps.reconciliation.parsing import Batch, FileRefused

CHUNK_SIZE = 1024 * 1024


class StoringStream(io.RawIOBase):
    """Reads `source` through, hashing it and storing it as FileChunk rows of CHUNK_SIZE bytes for `file_id`."""

    def __init__(self, source, file_id: int):
        self._source = source
        self._file_id = file_id
        self._pending = bytearray()
        self._seq = 0
        self.sha256 = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._source.read(len(buffer))
        if not data:
            self.flush_chunks(final=True)
            return 0
        buffer[: len(data)] = data
        self.sha256.update(data)
        self.size += len(data)
        self._pending += data
        if len(self._pending) >= CHUNK_SIZE:
            self.flush_chunks()
        return len(data)

    def flush_chunks(self, final: bool = False) -> None:
        while len(self._pending) >= CHUNK_SIZE or (final and self._pending):
            piece, self._pending = bytes(self._pending[:CHUNK_SIZE]), self._pending[CHUNK_SIZE:]
            FileChunk.objects.create(file_id=self._file_id, seq=self._seq, data=piece)
            self._seq += 1


class StoredStream(io.RawIOBase):
    """A stored file's bytes, read back one chunk at a time."""

    def __init__(self, file_id: int):
        self._seq_iter = iter(self._chunk_ids(file_id))
        self._buffer = b""

    @staticmethod
    def _chunk_ids(file_id: int):
        return list(FileChunk.objects.filter(file_id=file_id).order_by("seq").values_list("pk", flat=True))

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._buffer:
            pk = next(self._seq_iter, None)
            if pk is None:
                return 0
            self._buffer = bytes(FileChunk.objects.values_list("data", flat=True).get(pk=pk))
        size = min(len(buffer), len(self._buffer))
        buffer[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size


def _copy_column(values) -> Iterable[str]:
    """Values as COPY's text format writes them (backslash, tab and line breaks escaped; rare, so looked for once)."""
    values = list(map(str, values))
    joined = "".join(values)
    if "\\" in joined or "\t" in joined or "\n" in joined or "\r" in joined:
        escapes = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
        values = [value.translate(escapes) for value in values]
    return values


class Stage:
    """A file's lines in a temporary table of this connection (TABLE), for the match to join with the ledger in
    SQL, beside a temporary table for the day's succeeded movements (DAY, filled by the match).

    Only the lines that disagree with the ledger are kept afterwards (CheckLine, for their discrepancies); the file
    itself is kept byte for byte (FileChunk). The unique index on the order number, built once after the load,
    is also the check that no order appears twice.
    """

    TABLE = "recon_stage"
    DAY = "recon_day"

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"
        self.loaded = 0

    def __enter__(self) -> "Stage":
        # SQLite: "integer primary key" is the row id itself, the cheapest lookup there is. Amounts are staged as
        # cents and discounts as text: converting each to a decimal on the way in was a third of SQLite's load.
        key, money = ("bigint", "numeric(14, 2)") if self.postgres else ("integer", "decimal")
        with connection.cursor() as cursor:
            self.__exit__()
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.TABLE} (line_no integer, order_no text, bank_order_no text, "
                f"traded_at text, status text, description text, cents bigint, bank_refund_sn text, discount text)"
            )
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.DAY} (id {key} PRIMARY KEY, org_trace_no text, amount {money})"
            )
        return self

    def __exit__(self, *exc) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.TABLE}")
            cursor.execute(f"DROP TABLE IF EXISTS {self.DAY}")

    def add(self, batch: Batch) -> None:
        with connection.cursor() as cursor:
            if self.postgres:
                rows = zip(*map(_copy_column, batch), strict=True)
                with cursor.cursor.copy(f"COPY {self.TABLE} FROM STDIN") as copy:
                    copy.write("\n".join(map("\t".join, rows)) + "\n")
            else:
                marks = ", ".join(["%s"] * len(batch))
                cursor.executemany(f"INSERT INTO {self.TABLE} VALUES ({marks})", zip(*batch, strict=True))
        self.loaded += len(batch.line_no)

    def seal(self) -> None:
        """Index the loaded lines; refuse the file if an order number appears twice (named at its second line)."""
        with connection.cursor() as cursor:
            try:
                with transaction.atomic():
                    cursor.execute(f"CREATE UNIQUE INDEX recon_stage_order ON {self.TABLE} (order_no)")
            except IntegrityError:
                cursor.execute(
                    f"SELECT order_no, MIN(line_no), MAX(line_no) FROM {self.TABLE} GROUP BY order_no "
                    "HAVING COUNT(*) > 1 ORDER BY MAX(line_no) LIMIT 1"
                )
                order_no, first, second = cursor.fetchone()
                raise FileRefused(f"订单号 {order_no} 重复（第{first}行已出现）", second) from None
        self.analyze(self.TABLE)

    def analyze(self, table: str) -> None:
        """PostgreSQL never analyses temporary tables by itself; without statistics it plans them as empty."""
        if self.postgres:
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {table}")

    def utc(self, column: str, offset: datetime.timedelta) -> tuple[str, list]:
        """SQL turning the platform's local time `column` into the database's datetime, and its parameters."""
        if self.postgres:
            return f"CAST({column} || %s AS timestamptz)", [_utc_offset_text(offset)]
        return f"datetime({column}, %s)", [f"{-int(offset.total_seconds() // 60)} minutes"]


def _utc_offset_text(offset: datetime.timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
