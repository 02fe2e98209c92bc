"""Curators' imports in the admin: upload a vault, check its dry run, confirm, follow the run; the review queue.

Thin views over `practices.importing.runs` (the same functions as the command and the background task).
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFilesSent
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from .importing import runs
from .importing.uploads import Limits, UploadRefused
from .models import CountryMention, ImportRun, Origin, Practice, ToolkitMention

# The review queue shows this many of each kind; approving or rejecting them brings up the next.
REVIEW_SHOWN = 200
# While a run is queued or running its page reloads itself this often (seconds): no script needed.
REFRESH_SECONDS = 2


class CappedUploadHandler(FileUploadHandler):
    """Stops reading an upload as soon as it passes the size cap, so an oversized one never fills the disk."""

    def __init__(self, request, max_bytes):
        super().__init__(request)
        self.max_bytes = max_bytes
        self.seen = 0
        self.refusal = ""

    def receive_data_chunk(self, raw_data, start):
        self.seen += len(raw_data)
        if self.seen > self.max_bytes:
            self.refusal = f"The upload is over {self.max_bytes:,} bytes, the most one import takes."
            raise StopUpload()
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handlers store the file


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Every import, from an upload or the command; read-only records, with the upload and review pages."""

    list_display = ["__str__", "status", "started_by", "created_at", "took", "counts"]
    list_filter = ["status"]
    list_select_related = ["user"]
    search_fields = ["source", "command", "user__username"]
    change_list_template = "admin/practices/importrun/change_list.html"

    def has_add_permission(self, request):
        return False  # runs come from uploads (the "Import notes" page) and the command

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="duration")
    def took(self, run):
        return run.duration_text

    @admin.display(description="counts")
    def counts(self, run):
        return (
            f"created {run.created}, updated {run.updated}, unchanged {run.unchanged}, "
            f"conflicts {run.conflicts}, problems {run.problem_count}"
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("upload/", wrap(self.upload_view), name="practices_importrun_upload"),
            path("review/", wrap(self.review_view), name="practices_importrun_review"),
            path("<int:pk>/confirm/", wrap(self.confirm_view), name="practices_importrun_confirm"),
            path("<int:pk>/json/", wrap(self.json_view), name="practices_importrun_json"),
            *super().get_urls(),
        ]

    def context(self, request, title, **extra):
        return {**self.admin_site.each_context(request), "title": title, "opts": self.model._meta, **extra}

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        if not str(object_id).isdecimal():  # `isdigit` also takes "²", which int() refuses
            raise Http404("No such import run.")
        run = get_object_or_404(ImportRun.objects.select_related("user"), pk=object_id)
        context = self.context(
            request,
            f"Import run {run.pk}",
            run=run,
            refresh=REFRESH_SECONDS if run.in_progress and request.GET.get("refresh") != "off" else None,
            can_confirm=run.status == ImportRun.Status.PREVIEWED and self.may_upload(request),
        )
        return TemplateResponse(request, "admin/practices/importrun/run.html", context)

    def json_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        run = get_object_or_404(ImportRun.objects.select_related("user"), pk=pk)
        response = JsonResponse(run.as_json(), json_dumps_params={"indent": 2, "ensure_ascii": False})
        response["Content-Disposition"] = f'attachment; filename="import-run-{run.pk}.json"'
        return response

    def may_upload(self, request):
        return request.user.has_perm("practices.add_importrun")

    # Exempt from the middleware's check only so the size cap can see the upload first; the view
    # below checks the token itself (csrf_protect), as Django's documentation on upload handlers says.
    @csrf_exempt
    def upload_view(self, request):
        if not self.may_upload(request):
            raise PermissionDenied
        handler = CappedUploadHandler(request, Limits.from_settings().total_bytes)
        if request.method == "POST":
            request.upload_handlers.insert(0, handler)
            try:
                request.POST, request.FILES  # noqa: B018 (reads the upload through the handlers, now)
            except (TooManyFilesSent, RequestDataTooBig):
                handler.refusal = "Too many files at once: upload them as one .zip."
        return csrf_protect(self.upload)(request, handler.refusal)

    def upload(self, request, refusal):
        if request.method == "POST" and not refusal:
            try:
                run = runs.start_upload(request.user, request.FILES.getlist("notes"))
            except UploadRefused as error:
                refusal = str(error)
            else:
                return redirect("admin:practices_importrun_change", run.pk)
        limits = Limits.from_settings()
        context = self.context(request, "Import notes", refusal=refusal, busy=runs.busy_with(), limits=limits)
        return TemplateResponse(
            request, "admin/practices/importrun/upload.html", context, status=400 if refusal else 200
        )

    def confirm_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.may_upload(request):
            raise PermissionDenied
        run = get_object_or_404(ImportRun, pk=pk)
        try:
            queued = runs.confirm(run)
        except runs.ImportBusy as busy:
            self.message_user(request, str(busy), messages.ERROR)
        else:
            if not queued:
                self.message_user(request, "This run was already confirmed.", messages.WARNING)
        return redirect("admin:practices_importrun_change", run.pk)

    def review_view(self, request):
        if not (
            request.user.has_perm("practices.change_practice") and request.user.has_perm("practices.view_importrun")
        ):
            raise PermissionDenied
        if request.method == "POST":
            self.review(request)
            return redirect("admin:practices_importrun_review")
        queue = review_queue()
        return TemplateResponse(
            request, "admin/practices/importrun/review.html", self.context(request, "Review queue", **queue)
        )

    def review(self, request):
        practices = Practice.objects.filter(pk__in=ids(request, "practice"), status=Practice.Status.DRAFT)
        countries = unreviewed(CountryMention).filter(pk__in=ids(request, "country_mention"))
        toolkits = unreviewed(ToolkitMention).filter(pk__in=ids(request, "toolkit_mention"))
        if request.POST.get("decision") == "approve":
            approve(self, request, practices, [countries, toolkits])
        elif request.POST.get("decision") == "reject":
            reject(self, request, practices, [countries, toolkits])


