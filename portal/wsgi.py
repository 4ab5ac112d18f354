import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()
# What is loaded now lives as long as the worker: out of the collector's full passes, the first of which otherwise
# scans all of it in the middle of some request (80 ms, measured in `make bench-lists`).
gc.freeze()
