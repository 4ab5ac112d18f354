"""Bulk loading of a file's raw bytes (FileChunk) and of its lines into a temporary table (`Stage`): PostgreSQL
COPY (psycopg 3) or batched INSERTs elsewhere, a block of lines at a time.

Chunks are committed as they go; a refused file's are deleted again by the caller (`services`), so the net effect
of a refused import is nothing.
"""

import hashlib
import io
from collections.abc import Iterable
from contextlib import ExitStack
from itertools import chain

from django.db import IntegrityError, connection, transaction

from apps.reconciliation.models import FileChunk
from apps.reconciliation.parsing import Batch, FileRefused

CHUNK_SIZE = 1024 * 1024
# PostgreSQL's memory for each hash of the match, for one transaction a day: a million lines' hash takes about 80 MB.
WORK_MEM = "128MB"


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
            _store_chunk(self._file_id, self._seq, piece)
            self._seq += 1


def _store_chunk(file_id: int, seq: int, data: bytes) -> None:
    if connection.vendor != "postgresql":
        FileChunk.objects.create(file_id=file_id, seq=seq, data=data)
        return
    # Django's psycopg cursor binds on the client: a megabyte would travel as two megabytes of hex in the SQL
    # text, for the server to parse back (2.4 s of a million-line file's 100 MB). COPY's binary format sends it as is.
    with connection.cursor() as cursor:
        with cursor.cursor.copy(
            f"COPY {FileChunk._meta.db_table} (file_id, seq, data) FROM STDIN (FORMAT BINARY)"
        ) as copy:
            copy.set_types(["int8", "int4", "bytea"])  # file_id bigint, seq integer
            copy.write_row((file_id, seq, data))


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
            self._buffer = _chunk_data(pk)
        size = min(len(buffer), len(self._buffer))
        buffer[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size


def _chunk_data(pk: int) -> bytes:
    if connection.vendor != "postgresql":
        return bytes(FileChunk.objects.values_list("data", flat=True).get(pk=pk))
    # As in `_store_chunk`: a query's bytea would come back as hex text; COPY's binary format returns it as is.
    with connection.cursor() as cursor:
        query = f"SELECT data FROM {FileChunk._meta.db_table} WHERE id = {int(pk)}"
        with cursor.cursor.copy(f"COPY ({query}) TO STDOUT (FORMAT BINARY)") as copy:
            copy.set_types(["bytea"])
            ((data,),) = copy.rows()  # read to the end, or the connection stays in COPY
    return bytes(data)


# SQLite: rows an INSERT. Python's module binds and steps a statement per row of an executemany; one statement of
# many rows spreads that cost over them.
ROWS_AN_INSERT = 500


def bulk_insert(table: str, columns: list[str], rows: Iterable[tuple]) -> None:
    """Rows (values as the driver takes them) into `table`: COPY on PostgreSQL, INSERTs of ROWS_AN_INSERT rows
    elsewhere (a million lines in half the time of an executemany)."""
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
    # Straight to the driver, with its own marks: Django's cursor rewrites a statement's %s with a regular
    # expression, which for statements this long takes longer than SQLite's insert.
    values, width = list(chain.from_iterable(rows)), len(columns)
    step, row = width * ROWS_AN_INSERT, f"({', '.join('?' * width)})"
    for start in range(0, len(values), step):
        part = values[start : start + step]
        marks = ", ".join([row] * (len(part) // width))
        connection.connection.execute(f"INSERT INTO {table} ({names}) VALUES {marks}", part)


def _copy_column(values: list[str]) -> Iterable[str]:
    """Values as COPY's text format writes them (backslash, tab and line breaks escaped; rare, so looked for once)."""
    joined = "".join(values)
    if "\\" in joined or "\t" in joined or "\n" in joined or "\r" in joined:
        escapes = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
        values = [value.translate(escapes) for value in values]
    return values


class Stage:
    """A file's lines in a temporary table of this connection (TABLE: line number, order number, cents, status),
    for the match to join with the ledger in SQL, beside temporary tables for the lines that disagree (KEPT) and
    the day's movements the file does not list (MISSING, their ids), both filled by the match.

    Only the lines that disagree with the ledger are kept afterwards (CheckLine, for their discrepancies); the file
    itself is kept byte for byte (FileChunk).
    """

    TABLE = "recon_stage"
    KEPT = "recon_kept"
    MISSING = "recon_missing"

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"
        self.loaded = 0
        self._copying = ExitStack()  # PostgreSQL: the COPY that `add` writes to, until `flush`
        self._copy = None

    def __enter__(self) -> "Stage":
        with connection.cursor() as cursor:
            self.__exit__()
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.TABLE} (line_no integer, order_no text, cents bigint, status text)"
            )
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.KEPT} (line_no integer PRIMARY KEY, order_no text, cents bigint, "
                "status text)"
            )
            cursor.execute(f"CREATE TEMPORARY TABLE {self.MISSING} (id bigint)")
        return self

    def __exit__(self, *exc) -> None:
        self.flush()  # whatever went wrong: a COPY ended without error leaves no failed transaction to clean up
        with connection.cursor() as cursor:
            for table in (self.TABLE, self.KEPT, self.MISSING):
                cursor.execute(f"DROP TABLE IF EXISTS {table}")

    def add(self, batch: Batch) -> None:
        if self.postgres:
            # One COPY for many batches: the server loads a batch while the next is read.
            if self._copy is None:
                cursor = self._copying.enter_context(connection.cursor())
                self._copy = self._copying.enter_context(cursor.cursor.copy(f"COPY {self.TABLE} FROM STDIN"))
            numbers, cents = map(str, batch.line_no), map(str, batch.cents)
            rows = zip(numbers, _copy_column(batch.order_no), cents, batch.status, strict=True)
            self._copy.write("\n".join(map("\t".join, rows)) + "\n")
        else:
            # One transaction a batch: in autocommit, SQLite would commit each INSERT.
            with transaction.atomic():
                bulk_insert(self.TABLE, list(Batch._fields), zip(*batch, strict=True))
        self.loaded += len(batch.line_no)

    def flush(self) -> None:
        """End the COPY in progress, if any: the connection takes no other statement during one."""
        self._copy = None
        self._copying.close()

    def seal(self) -> None:
        """SQLite: index the loaded lines, which also refuses a file with an order number twice. PostgreSQL joins
        without the index, and checks for an order written twice in the join (services._compare_hashed)."""
        self.flush()
        if self.postgres:
            self.analyze(self.TABLE)
            return
        with connection.cursor() as cursor:
            try:
                with transaction.atomic():
                    cursor.execute(f"CREATE UNIQUE INDEX recon_stage_order ON {self.TABLE} (order_no)")
            except IntegrityError:
                self.refuse_duplicate()

    def refuse_duplicate(self) -> None:
        """Refuse the file at the second line of its first order number written twice."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT order_no, MIN(line_no), MAX(line_no) FROM {self.TABLE} GROUP BY order_no "
                "HAVING COUNT(*) > 1 ORDER BY MAX(line_no) LIMIT 1"
            )
            found = cursor.fetchone()
        if found is not None:
            order_no, first, second = found
            raise FileRefused(f"订单号 {order_no} 重复（第{first}行已出现）", second) from None

    def bulk(self) -> None:
        """PostgreSQL, for the rest of the transaction: no JIT compilation (the planner would compile each
        million-row statement, about 0.2 s each, for no gain in one pass over simple expressions), and memory
        enough to hash a day's lines at once rather than in batches spilled to disk."""
        if self.postgres:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
                cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")

    def analyze(self, table: str) -> None:
        """PostgreSQL never analyses temporary tables by itself; without statistics it plans them as empty."""
        if self.postgres:
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {table}")
