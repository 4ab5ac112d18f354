"""Request lines are logged without their query strings (the platform's access_code travels in one)."""

import logging

from django.conf import settings

from apps.core.logfilters import NoQueryStrings


def test_request_lines_lose_their_query_strings():
    record = logging.LogRecord(
        "django.server", logging.WARNING, __file__, 1, '"%s" %s %s',
        ("GET /r/tok/return?status=1&access_code=SECRET HTTP/1.1", 404, 17), None,
    )  # fmt: skip
    assert NoQueryStrings().filter(record)
    assert record.getMessage() == '"GET /r/tok/return HTTP/1.1" 404 17'


def test_both_request_loggers_use_the_filter():
    for name in ("django.server", "django.request"):
        for handler in logging.getLogger(name).handlers:
            assert any(isinstance(f, NoQueryStrings) for f in handler.filters), name
        assert logging.getLogger(name).handlers and not logging.getLogger(name).propagate
    assert settings.LOGGING["loggers"]["django.server"]["handlers"] == ["requests"]
