"""
QuickBooks Desktop on the integration page: the Web Connector section, its password, the checklist before the
``.qwc`` download, the download itself, and accepting a moved company file.

Everything here changes or hands out the means to sync, so it needs ``quickbooks.manage_connection`` (Owner);
whoever may see the page sees the section. ``model_admin`` is the ``IntegrationAdmin``: its helpers find the
division and build the page context.
"""

from functools import partial
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from apps.core.models import Division
from apps.quickbooks.admin.shared import form_errors_add, only, service_call_told
from apps.quickbooks.desktop.qwc import (
    ALL_EDITIONS,
    EDITION_LABELS,
    EDITION_NAMES,
    editions_from_names,
    qwc_build,
    web_connector_url,
)
from apps.quickbooks.desktop.selectors import (
    desktop_connection_for,
    desktop_drift_error,
    desktop_drift_report,
    desktop_is_chosen,
    desktop_recent_sessions,
    desktop_run_every,
)
from apps.quickbooks.desktop.setup import (
    MANAGE_PERMISSION,
    PASSWORD_MAX_LENGTH,
    USERNAME_MAX_LENGTH,
    desktop_company_file_move_accept,
    desktop_credentials_set,
    desktop_preview_request,
    desktop_username_suggest,
)

QWC_CONTENT_TYPE = "application/xml"
# Sent by the checklist's form with the ticked editions: an empty choice then means "none", not "all".
CHECKLIST_MARK = "checklist"
# Whoever may press Sync Now on the integration page may ask for a preview.
SYNC_PERMISSION = "quickbooks.add_syncrun"
PASSWORD_TOO_LONG = f"The password has at most {PASSWORD_MAX_LENGTH} characters."


def _password_field(label: str, **extra: Any) -> forms.CharField:
    """A new password, kept as typed (not stripped); the browser does not fill in a saved one."""
    return forms.CharField(
        label=label,
        strip=False,
        # The browser stops at the length the Web Connector's sign-in accepts (the service refuses longer ones too).
        max_length=PASSWORD_MAX_LENGTH,
        error_messages={"max_length": PASSWORD_TOO_LONG},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        **extra,
    )


class DesktopCredentialsForm(forms.Form):
    username = forms.CharField(
        label="Web Connector user name",
        max_length=USERNAME_MAX_LENGTH,
        help_text="Written into the .qwc file. Changing it means downloading the .qwc file again.",
    )
    password = _password_field(
        "Password",
        help_text="Typed into the Web Connector when the .qwc file is added; it is not in the file. FieldOffice "
        "keeps only a hash of it, so write it down where your team keeps passwords.",
    )
    password_again = _password_field("Password again")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password") and cleaned.get("password") != cleaned.get("password_again"):
            self.add_error("password_again", "The two passwords differ.")
        return cleaned


class EditionsForm(forms.Form):
    editions = forms.MultipleChoiceField(
        label="QuickBooks editions",
        choices=[(name, EDITION_LABELS[edition]) for name, edition in EDITION_NAMES.items()],
        widget=forms.CheckboxSelectMultiple,
        help_text="The Web Connector only opens the company file with the editions ticked here.",
    )


def _url(name: str, division: Division) -> str:
    return reverse(f"admin:quickbooks_integration_{name}", args=[division.pk])


def _endpoint_url(request: HttpRequest) -> str:
    return web_connector_url(request.build_absolute_uri(reverse("quickbooks:qbwc")))


