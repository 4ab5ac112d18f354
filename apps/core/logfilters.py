"""Logging filters."""

import logging
import re

_QUERY = re.compile(r"\?[^\s\"]*")


class NoQueryStrings(logging.Filter):
    """Drop query strings from request lines: the platform returns the browser with `access_code` in one, and
    it must not be written anywhere (CONTRACT.md section 5)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_QUERY.sub("", arg) if isinstance(arg, str) else arg for arg in record.args)
        if isinstance(record.msg, str):
            record.msg = _QUERY.sub("", record.msg)
        return True


class NoTracebackForRefusals(logging.Filter):
    """A 403 is the portal saying no to a person, not a fault: one line, without the traceback Django attaches."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
