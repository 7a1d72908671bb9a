"""
Integrations > QuickBooks: one page per division, with the connection, the sync settings, the Realtime Sync Status
(the live log of the running or last run), the chart and list of recent runs, and the last preview.

The views only check permissions, call a service or a selector and render; Connect, Stop connection and Resend All
Data need ``quickbooks.manage_connection`` (Owner), Configure Sync ``change_syncsettings`` (Owner), Sync Now, the
Synchronize <list> buttons (a run scoped to one list), Preview and the drift check (``admin/drift.py``) ``add_syncrun``
(Owner, Office). Whoever may see the page may
follow the status and download the errors and the preview.
"""

from functools import partial

from django.contrib import admin, messages
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.urls import path, reverse

from apps.core.models import Division
from apps.quickbooks.admin.account_mapping import account_mapping_view
from apps.quickbooks.admin.charts import runs_chart
from apps.quickbooks.admin.default_accounts import default_accounts_view
from apps.quickbooks.admin.desktop import desktop_section_context, desktop_urls
from apps.quickbooks.admin.drift import desktop_drift_view, drift_view
from apps.quickbooks.admin.forms import SyncSettingsForm
from apps.quickbooks.admin.shared import form_errors_add, only
from apps.quickbooks.conf import api_config
from apps.quickbooks.errors import QuickBooksError
from apps.quickbooks.exports import (
    XLSX_CONTENT_TYPE,
    errors_filename,
    errors_workbook,
    preview_filename,
    preview_workbook,
)
from apps.quickbooks.models import (
    ConnectionStatus,
    Integration,
    QuickBooksConnection,
    SyncRun,
    SyncSettings,
    SyncTrigger,
)
from apps.quickbooks.models.runs import scope_label
from apps.quickbooks.online.connection import (
    MANAGE_PERMISSION,
    connection_authorization_pop,
    connection_authorization_url,
    connection_complete,
    connection_disconnect,
)
from apps.quickbooks.selectors import (
    connection_for,
    division_run,
    first_sync_done,
    latest_preview,
    latest_sync,
    recent_run_totals,
    recent_runs,
    record_links_count,
    run_counts_text,
    run_entity_table,
    sync_settings_for,
    sync_settings_summary,
    sync_status,
)
from apps.quickbooks.services.runs import sync_run_request
from apps.quickbooks.services.sync_settings import sync_settings_update
from apps.quickbooks.sync.context import SyncRules
from apps.quickbooks.sync.scope import ScopeError, scope_choices, scope_parse

CONFIGURE_PERMISSION = "quickbooks.change_syncsettings"
SYNC_PERMISSION = "quickbooks.add_syncrun"
CANCELLED_MESSAGE = "You cancelled the connection in QuickBooks. Nothing was changed."