def _every(division: Division) -> str:
    """ "5 minutes", "hour", "day": how often the Web Connector updates, for "every …"; ``""`` for Manual."""
    run_every = desktop_run_every(division=division)
    if run_every is None:
        return ""
    minutes = int(run_every.total_seconds() // 60)
    if minutes % (24 * 60) == 0:
        days = minutes // (24 * 60)
        return "day" if days == 1 else f"{days} days"
    if minutes % 60 == 0:
        hours = minutes // 60
        return "hour" if hours == 1 else f"{hours} hours"
    return f"{minutes} minutes"


def desktop_section_context(*, request: HttpRequest, division: Division) -> dict | None:
    """What the integration page shows about QuickBooks Desktop; ``None`` unless the division uses Desktop."""
    if not desktop_is_chosen(division=division):
        return None
    connection = desktop_connection_for(division=division)
    return {
        "connection": connection,
        "sessions": desktop_recent_sessions(connection=connection) if connection else [],
        "endpoint_url": _endpoint_url(request),
        "run_every": _every(division),
        "can_manage": request.user.has_perm(MANAGE_PERMISSION),
        "credentials_url": _url("desktop_credentials", division),
        "checklist_url": _url("desktop_checklist", division),
        "accept_move_url": _url("desktop_accept_move", division),
        "can_sync": request.user.has_perm(SYNC_PERMISSION),
        "preview_url": _url("desktop_preview", division),
        "jobs": connection.jobs_report if connection else [],
        "drift_url": _url("drift", division),
        "drift_report_url": _url("desktop_drift", division),
        "drift_report": desktop_drift_report(connection=connection),
        "drift_error": desktop_drift_error(connection=connection),
    }


def desktop_credentials_view(model_admin, request: HttpRequest, object_id: str) -> HttpResponse:
    division = model_admin._division(request, object_id, MANAGE_PERMISSION)
    connection = desktop_connection_for(division=division)
    initial = {"username": connection.username if connection else desktop_username_suggest(division=division)}
    form = DesktopCredentialsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            desktop_credentials_set(
                division=division,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                user=request.user,
            )
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            messages.success(
                request,
                f"The Web Connector password of {division} has been set. Type it into the Web Connector when you "
                "add the .qwc file.",
            )
            return HttpResponseRedirect(model_admin._page_url(division))
    context = model_admin._context(
        request,
        division,
        form=form,
        connection=connection,
        title=f"Web Connector password: {division}",
    )
    return render(request, "admin/quickbooks/desktop/credentials.html", context)


def _ready_for_download(request: HttpRequest, model_admin, division: Division) -> HttpResponseRedirect | None:
    """A redirect with the reason when the ``.qwc`` cannot be handed out yet."""
    if not desktop_is_chosen(division=division):
        messages.info(request, "Choose QuickBooks Desktop as the integration type in Configure Sync first.")
        return HttpResponseRedirect(model_admin._page_url(division))
    connection = desktop_connection_for(division=division)
    if connection is None or not connection.has_password:
        messages.info(request, "Set the Web Connector password first: the Web Connector signs in with it.")
        return HttpResponseRedirect(_url("desktop_credentials", division))
    return None


@only("GET")
def desktop_checklist_view(model_admin, request: HttpRequest, object_id: str) -> HttpResponse:
    division = model_admin._division(request, object_id, MANAGE_PERMISSION)
    if redirect := _ready_for_download(request, model_admin, division):
        return redirect
    form = EditionsForm(initial={"editions": list(EDITION_NAMES)})
    context = model_admin._context(
        request,
        division,
        form=form,
        connection=desktop_connection_for(division=division),
        endpoint_url=_endpoint_url(request),
        run_every=_every(division),
        download_url=_url("desktop_qwc", division),
        checklist_mark=CHECKLIST_MARK,
        title=f"Before you add {division} to the Web Connector",
    )
    return render(request, "admin/quickbooks/desktop/checklist.html", context)


@only("GET")
def desktop_qwc_view(model_admin, request: HttpRequest, object_id: str) -> HttpResponse:
    """
    The ``.qwc`` download, for the editions ticked on the checklist. The checklist's form says it was used
    (``CHECKLIST_MARK``), so that a form sent with no edition ticked is sent back with a message instead of the
    three editions; a plain link to the download (no form) gives all of them.
    """
    division = model_admin._division(request, object_id, MANAGE_PERMISSION)
    if redirect := _ready_for_download(request, model_admin, division):
        return redirect
    form = EditionsForm(request.GET)
    from_checklist = CHECKLIST_MARK in request.GET or "editions" in request.GET
    if from_checklist and not form.is_valid():
        messages.error(
            request,
            "Tick at least one QuickBooks edition: the Web Connector only opens the company file with the editions "
            "ticked. No .qwc file was downloaded.",
        )
        return HttpResponseRedirect(_url("desktop_checklist", division))
    editions = editions_from_names(form.cleaned_data["editions"]) if from_checklist else ALL_EDITIONS
    qwc = qwc_build(
        connection=desktop_connection_for(division=division),
        endpoint_url=_endpoint_url(request),
        support_url=request.build_absolute_uri(_url("desktop_checklist", division)),
        editions=editions,
    )
    response = HttpResponse(qwc.content, content_type=QWC_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{qwc.filename}"'
    return response


@only("POST")
def desktop_accept_move_view(model_admin, request: HttpRequest, object_id: str) -> HttpResponse:
    division = model_admin._division(request, object_id, MANAGE_PERMISSION)
    try:
        connection = desktop_company_file_move_accept(division=division, user=request.user)
    except ValidationError as exc:
        messages.info(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"{division} now syncs with the company file {connection.company_name} at {connection.company_file}. "
            "The next Web Connector update goes ahead.",
        )
    return HttpResponseRedirect(model_admin._page_url(division))


@only("POST")
def desktop_preview_view(model_admin, request: HttpRequest, object_id: str) -> HttpResponse:
    division = model_admin._division(request, object_id, SYNC_PERMISSION)
    service_call_told(
        request,
        partial(desktop_preview_request, division=division),
        done="The next Web Connector update is a preview: it reads the company file and shows here what a sync "
        "would do, writing nothing. Press Update Selected in the Web Connector, or wait for its schedule.",
    )
    return HttpResponseRedirect(model_admin._page_url(division))


def desktop_urls(model_admin, view) -> list:
    """The Desktop routes, registered by ``IntegrationAdmin.get_urls`` with its ``view`` helper."""

    return [
        view(
            partial(desktop_credentials_view, model_admin), "desktop_credentials", "<path:object_id>/desktop/password/"
        ),
        view(partial(desktop_checklist_view, model_admin), "desktop_checklist", "<path:object_id>/desktop/checklist/"),
        view(partial(desktop_qwc_view, model_admin), "desktop_qwc", "<path:object_id>/desktop/qwc/"),
        view(
            partial(desktop_accept_move_view, model_admin),
            "desktop_accept_move",
            "<path:object_id>/desktop/accept-move/",
        ),
        view(partial(desktop_preview_view, model_admin), "desktop_preview", "<path:object_id>/desktop/preview-next/"),
    ]


__all__ = [
    "DesktopCredentialsForm",
    "EditionsForm",
    "desktop_section_context",
    "desktop_urls",
]
