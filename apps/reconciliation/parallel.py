"""A large file's lines parsed by a second process while this one loads them into the database.

Parsing is Python, about half of a million-line import; in a thread it would share one core with the loading (the
interpreter runs one thread at a time), in a process it has a core of its own. The child
(`python -m apps.reconciliation.parallel`) runs the same `CheckFileReader` on the bytes it reads on its standard
input and writes back, as length-prefixed marshal frames, each batch of lines, then what the reader found (totals,
encoding, delimiter) or why it refused the file. The parent feeds the file and reads the batches in one loop, so
that neither side ever waits on a full pipe the other would empty.

Pure standard library and `parsing`: the child never loads Django or opens the database.
"""

import fcntl
import marshal
import os
import selectors
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from apps.reconciliation.parsing import Batch, CheckFileReader, FileRefused, Totals

ROOT = Path(__file__).resolve().parents[2]
COMMAND = [sys.executable, "-m", __name__]
CHUNK = 1024 * 1024  # bytes fed to the child or read from it at a time, and the pipes' size where allowed
STDERR_KEPT = 4000  # characters of the child's error output kept for the message, should it fail


class ChildFailed(RuntimeError):
    pass


class ChildReader:
    """`CheckFileReader.batches` with the parsing in a child process: the same batches, then the same `totals`,
    `encoding`, `delimiter` and `summary_seen`, or the same FileRefused."""

    def __init__(self, stream):
        self._stream = stream
        self.totals = None
        self.encoding = self.delimiter = ""
        self.summary_seen = False
        self.peak_mb = None  # the child's peak resident memory, where the system tells it

    def batches(self) -> Iterator[Batch]:
        child = subprocess.Popen(
            COMMAND, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        try:
            yield from self._exchange(child)
        finally:  # the load may stop at any batch (a database error): the child must not outlive it
            if child.poll() is None:
                child.kill()
            child.wait()
            for pipe in (child.stdin, child.stdout, child.stderr):
                pipe.close()

    def _exchange(self, child: subprocess.Popen) -> Iterator[Batch]:
        feed, out, err = child.stdin.fileno(), child.stdout.fileno(), child.stderr.fileno()
        for fd in (feed, out):
            _widen(fd)
        for fd in (feed, out, err):
            os.set_blocking(fd, False)
        pending, received, errors, ended = memoryview(b""), bytearray(), b"", False
        with selectors.DefaultSelector() as selector:
            selector.register(feed, selectors.EVENT_WRITE)
            selector.register(out, selectors.EVENT_READ)
            selector.register(err, selectors.EVENT_READ)
            while selector.get_map():
                for key, _ in selector.select():
                    if key.fd == feed:
                        pending = self._feed(feed, pending)
                        if pending is None:  # all fed, or the child stopped reading (it refused the file)
                            selector.unregister(feed)
                            child.stdin.close()
                        continue
                    data = os.read(key.fd, CHUNK)
                    if not data:
                        selector.unregister(key.fd)
                    elif key.fd == err:
                        errors = (errors + data)[-STDERR_KEPT:]
                    else:
                        received += data
                        for message in _frames(received):
                            if message[0] != "batch":
                                self._end(message)
                                ended = True
                                continue
                            first, count, *columns = message[1:]
                            yield Batch(range(first, first + count) if count >= 0 else first, *columns)
        if child.wait() != 0 or not ended:
            raise ChildFailed(f"对账文件解析进程异常退出（{child.returncode}）：{errors.decode(errors='replace')}")

    def _feed(self, fd: int, pending: memoryview) -> memoryview | None:
        """Write what the pipe takes of the file's next bytes; what is left of them, or None when done."""
        if not pending:
            pending = memoryview(self._stream.read(CHUNK))
            if not pending:
                return None
        try:
            return pending[os.write(fd, pending) :]
        except BrokenPipeError:
            return None

    def _end(self, message: tuple) -> None:
        kind, *found = message
        if kind == "refused":
            raise FileRefused(*found)
        self.encoding, self.delimiter, self.summary_seen, totals, peak_kb = found
        self.totals = Totals(*totals)
        self.peak_mb = peak_kb / 1024 if peak_kb else None


def _widen(fd: int) -> None:
    """A pipe of CHUNK bytes instead of 64 KB, where the system allows it: each side runs a block ahead."""
    if hasattr(fcntl, "F_SETPIPE_SZ"):
        try:
            fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, CHUNK)
        except OSError:
            pass


def _frames(received: bytearray) -> Iterator[tuple]:
    """The whole frames at the start of `received`, taken out of it."""
    while len(received) >= 4:
        size = int.from_bytes(received[:4], "little")
        if len(received) < 4 + size:
            return
        message = marshal.loads(received[4 : 4 + size])
        del received[: 4 + size]
        yield message


def _peak_kb() -> int | None:
    """This process's peak resident memory (Linux: VmHWM, counted from the exec; getrusage's would include the
    parent's memory at the fork)."""
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration, ValueError):
        return None


def _child() -> None:
    """Parse standard input; write each batch, then the end or the refusal, to standard output."""
    out = sys.stdout.buffer

    def send(message: tuple) -> None:
        data = marshal.dumps(message)
        out.write(len(data).to_bytes(4, "little") + data)

    reader = CheckFileReader(sys.stdin.buffer)
    try:
        for batch in reader.batches():
            numbers = batch.line_no
            # A range travels as its start and length (a list of numbers as itself, with the length -1).
            start, length = (numbers.start, len(numbers)) if isinstance(numbers, range) else (list(numbers), -1)
            send(("batch", start, length, batch.order_no, batch.cents, batch.status))
    except FileRefused as exc:
        send(("refused", exc.reason, exc.line_no))
    else:
        totals = reader.totals
        found = (totals.payments, totals.payment_cents, totals.refunds, totals.refund_cents)
        send(("end", reader.encoding, reader.delimiter, reader.summary_seen, found, _peak_kb()))
    out.flush()


if __name__ == "__main__":
    _child()
