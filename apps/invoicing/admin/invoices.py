"""
The invoice admin.

The list shows Paid / Overdue / Open totals above the rows and filters by payment state, date range, status and
division. The form edits the lines and payments and shows the totals live; the stored totals are recomputed by
``services.invoice_recalculate`` on every save. "Approve" and "Mark for sync" are actions with a confirmation
page, for one invoice (buttons on the form) or many (the list's action menu). Every status change goes through
``apps.invoicing.services``.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import quote, unquote
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import ngettext

from apps.accounting.models import TaxRate
from apps.core.admin_filters import DateRangeFilter
from apps.core.admin_utils import (
    DecimalInput,
    DivisionLabelsAdminMixin,
    FastChangeListMixin,
    IntegrationsAdminMixin,
    ReadOnlyDisplayMixin,
)
from apps.core.display import format_money, format_price, format_quantity
from apps.core.resources import ExportAdminMixin
from apps.invoicing import services
from apps.invoicing.admin.filters import PaymentStateFilter, TotalChangedFilter
from apps.invoicing.admin.notices import total_changed_flag, total_changed_notice
from apps.invoicing.models import STATUS_PARTS_SEPARATOR, Invoice, InvoiceLine, InvoiceStatus, Payment
from apps.invoicing.resources import HistoricalInvoiceResource, InvoiceResource
from apps.invoicing.selectors import InvoiceSummary, invoice_summary

__all__ = ["InvoiceAdmin", "format_money", "invoice_status_badge"]

# Statuses whose due date still matters: the list shows it under the status.
DUE_DATE_SHOWN = (InvoiceStatus.DRAFT, InvoiceStatus.APPROVED, InvoiceStatus.READY_FOR_SYNC, InvoiceStatus.UNPAID)


def invoice_status_badge(invoice: Invoice) -> str:
    """
    The status (``Invoice.status_parts``) as a coloured badge, red when overdue; a narrow column breaks it between its
    parts only.
    """
    key = "overdue" if invoice.is_overdue() else invoice.status
    parts = invoice.status_parts
    if len(parts) == 1:
        return format_html('<span class="invoice-status invoice-status--{}">{}</span>', key, parts[0])
    text = format_html_join(
        STATUS_PARTS_SEPARATOR, '<span class="invoice-status__part">{}</span>', ((part,) for part in parts)
    )
    return format_html('<span class="invoice-status invoice-status--{}">{}</span>', key, text)


def short_date(value) -> str:
    """A date as the lists show it: ``12/06/2026`` in the American locale."""
    return date_format(value, "SHORT_DATE_FORMAT") if value else ""


def summary_tiles(summary: InvoiceSummary) -> list[dict[str, str]]:
    """The tiles above the invoice list."""
    return [
        {"key": "paid", "label": "Paid", "amount": format_money(summary.paid)},
        {"key": "overdue", "label": "Overdue", "amount": format_money(summary.overdue)},
        {"key": "open", "label": "Open invoices", "amount": format_money(summary.open)},
    ]


@dataclass(frozen=True)
class StatusAction:
    """A status change offered as an admin action and as a button on the form, always confirmed first."""

    name: str
    title: str
    permission: str
    will_change: str
    done: tuple[str, str]
    none_done: str
    refusal: Callable[[Invoice], str | None]
    run: Callable[[HttpRequest, list[Invoice]], services.BulkResult]


APPROVE = StatusAction(
    name="approve",
    title="Approve invoices",
    permission="approve",
    will_change="These invoices will be approved:",
    done=("%(count)d invoice was approved.", "%(count)d invoices were approved."),
    none_done="No invoice was approved.",
    refusal=services.invoice_approve_refusal,
    run=lambda request, invoices: services.invoices_approve(invoices=invoices, user=request.user),
)
MARK_FOR_SYNC = StatusAction(
    name="mark_for_sync",
    title="Mark invoices for sync",
    permission="mark_for_sync",
    will_change="These invoices will be marked Ready for Sync and sent to QuickBooks at the next sync:",
    done=("%(count)d invoice is now Ready for Sync.", "%(count)d invoices are now Ready for Sync."),
    none_done="No invoice was marked for sync.",
    refusal=services.invoice_mark_for_sync_refusal,
    run=lambda request, invoices: services.invoices_mark_for_sync(invoices=invoices),
)
STATUS_ACTIONS = {action.name: action for action in (APPROVE, MARK_FOR_SYNC)}


def _is_locked(invoice: Invoice | None) -> bool:
    # A void invoice is final: saving it would recompute a balance it no longer owes.
    return invoice is not None and invoice.status == InvoiceStatus.VOID


class InvoiceLineInline(ReadOnlyDisplayMixin, DivisionLabelsAdminMixin, admin.TabularInline):
    model = InvoiceLine
    fields = ["item", "description", "quantity", "unit_price", "taxable", "line_amount"]
    readonly_fields = ["line_amount"]
    read_only_display = {"quantity": "quantity_shown", "unit_price": "unit_price_shown"}
    autocomplete_fields = ["item"]
    ordering = ["position", "id"]
    extra = 1

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # "1" and "12.50", not "1.0000" and "12.5000": the stored precision stays, the trailing zeros go.
        if db_field.name == "quantity":
            kwargs["widget"] = DecimalInput()
        elif db_field.name == "unit_price":
            kwargs["widget"] = DecimalInput(min_places=2)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # On a line, an item can be picked or added; editing or deleting items belongs on the item's own page.
        item = formset.form.base_fields.get("item")
        if item is not None and isinstance(item.widget, RelatedFieldWidgetWrapper):
            item.widget.can_change_related = item.widget.can_delete_related = item.widget.can_view_related = False
        return formset

    @admin.display(description="quantity")
    def quantity_shown(self, line: InvoiceLine) -> str:
        return format_quantity(line.quantity)

    @admin.display(description="unit price")
    def unit_price_shown(self, line: InvoiceLine) -> str:
        return format_price(line.unit_price)

    @admin.display(description="amount")
    def line_amount(self, line: InvoiceLine) -> str:
        # The marker lets invoice_totals.js show the amount of a line as it is edited.
        return format_html("<span data-line-amount>{}</span>", format_money(line.amount))

    def has_add_permission(self, request, obj=None) -> bool:
        return not _is_locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return not _is_locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return not _is_locked(obj) and super().has_delete_permission(request, obj)


class PaymentInline(admin.TabularInline):
    model = Payment
    fields = ["paid_on", "amount", "method", "reference"]
    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        # Payments follow the rules of services.payment_record: none on drafts and void invoices.
        if obj is None or services.payment_refusal(obj) is not None:
            return False
        return super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return not _is_locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return not _is_locked(obj) and super().has_delete_permission(request, obj)


@admin.register(Invoice)
class InvoiceAdmin(
    ExportAdminMixin, DivisionLabelsAdminMixin, IntegrationsAdminMixin, FastChangeListMixin, admin.ModelAdmin
):
    resource_classes = [InvoiceResource, HistoricalInvoiceResource]
    import_kind = "invoices"
    # Named, not found by convention: the export mixin puts its own list template first and extends this one.
    change_list_template = "admin/invoicing/invoice/change_list.html"
    # Fits a 1366 px screen beside the navigation and the filters, with room for one more narrow column: the
    # service location goes under the customer and the due date under the status. "division" only shows when
    # the company has several (DivisionLabelsAdminMixin).
    list_display = [
        "date_column", "number", "customer_column", "division", "total_amount", "balance_amount", "status_column",
        "total_changed",
    ]
    list_display_links = ["date_column", "number"]
    # Everything a row shows comes with the page's one query, however many rows there are.
    list_select_related = ["customer", "service_location", "division"]
    list_filter = [PaymentStateFilter, TotalChangedFilter, ("invoice_date", DateRangeFilter), "status", "division"]
    # Counting every filter choice would scan the whole table once per choice.
    show_facets = admin.ShowFacets.NEVER
    search_fields = ["number", "customer__display_name", "memo"]
    search_help_text = "Search by number, customer or memo."
    autocomplete_fields = ["customer", "service_location", "tax_rate", "payment_term"]
    actions = ["approve", "mark_for_sync"]
    inlines = [InvoiceLineInline, PaymentInline]
    readonly_fields = ["status_badge", "subtotal_amount", "tax_amount", "total_amount", "balance_amount", "notes_list"]
    fieldsets = [
        (None, {
            "fields": [
                "status_badge", "integrations", "number", "division", "customer", "service_location",
                "invoice_date", "payment_term", "due_date", "tax_rate", "memo",
            ],
        }),
        ("Totals", {
            "fields": ["subtotal_amount", "tax_amount", "total_amount", "balance_amount"],
            "description": "Updated as you edit the lines; recomputed from the saved lines and payments on save.",
        }),
        ("Notes", {"fields": ["notes_list"], "classes": ["collapse"]}),
    ]

    class Media:
        css = {"all": ["invoicing/invoice_admin.css"]}
        # After jquery.init.js: invoice_form.js uses django.jQuery.
        js = ["admin/js/jquery.init.js", "invoicing/invoice_totals.js", "invoicing/invoice_form.js"]

    # Columns and read-only fields.

    @admin.display(description="notes")
    def notes_list(self, invoice: Invoice) -> str:
        """What the sync had to say about the invoice (tax QuickBooks charged, a void there): read only."""
        notes = list(invoice.notes.all()[:20]) if invoice.pk else []
        if not notes:
            return "None."
        return format_html_join(
            "", "<p>{} ({}): {}</p>", ((f"{note.created_at:%Y-%m-%d %H:%M}", note.source, note.text) for note in notes)
        )

    @admin.display(description="status", ordering="status")
    def status_badge(self, invoice: Invoice) -> str:
        return invoice_status_badge(invoice)

    @admin.display(description="date", ordering="invoice_date")
    def date_column(self, invoice: Invoice) -> str:
        return short_date(invoice.invoice_date)

    @admin.display(description="customer", ordering="customer__display_name")
    def customer_column(self, invoice: Invoice) -> str:
        """The customer, and under it the service location's name (its full address on hover)."""
        location = invoice.service_location
        if location is None:
            return format_html("{}", invoice.customer)
        return format_html(
            '{}<span class="fo-muted invoice-location" title="{}">{}</span>', invoice.customer, location, location.name
        )

    @admin.display(description="status", ordering="status")
    def status_column(self, invoice: Invoice) -> str:
        """The status badge, and under it the due date while it still matters."""
        if invoice.status not in DUE_DATE_SHOWN or not invoice.due_date:
            return invoice_status_badge(invoice)
        badge = invoice_status_badge(invoice)
        return format_html('{}<span class="fo-muted invoice-due">due {}</span>', badge, short_date(invoice.due_date))

    @admin.display(description="total changed", empty_value="")
    def total_changed(self, invoice: Invoice) -> str:
        """A flag when QuickBooks charged another tax than FieldOffice computed (the figures on hover)."""
        return total_changed_flag(invoice)

    @admin.display(description="subtotal")
    def subtotal_amount(self, invoice: Invoice) -> str:
        return self._total_html("subtotal", invoice.subtotal)

    @admin.display(description="tax")
    def tax_amount(self, invoice: Invoice) -> str:
        return self._total_html("tax", invoice.tax)

    @admin.display(description="total", ordering="total")
    def total_amount(self, invoice: Invoice) -> str:
        return self._total_html("total", invoice.total)

    @admin.display(description="balance", ordering="balance")
    def balance_amount(self, invoice: Invoice) -> str:
        return self._total_html("balance", invoice.balance)

    @staticmethod
    def _total_html(name: str, value: Decimal) -> str:
        # The marker lets invoice_totals.js update the form's totals as the lines are edited.
        return format_html('<span data-invoice-total="{}">{}</span>', name, format_money(value))

    # The list.

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None)
        if context and "cl" in context:
            summary = invoice_summary(invoices=context["cl"].queryset)
            context["invoice_summary"] = summary
            context["invoice_tiles"] = summary_tiles(summary)
        return response

    # The form.

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        # Both are filled on save by services.invoice_fill_defaults.
        if "number" in form.base_fields:
            form.base_fields["number"].required = False
            form.base_fields["number"].help_text = "Unique within the division. Empty: the next free number."
        if "division" in form.base_fields:
            form.base_fields["division"].required = False
            form.base_fields["division"].help_text = "Empty: the customer's division."
        return form

    def has_change_permission(self, request, obj=None) -> bool:
        return not _is_locked(obj) and super().has_change_permission(request, obj)

    def save_model(self, request, obj: Invoice, form, change: bool) -> None:
        services.invoice_fill_defaults(invoice=obj)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        if formset.model is InvoiceLine:
            self._number_lines(formset)

    @staticmethod
    def _number_lines(formset) -> None:
        """Store the lines' order as shown: the saved lines first, in their order, then the added ones."""
        lines = [line_form.instance for line_form in formset.forms if line_form.instance.pk]
        renumbered = []
        for position, line in enumerate(lines, start=1):
            if line.position != position:
                line.position = position
                renumbered.append(line)
        InvoiceLine.objects.bulk_update(renumbered, ["position"])

    def save_related(self, request, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # The stored totals come from the saved lines and payments, never from what the page computed.
        services.invoice_recalculate(invoice=form.instance)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["invoice_totals_config"] = self._totals_config(obj)
        context["invoice_total_changed_notice"] = total_changed_notice(obj)
        context["invoice_status_buttons"] = self._status_buttons(request, obj) if obj else []
        return super().render_change_form(request, context, add, change, form_url, obj)

    @staticmethod
    def _totals_config(invoice: Invoice | None) -> dict:
        """What invoice_totals.js needs besides the form: tax percents by rate, the saved customer and payments."""
        tax_rates = TaxRate.objects.all()
        if invoice is not None and invoice.division_id:
            tax_rates = tax_rates.filter(division_id=invoice.division_id)
        return {
            "taxRates": {str(pk): str(percent) for pk, percent in tax_rates.values_list("pk", "percent")},
            "customerId": str(invoice.customer_id) if invoice and invoice.customer_id else None,
            "customerTaxable": invoice.customer.taxable if invoice and invoice.customer_id else True,
            "amountPaid": str(invoice.amount_paid) if invoice else "0",
        }

    def _status_buttons(self, request, invoice: Invoice) -> list[dict[str, str]]:
        # Shown where they apply; the services decide, and the confirmation page says why when they refuse.
        return [
            {"label": label, "url": self._object_url(action.name, invoice)}
            for label, action in (("Approve", APPROVE), ("Mark for sync", MARK_FOR_SYNC))
            if action.refusal(invoice) is None and getattr(self, f"has_{action.permission}_permission")(request)
        ]

    def _url_name(self, view: str) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_{view}"

    def _object_url(self, view: str, invoice: Invoice) -> str:
        return reverse(f"admin:{self._url_name(view)}", args=[quote(invoice.pk)], current_app=self.admin_site.name)

    # Status actions.

    def has_approve_permission(self, request, obj=None) -> bool:
        return request.user.has_perm(f"{self.opts.app_label}.approve_invoice")

    def has_mark_for_sync_permission(self, request, obj=None) -> bool:
        return request.user.has_perm(f"{self.opts.app_label}.mark_invoice_for_sync")

    @admin.action(description="Approve", permissions=["approve"])
    def approve(self, request, queryset):
        return self._status_action_from_list(request, queryset, APPROVE)

    @admin.action(description="Mark for sync", permissions=["mark_for_sync"])
    def mark_for_sync(self, request, queryset):
        return self._status_action_from_list(request, queryset, MARK_FOR_SYNC)

    def _status_action_from_list(self, request, queryset: QuerySet[Invoice], action: StatusAction):
        invoices = list(queryset.select_related("customer"))
        if request.POST.get("post") == "yes":
            self._run_status_action(request, invoices, action)
            # None: the admin goes back to the list, with its filters.
            return None
        hidden = [("action", action.name), ("post", "yes")]
        hidden += [(helpers.ACTION_CHECKBOX_NAME, str(invoice.pk)) for invoice in invoices]
        return self._confirmation(
            request, invoices, action, form_url=request.get_full_path(), back_url=request.get_full_path(),
            hidden=hidden,
        )

    def get_urls(self):
        urls = [
            path(
                f"<path:object_id>/{name.replace('_', '-')}/",
                self.admin_site.admin_view(self.status_action_view),
                {"action_name": name},
                name=self._url_name(name),
            )
            for name in STATUS_ACTIONS
        ]
        return urls + super().get_urls()

    def status_action_view(self, request: HttpRequest, object_id: str, action_name: str) -> HttpResponse:
        """The confirmation page of one invoice's "Approve" or "Mark for sync" button, and its "Yes"."""
        action = STATUS_ACTIONS[action_name]
        if not getattr(self, f"has_{action.permission}_permission")(request):
            raise PermissionDenied
        invoice = self.get_object(request, unquote(object_id))
        if invoice is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        change_url = self._object_url("change", invoice)
        if request.method == "POST" and request.POST.get("post") == "yes":
            self._run_status_action(request, [invoice], action)
            return HttpResponseRedirect(change_url)
        return self._confirmation(
            request, [invoice], action, form_url=request.path, back_url=change_url, hidden=[("post", "yes")]
        )

    def _run_status_action(self, request, invoices: list[Invoice], action: StatusAction) -> None:
        result = action.run(request, invoices)
        for invoice in result.changed:
            self.log_change(request, invoice, [{"changed": {"fields": ["status"]}}])
        if result.changed:
            singular, plural = action.done
            count = len(result.changed)
            self.message_user(request, ngettext(singular, plural, count) % {"count": count}, messages.SUCCESS)
        else:
            self.message_user(request, action.none_done, messages.WARNING)
        for _invoice, reason in result.skipped:
            self.message_user(request, reason, messages.WARNING)

    @staticmethod
    def _preview(invoices: Iterable[Invoice], action: StatusAction) -> services.BulkResult:
        """What ``action`` would do, by the services' own refusal rules; nothing is written."""
        preview = services.BulkResult()
        for invoice in invoices:
            if refusal := action.refusal(invoice):
                preview.skipped.append((invoice, refusal))
            else:
                preview.changed.append(invoice)
        return preview

    def _confirmation(
        self, request, invoices: list[Invoice], action: StatusAction, *, form_url: str, back_url: str,
        hidden: list[tuple[str, str]],
    ) -> TemplateResponse:
        preview = self._preview(invoices, action)
        by_pk = {invoice.pk: invoice for invoice in invoices}
        context = {
            **self.admin_site.each_context(request),
            "title": action.title,
            "subtitle": None,
            "opts": self.opts,
            "action": action,
            "will_change": [self._confirmation_row(by_pk[invoice.pk]) for invoice in preview.changed],
            "will_not_change": [
                {**self._confirmation_row(by_pk[invoice.pk]), "reason": reason} for invoice, reason in preview.skipped
            ],
            "form_url": form_url,
            "back_url": back_url,
            "hidden_fields": hidden,
            "media": self.media,
            "verbose_name_plural": capfirst(self.opts.verbose_name_plural),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/invoicing/invoice/status_action_confirmation.html", context)

    @staticmethod
    def _confirmation_row(invoice: Invoice) -> dict:
        return {
            "invoice": invoice,
            "status": invoice_status_badge(invoice),
            "total": format_money(invoice.total),
            "balance": format_money(invoice.balance),
        }
