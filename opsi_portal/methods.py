"""The HTTP methods the portal answers: OPTIONS gets the list, not the page; TRACE and the rest get 405."""

from django.http import HttpResponse, JsonResponse

from .errors import is_api

ALLOWED = ("GET", "HEAD", "POST", "OPTIONS")


def _with_allow(response):
    response["Allow"] = ", ".join(ALLOWED)
    return response


class HttpMethodsMiddleware:
    """Function views answer any method with their page; this answers the others before they run.

    The API's own views (Django REST framework) answer OPTIONS themselves, with a short description.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ALLOWED:
            return self.get_response(request)
        message = f"The method {request.method} is not allowed here."
        if is_api(request):
            return _with_allow(JsonResponse({"detail": message}, status=405))
        return _with_allow(HttpResponse(message, status=405, content_type="text/plain; charset=utf-8"))

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method == "OPTIONS" and not hasattr(view_func, "cls"):  # `cls`: a REST framework view
            return _with_allow(HttpResponse(status=204))
        return None
