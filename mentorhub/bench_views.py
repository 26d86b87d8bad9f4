"""Endpoints that exist only on a benchmark server (BENCH_ENDPOINTS=1).

`floor` is the framework's own floor: a constant response through the same
middleware stack as every page, so tab timings can be given as ratios to it.
`notify` stores a notification inside the server process, so the WebSocket
benchmark measures notify() → browser socket with the in-memory layer.
"""

from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from accounts.models import User
from notifications.services import notify


def floor(request):
    return HttpResponse("ok", content_type="text/plain")


@csrf_exempt
def bench_notify(request):
    user = User.objects.get(username=request.GET["user"])
    row = notify(user, "system", request.GET.get("title", "bench"), body=request.GET.get("t", ""))
    return JsonResponse({"id": row.pk})
