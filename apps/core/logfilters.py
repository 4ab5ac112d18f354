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


class MaskIdNumbers(logging.Filter):
    """Mask any 18-character 身份证号 in a log line, its arguments and traceback included: whatever a library
    or an error message echoes, no full ID number reaches the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        from apps.core.pii import mask_text  # not at import: logging is configured before the apps load

        record.msg, record.args = mask_text(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        return True
