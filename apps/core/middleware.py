import time

from django.shortcuts import render

RENEW_EVERY = 60  # seconds: how stale a signed-in session's idle window may get before a request renews it


class IdleSessionRenewal:
    """Staff sessions end after SESSION_COOKIE_AGE of inactivity: a request renews the window, but at most once a
    minute, so that a page costs no session write (three statements) on every click."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty() and "_auth_user_id" in session:
            now = int(time.time())
            if now - session.get("_renewed", 0) >= RENEW_EVERY:
                session["_renewed"] = now  # marks the session modified: SessionMiddleware saves it, expiry renewed
        return response


class PortalErrorPages:
    """A method a page does not accept gets the portal's page, not the browser's own empty 405.

    (404, 403 and 500 come from the templates of the same names through Django's handlers.) API responses keep
    their bodies: the platform reads them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.content and not request.path.startswith("/api/"):
            page = render(request, "405.html", status=405)
            page["Allow"] = response.get("Allow", "")
            return page
        return response
