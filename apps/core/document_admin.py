"""
The buttons of a document's page (Receive, Pick, Mark ready, Create invoice) and the pages behind them.

A button is an ``ObjectAction``: shown where the user has its permission and the service would not refuse it. A
"quantities" action asks a quantity per line (what was received, what was picked); a "confirm" action asks yes or
no. Either calls the service, shows its refusal in plain words on the same page, and leaves everything unwritten
when it refuses.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from apps.core.admin_utils import DecimalInput
from apps.core.display import format_money, format_quantity
from apps.core.lines import DocumentLines

# What a "quantities" action shows of a line: (label, value) pairs, and the quantity offered by default.
LineColumns = Callable[[models.Model], list[tuple[str, str]]]


@dataclass(frozen=True)
class ObjectAction:
    """
    One button of a document. ``run(request, document, quantities)`` calls the service and answers the message to
    show, or raises the service's refusal; ``next_url`` may send the user elsewhere afterwards (the new invoice).
    """

    name: str
    label: str
    permission: str
    refusal: Callable[[Any], str | None]
    run: Callable[[HttpRequest, Any, Mapping[int, Decimal] | None], str]
    title: str
    explanation: str = ""
    asks_quantities: bool = False
    lines: Callable[[Any], list[models.Model]] | None = None
    line_columns: LineColumns | None = None
    line_default: Callable[[models.Model], Decimal] | None = None
    next_url: Callable[[Any], str] | None = None
    refusal_errors: tuple[type[Exception], ...] = ()


class DocumentActionsAdminMixin:
    """Adds ``object_actions`` to a ModelAdmin: buttons on the change form and one page each."""

    object_actions: tuple[ObjectAction, ...] = ()
    change_form_template = "admin/core/document/change_form.html"

    def get_urls(self):
        urls = [
            path(
                f"<path:object_id>/{action.name.replace('_', '-')}/",
                self.admin_site.admin_view(self.object_action_view),
                {"action_name": action.name},
                name=self._action_url_name(action.name),
            )
            for action in self.object_actions
        ]
        return urls + super().get_urls()

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["document_buttons"] = self.document_buttons(request, obj) if obj is not None else []
        return super().render_change_form(request, context, add, change, form_url, obj)

    def document_buttons(self, request: HttpRequest, obj: models.Model) -> list[dict[str, str]]:
        return [
            {"name": action.name, "label": action.label, "url": self._action_url(action.name, obj)}
            for action in self.object_actions
            if request.user.has_perm(action.permission) and action.refusal(obj) is None
        ]

    def object_action_view(self, request: HttpRequest, object_id: str, action_name: str) -> HttpResponse:
        action = next(action for action in self.object_actions if action.name == action_name)
        if not request.user.has_perm(action.permission):
            raise PermissionDenied
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        change_url = self._action_url("change", obj)
        errors: list[str] = []
        entered: dict[int, str] = {}
        if request.method == "POST":
            quantities = None
            if action.asks_quantities:
                quantities, entered, errors = _quantities_read(request, action.lines(obj))
            if not errors:
                try:
                    message = action.run(request, obj, quantities)
                except ValidationError as error:
                    errors = error.messages
                except action.refusal_errors as error:
                    errors = [str(error)]
                else:
                    # The history says what was done, in the words the page said it.
                    self.log_change(request, obj, message)
                    self.message_user(request, message, messages.SUCCESS)
                    # The service saved its own copy: what the next page needs (the new invoice) is read again.
                    obj.refresh_from_db()
                    return HttpResponseRedirect(action.next_url(obj) if action.next_url else change_url)
        return self._action_page(request, obj, action, errors=errors, entered=entered, back_url=change_url)

    def _action_page(
        self,
        request: HttpRequest,
        obj: models.Model,
        action: ObjectAction,
        *,
        errors: list[str],
        entered: dict[int, str],
        back_url: str,
    ) -> TemplateResponse:
        rows = []
        if action.asks_quantities:
            for line in action.lines(obj):
                default = action.line_default(line)
                rows.append(
                    {
                        "id": line.pk,
                        "columns": action.line_columns(line),
                        "value": entered.get(line.pk, format_quantity(default) if default else "0"),
                    }
                )
        context = {
            **self.admin_site.each_context(request),
            "title": action.title.format(document=obj),
            "subtitle": None,
            "opts": self.opts,
            "document": obj,
            "action": action,
            "refusal": action.refusal(obj),
            "errors": errors,
            "rows": rows,
            "headers": [label for label, _ in action.line_columns(action.lines(obj)[0])] if rows else [],
            "back_url": back_url,
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/core/document/action.html", context)

    def _action_url_name(self, view: str) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_{view}"

    def _action_url(self, view: str, obj: models.Model) -> str:
        return reverse(f"admin:{self._action_url_name(view)}", args=[quote(obj.pk)], current_app=self.admin_site.name)


def _quantities_read(
    request: HttpRequest, lines: list[models.Model]
) -> tuple[dict[int, Decimal], dict[int, str], list[str]]:
    """The quantity typed for each line (blank is zero), what was typed, and a message per number not understood."""
    quantities: dict[int, Decimal] = {}
    entered: dict[int, str] = {}
    errors: list[str] = []
    for line in lines:
        raw = request.POST.get(f"quantity-{line.pk}", "").strip().replace(",", "")
        entered[line.pk] = raw
        try:
            value = Decimal(raw or "0")
        except InvalidOperation:
            errors.append(f"Line {line.position}: “{raw[:40]}” is not a number.")
            continue
        if not value.is_finite() or abs(value) >= Decimal("1e10"):
            errors.append(f"Line {line.position}: “{raw[:40]}” is not a quantity.")
            continue
        quantities[line.pk] = value.quantize(Decimal("0.0001"))
    return quantities, entered, errors


class DocumentLinesFormSet(forms.BaseInlineFormSet):
    """An order's lines on its page: a line with goods received or picked on it cannot be removed (``lines``)."""

    lines: DocumentLines

    def clean(self) -> None:
        super().clean()
        for form in self.deleted_forms:
            if form.instance.pk and (refusal := self.lines.removal_refusal(form.instance)):
                raise ValidationError(refusal)


class DocumentLineInline(admin.TabularInline):
    """
    The lines of an order (``lines``): the item found by typing, numbers without trailing zeros, the quantity done
    and the amount read-only (the services write them).
    """

    lines: DocumentLines
    autocomplete_fields = ["item"]
    extra = 1

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["formset"] = type("LinesFormSet", (DocumentLinesFormSet,), {"lines": self.lines})
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in (self.lines.quantity, self.lines.price):
            kwargs["widget"] = DecimalInput()
        if db_field.name == "description":
            kwargs["widget"] = forms.TextInput(attrs={"size": 40})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description="amount")
    def line_amount(self, line: models.Model) -> str:
        return format_money(line.amount) if line.pk else ""

    def done_shown(self, line: models.Model) -> str:
        return format_quantity(getattr(line, self.lines.done)) if line.pk else ""
