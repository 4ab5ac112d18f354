"""Issue 8, item 4: no full 身份证号 in a log line, whoever logs it (the handlers' filter)."""

import io
import logging

from django.conf import settings

from apps.core.logfilters import MaskIdNumbers


def emit(record_args, *, exc_info=None) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.addFilter(MaskIdNumbers())
    handler.handle(logging.LogRecord("x", logging.WARNING, __file__, 1, *record_args, exc_info))
    return stream.getvalue()


def test_message_and_arguments_are_masked():
    line = emit(("patient %s refused: %s", ("220102198805060015", {"cert": "220104199203150029"})))
    assert "220102********0015" in line and "220104********0029" in line
    assert "220102198805060015" not in line and "220104199203150029" not in line


def test_a_traceback_is_masked():
    try:
        raise ValueError("no such patient 220203197508200031")
    except ValueError:
        import sys

        line = emit(("lookup failed", ()), exc_info=sys.exc_info())
    assert "ValueError: no such patient 220203********0031" in line and "220203197508200031" not in line


def test_every_handler_masks():
    for name, handler in settings.LOGGING["handlers"].items():
        assert "mask_id_numbers" in handler.get("filters", []), name
