"""Views of the project itself, outside both apps."""

from django.http import HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """Answers "ok" while the process serves requests; for load balancers and the benchmark."""
    return HttpResponse("ok", content_type="text/plain")
