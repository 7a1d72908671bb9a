"""
Vendors and receiving orders. A receiving order's lines are written on its page; goods come in with the Receive
button (a quantity per line, partial receipts allowed), which adds receipt movements to the items' stock.
"""

from django.contrib import admin
from django.db import transaction

from apps.core.admin_utils import (
    DivisionLabelsAdminMixin,
    FastChangeListMixin,
    IntegrationNotesAdminMixin,
    IntegrationsAdminMixin,
)
from apps.core.display import format_money, format_price, format_quantity
from apps.core.document_admin import DocumentActionsAdminMixin, DocumentLineInline, ObjectAction
from apps.core.documents import next_number
from apps.purchasing import services
from apps.purchasing.models import ReceivingOrder, ReceivingOrderLine, ReceivingOrderStatus, Vendor


@admin.register(Vendor)
class VendorAdmin(
    IntegrationNotesAdminMixin, DivisionLabelsAdminMixin, IntegrationsAdminMixin, FastChangeListMixin, admin.ModelAdmin
):
    list_display = ["display_name", "company_name", "contact_name", "email", "phone", "billing_city", "division",
                    "active"]
    list_filter = ["active", "division"]
    list_select_related = ["division"]
    search_fields = ["display_name", "company_name", "first_name", "last_name", "email", "phone", "billing_city"]
    fieldsets = [
        (None, {"fields": ["division", "display_name", "company_name", "active", "integrations"]}),
        ("Contact", {"fields": ["first_name", "last_name", "email", "phone"]}),
        (
            "Billing address",
            {
                "fields": [
                    "billing_street", "billing_street2", "billing_city", "billing_state", "billing_postal_code",
                    "billing_country",
                ]
            },
        ),
    ]

    @admin.display(description="contact", ordering="last_name")
    def contact_name(self, vendor: Vendor) -> str:
        return vendor.contact

    def save_model(self, request, obj: Vendor, form, change: bool) -> None:
        obj.clean()
        super().save_model(request, obj, form, change)


class ReceivingOrderLineInline(DocumentLineInline):
    model = ReceivingOrderLine
    lines = services.LINES
    fields = ["item", "description", "quantity_ordered", "unit_cost", "received", "line_amount"]
    readonly_fields = ["received", "line_amount"]

    @admin.display(description="received")
    def received(self, line: ReceivingOrderLine) -> str:
        return self.done_shown(line)


def _receive(request, order: ReceivingOrder, quantities) -> str:
    order = services.receiving_order_receive(order=order, quantities=quantities)
    return f"Goods received on {order}; it is now {order.get_status_display().lower()}."


def _close(request, order: ReceivingOrder, quantities) -> str:
    services.receiving_order_close(order=order)
    return f"{order} is closed: nothing more is expected on it."


def _receive_refusal(order: ReceivingOrder) -> str | None:
    if order.status == ReceivingOrderStatus.CLOSED:
        return f"{order} is closed; nothing can be received on it."
    if order.status == ReceivingOrderStatus.RECEIVED:
        return f"Everything ordered on {order} has been received."
    if not order.lines.exists():
        return f"{order} has no lines yet."
    return None


RECEIVE = ObjectAction(
    name="receive",
    label="Receive",
    permission="purchasing.receive_receivingorder",
    refusal=_receive_refusal,
    run=_receive,
    title="Receive goods on {document}",
    explanation="Enter what came in on each line; a partial receipt leaves the rest expected. Stocked items go into "
    "stock at once.",
    asks_quantities=True,
    lines=lambda order: list(order.lines.select_related("item")),
    line_columns=lambda line: [
        ("Line", str(line.position)),
        ("Item", line.item.name),
        ("Ordered", format_quantity(line.quantity_ordered)),
        ("Received so far", format_quantity(line.quantity_received)),
        ("Unit cost", format_price(line.unit_cost)),
    ],
    line_default=lambda line: line.quantity_outstanding,
    refusal_errors=(services.ReceivingOrderStatusError,),
)
CLOSE = ObjectAction(
    name="close",
    label="Close",
    permission="purchasing.close_receivingorder",
    refusal=lambda order: f"{order} is already closed." if order.status == ReceivingOrderStatus.CLOSED else None,
    run=_close,
    title="Close {document}?",
    explanation="Nothing more will be expected on this order; what was received stays in stock.",
)


@admin.register(ReceivingOrder)
class ReceivingOrderAdmin(
    DocumentActionsAdminMixin, IntegrationNotesAdminMixin, DivisionLabelsAdminMixin, IntegrationsAdminMixin,
    FastChangeListMixin, admin.ModelAdmin,
):
    object_actions = (RECEIVE, CLOSE)
    inlines = [ReceivingOrderLineInline]
    list_display = ["number", "vendor", "order_date", "expected_date", "status", "total_amount", "division"]
    list_filter = ["status", "division", "order_date"]
    list_select_related = ["vendor", "division"]
    search_fields = ["number", "vendor__display_name", "memo"]
    autocomplete_fields = ["vendor"]
    readonly_fields = ["status", "total_amount"]
    fieldsets = [
        (None, {"fields": ["division", "vendor", "number", "order_date", "expected_date", "memo", "integrations"]}),
        ("Status", {"fields": ["status", "total_amount"]}),
    ]

    @admin.display(description="total", ordering="total")
    def total_amount(self, order: ReceivingOrder) -> str:
        return format_money(order.total)

    def has_change_permission(self, request, obj=None) -> bool:
        # A closed order is kept as it was.
        closed = obj is not None and obj.status == ReceivingOrderStatus.CLOSED
        return not closed and super().has_change_permission(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        for name, help_text in (("number", "Unique within the division. Empty: the next free number."),
                                ("division", "Empty: the vendor's division.")):
            if name in form.base_fields:
                form.base_fields[name].required = False
                form.base_fields[name].help_text = help_text
        return form

    def save_model(self, request, obj: ReceivingOrder, form, change: bool) -> None:
        with transaction.atomic():
            if not obj.division_id and obj.vendor_id:
                obj.division_id = obj.vendor.division_id
            if not obj.number:
                obj.number = next_number(model=ReceivingOrder, division_id=obj.division_id)
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        services.receiving_order_lines_refresh(order=form.instance)
