"""`make bench`: the portal's settings plus the reference view's URL (tests/bench/urls.py)."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "tests.bench.urls"
