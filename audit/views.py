"""Published checkpoints: anyone may fetch and keep them, and later hold Waymark to them
(`verify_audit --checkpoint`). They name no one; a chain's owner proves their own chain is
covered with the inclusion proof in their export."""

from django.http import Http404, JsonResponse
from django.views.decorators.http import require_GET

from audit import chain, keys
from audit.models import Checkpoint

PAGE = 100


@require_GET
def checkpoint_list(request):
    """The newest checkpoints first, a page at a time (`?before=<number>` for older ones)."""
    checkpoints = Checkpoint.objects.order_by("-number")
    before = request.GET.get("before", "")
    if before:
        if not before.isdigit():
            return JsonResponse({"before": ["Give a checkpoint number."]}, status=400)
        checkpoints = checkpoints.filter(number__lt=int(before))
    page = list(checkpoints[:PAGE])
    return JsonResponse(
        {
            "checkpoints": [chain.published(c) for c in page],
            "older": f"?before={page[-1].number}" if len(page) == PAGE else None,
            "keys": "keys/",
        }
    )


@require_GET
def checkpoint_detail(request, number):
    found = Checkpoint.objects.filter(number=number).first()
    if found is None:
        raise Http404("No such checkpoint.")
    return JsonResponse(chain.published(found))


@require_GET
def latest_checkpoint(request):
    latest = Checkpoint.objects.order_by("-number").first()
    if latest is None:
        raise Http404("No checkpoint has been signed yet.")
    return JsonResponse(chain.published(latest))


@require_GET
def public_keys(request):
    """The keys checkpoints are signed with, by id: Ed25519, raw, base64url."""
    current = keys.current_public_key()
    return JsonResponse(
        {
            "current": current.key_id,
            "keys": [
                {"id": key.key_id, "type": "Ed25519", "public_key": key.text}
                for key in keys.trusted_public_keys().values()
            ],
        }
    )