@admin.register(Integration)
class IntegrationAdmin(admin.ModelAdmin):
    list_display = ["name", "connection_status", "company", "frequency"]
    search_fields = ["name"]
    list_select_related = ["quickbooks_connection", "quickbooks_sync_settings"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="QuickBooks")
    def connection_status(self, obj: Integration) -> str:
        connection = getattr(obj, "quickbooks_connection", None)
        return connection.get_status_display() if connection else "Not connected"

    @admin.display(description="company")
    def company(self, obj: Integration) -> str:
        connection = getattr(obj, "quickbooks_connection", None)
        return (connection.company_name or connection.realm_id) if connection else "—"

    @admin.display(description="sync frequency")
    def frequency(self, obj: Integration) -> str:
        sync_settings = getattr(obj, "quickbooks_sync_settings", None)
        return sync_settings.get_frequency_display() if sync_settings else SyncSettings().get_frequency_display()

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name

        def view(function, suffix: str, route: str):
            return path(route, self.admin_site.admin_view(function), name="{}_{}_{}".format(*info, suffix))

        return [
            view(self.callback_view, "callback", "callback/"),
            view(self.connect_view, "connect", "<path:object_id>/connect/"),
            view(self.disconnect_view, "disconnect", "<path:object_id>/disconnect/"),
            view(self.configure_view, "configure", "<path:object_id>/configure/"),
            view(self.sync_view, "sync", "<path:object_id>/sync/"),
            view(self.preview_view, "preview", "<path:object_id>/preview/"),
            view(self.resend_view, "resend", "<path:object_id>/resend/"),
            view(self.status_view, "status", "<path:object_id>/status/"),
            view(self.errors_download_view, "errors", "<path:object_id>/download-errors/"),
            view(self.preview_download_view, "preview_download", "<path:object_id>/download-preview/"),
            view(partial(drift_view, self), "drift", "<path:object_id>/drift/"),
            view(partial(desktop_drift_view, self), "desktop_drift", "<path:object_id>/desktop/drift-report/"),
            view(partial(default_accounts_view, self), "default_accounts", "<path:object_id>/default-accounts/"),
            view(partial(account_mapping_view, self), "account_mapping", "<path:object_id>/account-mapping/"),
            *desktop_urls(self, view),
            *super().get_urls(),
        ]

    # Helpers.

    def _division(self, request: HttpRequest, object_id: str, *permissions: str) -> Division:
        """The division of the page, for a user who may see the page and has ``permissions`` (404, 403 otherwise)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        division = self.get_object(request, object_id)
        if division is None:
            raise Http404("No such division.")
        if not request.user.has_perms(permissions):
            raise PermissionDenied
        return division

    def _page_url(self, division: Division) -> str:
        return reverse("admin:quickbooks_integration_change", args=[division.pk])

    def _url(self, name: str, division: Division) -> str:
        return reverse(f"admin:quickbooks_integration_{name}", args=[division.pk])

    def _chosen_run(self, request: HttpRequest, division: Division) -> SyncRun | None:
        """The run named by ``?run=<id>`` (one of this division's, or 404); ``None`` when none is named."""
        run_id = request.GET.get("run", "")
        if not run_id:
            return None
        run = division_run(division=division, run_id=int(run_id)) if run_id.isdigit() and len(run_id) < 19 else None
        if run is None:
            raise Http404("No such sync run.")
        return run

    def _xlsx(self, content: bytes, filename: str) -> HttpResponse:
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def _confirmation(
        self, request: HttpRequest, division: Division, connection, *, title: str, template: str
    ) -> HttpResponse:
        """The page that asks before Stop connection or Resend All Data, with the links the division's records have."""
        context = self._context(
            request, division, connection=connection, links_count=record_links_count(division=division), title=title
        )
        return render(request, f"admin/quickbooks/integration/{template}", context)

    def _context(self, request: HttpRequest, division: Division, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "division": division,
            "title": f"QuickBooks: {division}",
            "page_url": self._page_url(division),
            **extra,
        }

    # The page.

    @only("GET")
    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None):
        division = self._division(request, object_id)
        connection = connection_for(division=division)
        user = request.user
        preview = latest_preview(division=division)
        sync_settings = sync_settings_for(division=division)
        context = self._context(
            request,
            division,
            connection=connection,
            status=connection.status if connection else ConnectionStatus.DISCONNECTED,
            sync_settings=sync_settings,
            scope_choices=scope_choices(SyncRules(sync_settings)),
            summary=sync_settings_summary(division=division),
            runs=recent_runs(division=division),
            links_count=record_links_count(division=division),
            live=sync_status(division=division),
            chart=runs_chart(recent_run_totals(division=division)),
            first_sync_done=first_sync_done(division=division),
            last_sync=latest_sync(division=division),
            preview=preview,
            preview_counts=run_counts_text(preview) if preview else "",
            preview_table=run_entity_table(preview).as_dict() if preview else None,
            status_url=self._url("status", division),
            errors_url=self._url("errors", division),
            preview_download_url=self._url("preview_download", division),
            local_mode=api_config().is_local,
            desktop=desktop_section_context(request=request, division=division),
            can_manage=user.has_perm(MANAGE_PERMISSION),
            can_configure=user.has_perm(CONFIGURE_PERMISSION),
            can_sync=user.has_perm(SYNC_PERMISSION),
        )
        return render(request, "admin/quickbooks/integration/page.html", context)

    # Connect and disconnect.

    @only("POST")
    def connect_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        division = self._division(request, object_id, MANAGE_PERMISSION)
        try:
            url = connection_authorization_url(
                division=division, request=request, reset_links=request.POST.get("reset_links") == "on"
            )
        except (QuickBooksError, ImproperlyConfigured) as exc:
            messages.error(request, getattr(exc, "message", str(exc)))
            return HttpResponseRedirect(self._page_url(division))
        return HttpResponseRedirect(url)

    def callback_view(self, request: HttpRequest) -> HttpResponse:
        """Where Intuit sends the browser back, with ``code``, ``state`` and ``realmId``, or an ``error``."""
        if not request.user.has_perm(MANAGE_PERMISSION):
            raise PermissionDenied
        state = request.GET.get("state", "")
        pending = connection_authorization_pop(request=request, state=state)
        division = Division.objects.filter(pk=pending.division_id).first() if pending else None
        back = self._page_url(division) if division else reverse("admin:quickbooks_integration_changelist")
        error = request.GET.get("error", "")
        if error:
            if error == "access_denied":
                messages.warning(request, CANCELLED_MESSAGE)
            else:
                messages.error(request, f"QuickBooks did not connect ({error[:100]}). Nothing was changed.")
            return HttpResponseRedirect(back)
        try:
            if division is None:
                raise QuickBooksError(
                    "This QuickBooks sign-in was not started here, or it expired. Nothing was changed; press "
                    "Connect to QuickBooks again."
                )
            connection = connection_complete(
                division=division,
                code=request.GET.get("code", ""),
                state=state,
                realm_id=request.GET.get("realmId", ""),
                user=request.user,
                pending=pending,
            )
        except (QuickBooksError, ImproperlyConfigured) as exc:
            messages.error(request, getattr(exc, "message", str(exc)))
            return HttpResponseRedirect(back)
        messages.success(
            request,
            f"{division} is connected to the QuickBooks company {connection.company_name or connection.realm_id}.",
        )
        if connection.last_error:
            messages.warning(request, connection.last_error)
        return HttpResponseRedirect(back)

    def disconnect_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        division = self._division(request, object_id, MANAGE_PERMISSION)
        connection = QuickBooksConnection.objects.filter(division=division).first()
        if connection is None or connection.status == ConnectionStatus.DISCONNECTED:
            messages.info(request, "QuickBooks is not connected for this division.")
            return HttpResponseRedirect(self._page_url(division))
        if request.method == "POST":
            try:
                connection = connection_disconnect(division=division, user=request.user)
            except QuickBooksError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"The connection of {division} to QuickBooks has been stopped.")
                if connection.last_error:
                    messages.warning(request, connection.last_error)
            return HttpResponseRedirect(self._page_url(division))
        return self._confirmation(
            request,
            division,
            connection,
            title=f"Stop the QuickBooks connection of {division}?",
            template="disconnect.html",
        )

    # Settings and Sync Now.

    def configure_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        division = self._division(request, object_id, CONFIGURE_PERMISSION)
        current = sync_settings_for(division=division)
        form = SyncSettingsForm(request.POST or None, instance=current)
        if request.method == "POST" and form.is_valid():
            try:
                sync_settings_update(division=division, user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form_errors_add(form, exc)
            else:
                messages.success(request, "The sync settings have been saved.")
                return HttpResponseRedirect(self._page_url(division))
        connection = connection_for(division=division)
        context = self._context(
            request, division, form=form, connection=connection, title=f"Configure Sync: {division}"
        )
        return render(request, "admin/quickbooks/integration/configure.html", context)

    def _request_run(
        self, request: HttpRequest, division: Division, trigger: str, done: str, scope: tuple[str, ...] = ()
    ) -> HttpResponse:
        try:
            sync_run_request(division=division, user=request.user, trigger=trigger, scope=scope)
        except QuickBooksError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, done)
        return HttpResponseRedirect(self._page_url(division))

    @only("POST")
    def sync_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        division = self._division(request, object_id, SYNC_PERMISSION)
        # Synchronize <list> posts the list it syncs; Sync Now posts none.
        try:
            scope = scope_parse(request.POST.get("only", ""))
        except ScopeError as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(self._page_url(division))
        what = f"A sync of {scope_label(scope)} for {division}" if scope else f"A sync of {division}"
        return self._request_run(
            request, division, SyncTrigger.MANUAL, f"{what} has been queued; its result appears below.", scope
        )

    @only("POST")
    def preview_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        division = self._division(request, object_id, SYNC_PERMISSION)
        return self._request_run(
            request,
            division,
            SyncTrigger.PREVIEW,
            f"A preview of {division} has been queued. It writes nothing, here or in QuickBooks; what a sync would "
            "do appears below.",
        )

    def resend_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Resend All Data: a page that says what it does, then the run on Yes."""
        division = self._division(request, object_id, MANAGE_PERMISSION)
        connection = connection_for(division=division)
        if connection is None or connection.status != ConnectionStatus.CONNECTED:
            messages.info(request, f"QuickBooks is not connected for {division}: connect it first.")
            return HttpResponseRedirect(self._page_url(division))
        if request.method == "POST":
            return self._request_run(
                request,
                division,
                SyncTrigger.RESEND,
                f"Resend All Data of {division} has been queued; its progress appears below.",
            )
        return self._confirmation(
            request, division, connection, title=f"Resend all data of {division} to QuickBooks?", template="resend.html"
        )

    # Realtime Sync Status and downloads: whoever may see the page.

    @only("GET")
    def status_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        division = self._division(request, object_id)
        # admin_view() already marks every answer as never to be cached.
        return JsonResponse(sync_status(division=division))

    def errors_download_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Download Errors: the failed and skipped records of the last sync, or of ``?run=<id>``."""
        division = self._division(request, object_id)
        run = self._chosen_run(request, division) or latest_sync(division=division)
        if run is None:
            messages.info(request, "No sync has run yet, so there are no errors to download.")
            return HttpResponseRedirect(self._page_url(division))
        return self._xlsx(errors_workbook(run), errors_filename(division))

    def preview_download_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Download preview: every record the last preview (or ``?run=<id>``, a preview) looked at."""
        division = self._division(request, object_id)
        run = self._chosen_run(request, division) or latest_preview(division=division)
        if run is not None and not run.is_preview:
            raise Http404("This sync run is not a preview.")
        if run is None:
            messages.info(request, "There is no preview yet: press Preview to make one.")
            return HttpResponseRedirect(self._page_url(division))
        return self._xlsx(preview_workbook(run), preview_filename(division))