# A row id past this many digits is no row's (ids are 64-bit); SQLite cannot even compare with it.
MAX_ID_DIGITS = 18


def ids(request, name):
    """The rows ticked, or every row the page listed when its "all" box is ticked (no script needed)."""
    chosen = request.POST.getlist(f"listed_{name}" if request.POST.get(f"all_{name}") else name)
    return [int(value) for value in chosen if value.isdecimal() and len(value) <= MAX_ID_DIGITS]


def unreviewed(model):
    """Detected mentions no curator has looked at since the import wrote or changed them."""
    return model.objects.filter(origin=Origin.DETECTED, reviewed_at__isnull=True)


def review_queue():
    """What the review page lists: imported drafts and unreviewed detected mentions, with their evidence."""
    drafts = Practice.objects.filter(status=Practice.Status.DRAFT, note_key__isnull=False).select_related(
        "source_video"
    )
    mentions = {
        "country_mentions": unreviewed(CountryMention).select_related("practice__source_video", "country"),
        "toolkit_mentions": unreviewed(ToolkitMention).select_related("practice__source_video", "toolkit"),
    }
    queue = {"drafts": drafts.order_by("-created_at", "title")[:REVIEW_SHOWN], "draft_count": drafts.count()}
    for name, queryset in mentions.items():
        queue[name] = queryset.order_by("practice__title", "id")[:REVIEW_SHOWN]
        queue[f"{name}_count"] = queryset.count()
    return queue


def approve(model_admin, request, practices, mention_querysets):
    """Publish the selected drafts (through the practices' own action) and mark the mentions reviewed."""
    if practices.exists():
        model_admin.admin_site._registry[Practice].publish(request, practices)
    reviewed = sum(queryset.update(reviewed_at=timezone.now()) for queryset in mention_querysets)
    if reviewed:
        model_admin.message_user(request, f"{reviewed} mention(s) approved.", messages.SUCCESS)


def reject(model_admin, request, practices, mention_querysets):
    """Delete the selected mentions: the import snapshot remembers them, so re-imports keep them out."""
    if practices.exists():
        message = "Drafts are not rejected: they stay drafts, unseen by the public, until published."
        model_admin.message_user(request, message, messages.WARNING)
    # Deleted one by one (QuerySet.delete sends each signal): history keeps them, search vectors follow.
    rejected = sum(queryset.delete()[0] for queryset in mention_querysets)
    if rejected:
        model_admin.message_user(request, f"{rejected} mention(s) rejected.", messages.SUCCESS)
