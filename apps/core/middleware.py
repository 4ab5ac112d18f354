from django.shortcuts import render


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
