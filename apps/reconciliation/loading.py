"""Bulk loading of a file's lines and its raw bytes: PostgreSQL COPY (psycopg 3) or batched INSERTs elsewhere.

Batches are committed as they go, so that the page can show progress; a refused file's rows are deleted again by
the caller (`services`), so the net effect of a refused import is nothing.
"""

import datetime
import hashlib
import io

from django.db import connection

from apps.reconciliation.models import CheckLine, FileChunk
from apps.reconciliation.parsing import Line

CHUNK_SIZE = 1024 * 1024
BATCH = 20_000
COLUMNS = (
    "file_id", "line_no", "order_no", "bank_order_no", "traded_at", "status", "description", "amount",
    "bank_refund_sn", "discount",
)  # fmt: skip


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


def _copy_text(value: str) -> str:
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


class LineLoader:
    """Collects lines and writes them in batches; `offset` turns the platform's local times into UTC."""

    def __init__(self, file_id: int, offset: datetime.timedelta):
        self._file_id = file_id
        self._offset = offset
        self._rows: list = []
        self._postgres = connection.vendor == "postgresql"
        self._suffix = _utc_offset_text(offset)
        self._utc: dict[str, str] = {}
        self.loaded = 0

    def add(self, line: Line) -> None:
        if self._postgres:
            self._rows.append(
                f"{self._file_id}\t{line.line_no}\t{_copy_text(line.order_no)}\t{_copy_text(line.bank_order_no)}\t"
                f"{line.traded_at}{self._suffix}\t{_copy_text(line.status)}\t"
                f"{_copy_text(line.description)}\t{line.amount}\t{_copy_text(line.bank_refund_sn)}\t{line.discount}\n"
            )
        else:
            utc = self._utc.get(line.traded_at)
            if utc is None:  # a day has at most 86,400 distinct times: each is converted once
                utc = self._utc[line.traded_at] = (
                    datetime.datetime.fromisoformat(line.traded_at) - self._offset
                ).isoformat(" ")
                if len(self._utc) > 200_000:  # a file spanning many days: keep memory bounded
                    self._utc.clear()
            self._rows.append(
                (
                    self._file_id, line.line_no, line.order_no, line.bank_order_no, utc, line.status,
                    line.description, line.amount, line.bank_refund_sn, line.discount,
                )
            )  # fmt: skip
        if len(self._rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self._rows:
            return
        table = CheckLine._meta.db_table
        with connection.cursor() as cursor:
            if self._postgres:
                with cursor.cursor.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                    copy.write("".join(self._rows))
            else:
                marks = ", ".join(["%s"] * len(COLUMNS))
                cursor.executemany(f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({marks})", self._rows)
        self.loaded += len(self._rows)
        self._rows = []


def _utc_offset_text(offset: datetime.timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
