"""
Picking orders (Pick, Create invoice, Cancel) and inventory adjustments (Mark ready). The buttons call the services,
which move the stock and refuse in plain words (more picked than on hand, stock going below zero).
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils.translation import ngettext

from apps.core.admin_utils import (
    DecimalInput,
    DivisionLabelsAdminMixin,
    FastChangeListMixin,
    IntegrationNotesAdminMixin,
    IntegrationsAdminMixin,
)
from apps.core.display import format_money, format_quantity
from apps.core.document_admin import DocumentActionsAdminMixin, DocumentLineInline, ObjectAction
from apps.core.documents import next_number
from apps.inventory import services
from apps.inventory.models import (
    AdjustmentStatus,
    InventoryAdjustment,
    InventoryAdjustmentLine,
    PickingOrder,
    PickingOrderLine,
    PickingOrderStatus,
)
from apps.inventory.services import picking


class PickingOrderLineInline(DocumentLineInline):
    model = PickingOrderLine
    lines = picking.LINES
    fields = ["item", "description", "quantity", "unit_price", "picked", "line_amount"]
    readonly_fields = ["picked", "line_amount"]

    @admin.display(description="picked")
    def picked(self, line: PickingOrderLine) -> str:
        return self.done_shown(line)


def _pick_refusal(order: PickingOrder) -> str | None:
    if order.status != PickingOrderStatus.OPEN:
        return f"{order} is {order.get_status_display().lower()}; nothing is left to pick."
    if not order.lines.exists():
        return f"{order} has no lines yet."
    return None


def _pick(request, order: PickingOrder, quantities) -> str:
    order = services.picking_order_pick(order=order, quantities=quantities)
    return f"Picked on {order}; it is now {order.get_status_display().lower()}."


def _invoice(request, order: PickingOrder, quantities) -> str:
    invoice = services.picking_order_invoice(order=order)
    return f"{invoice} was created as a draft from {order}, which is now closed."


def _cancel_refusal(order: PickingOrder) -> str | None:
    if order.status in (PickingOrderStatus.CLOSED, PickingOrderStatus.CANCELLED):
        return f"{order} is already {order.get_status_display().lower()}."
    return None


def _cancel(request, order: PickingOrder, quantities) -> str:
    services.picking_order_cancel(order=order)
    return f"{order} is cancelled."


PICK = ObjectAction(
    name="pick",
    label="Pick",
    permission="inventory.pick_pickingorder",
    refusal=_pick_refusal,
    run=_pick,
    title="Pick {document}",
    explanation="Enter what was taken from stock on each line; stocked items leave stock at once. More than is on "
    "hand cannot be picked.",
    asks_quantities=True,
    lines=lambda order: list(order.lines.select_related("item")),
    line_columns=lambda line: [
        ("Line", str(line.position)),
        ("Item", line.item.name),
        ("Asked for", format_quantity(line.quantity)),
        ("Picked so far", format_quantity(line.quantity_picked)),
        ("On hand", format_quantity(line.item.quantity_on_hand) if line.item.is_stocked else "—"),
    ],
    line_default=lambda line: line.quantity_outstanding,
    refusal_errors=(services.PickingOrderStatusError,),
)
CREATE_INVOICE = ObjectAction(
    name="invoice",
    label="Create invoice",
    permission="inventory.invoice_pickingorder",
    refusal=services.picking_order_invoice_refusal,
    run=_invoice,
    title="Create an invoice from {document}?",
    explanation="A draft invoice is made of what was picked, at the order's prices, for its customer and service "
    "location; the order is then closed.",
    next_url=lambda order: reverse("admin:invoicing_invoice_change", args=[order.invoice_id]),
    refusal_errors=(services.PickingOrderStatusError,),
)
CANCEL = ObjectAction(
    name="cancel",
    label="Cancel order",
    permission="inventory.cancel_pickingorder",
    refusal=_cancel_refusal,
    run=_cancel,
    title="Cancel {document}?",
    explanation="The order is kept, marked cancelled; nothing more can be picked on it.",
    refusal_errors=(services.PickingOrderStatusError,),
)


@admin.register(PickingOrder)
class PickingOrderAdmin(
    DocumentActionsAdminMixin, IntegrationNotesAdminMixin, DivisionLabelsAdminMixin, IntegrationsAdminMixin,
    FastChangeListMixin, admin.ModelAdmin,
):
    object_actions = (PICK, CREATE_INVOICE, CANCEL)
    inlines = [PickingOrderLineInline]
    list_display = ["number", "customer", "service_location", "order_date", "status", "total_amount", "division"]
    list_filter = ["status", "division", "order_date"]
    list_select_related = ["customer", "service_location", "division"]
    search_fields = ["number", "customer__display_name", "service_location__name", "memo"]
    autocomplete_fields = ["customer", "service_location"]
    readonly_fields = ["status", "total_amount", "invoice"]
    fieldsets = [
        (None, {"fields": ["division", "customer", "service_location", "number", "order_date", "memo",
                           "integrations"]}),
        ("Status", {"fields": ["status", "total_amount", "invoice"]}),
    ]

    @admin.display(description="total", ordering="total")
    def total_amount(self, order: PickingOrder) -> str:
        return format_money(order.total)

    def has_change_permission(self, request, obj=None) -> bool:
        finished = obj is not None and obj.status in (PickingOrderStatus.CLOSED, PickingOrderStatus.CANCELLED)
        return not finished and super().has_change_permission(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        for name, help_text in (("number", "Unique within the division. Empty: the next free number."),
                                ("division", "Empty: the customer's division.")):
            if name in form.base_fields:
                form.base_fields[name].required = False
                form.base_fields[name].help_text = help_text
        return form

    def save_model(self, request, obj: PickingOrder, form, change: bool) -> None:
        with transaction.atomic():
            if not obj.division_id and obj.customer_id:
                obj.division_id = obj.customer.division_id
            if not obj.number:
                obj.number = next_number(model=PickingOrder, division_id=obj.division_id)
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        services.picking_order_lines_refresh(order=form.instance)


class InventoryAdjustmentLineInline(admin.TabularInline):
    model = InventoryAdjustmentLine
    fields = ["item", "quantity_change", "on_hand"]
    readonly_fields = ["on_hand"]
    autocomplete_fields = ["item"]
    extra = 1

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "quantity_change":
            kwargs["widget"] = DecimalInput()
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description="on hand now")
    def on_hand(self, line: InventoryAdjustmentLine) -> str:
        return format_quantity(line.item.quantity_on_hand) if line.pk else ""


def _mark_ready(request, adjustment: InventoryAdjustment, quantities) -> str:
    services.adjustment_mark_ready(adjustment=adjustment, user=request.user)
    return f"{adjustment} is ready: the stock has moved, and it will be exported at the next sync."


MARK_READY = ObjectAction(
    name="mark_ready",
    label="Mark ready",
    permission="inventory.mark_ready_inventoryadjustment",
    refusal=services.adjustment_mark_ready_refusal,
    run=_mark_ready,
    title="Mark {document} ready?",
    explanation="The quantities on hand change now by the lines' amounts, and the adjustment can no longer be "
    "edited. It is exported to QuickBooks once, at the next sync of inventory adjustments.",
    refusal_errors=(services.AdjustmentStatusError,),
)


@admin.register(InventoryAdjustment)
class InventoryAdjustmentAdmin(
    DocumentActionsAdminMixin, IntegrationNotesAdminMixin, DivisionLabelsAdminMixin, IntegrationsAdminMixin,
    FastChangeListMixin, admin.ModelAdmin,
):
    object_actions = (MARK_READY,)
    actions = ["mark_ready"]
    inlines = [InventoryAdjustmentLineInline]
    list_display = ["number", "adjustment_date", "reason", "status", "line_count", "exported_at", "division"]
    list_filter = ["status", "reason", "division", "adjustment_date"]
    list_select_related = ["division"]
    search_fields = ["number", "memo", "lines__item__name"]
    readonly_fields = ["status", "marked_ready_at", "marked_ready_by", "exported_at"]
    fieldsets = [
        (None, {"fields": ["division", "number", "adjustment_date", "reason", "memo", "integrations"]}),
        ("Status", {"fields": ["status", "marked_ready_at", "marked_ready_by", "exported_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(lines_counted=Count("lines"))

    @admin.display(description="lines", ordering="lines_counted")
    def line_count(self, adjustment: InventoryAdjustment) -> int:
        return adjustment.lines_counted

    def has_change_permission(self, request, obj=None) -> bool:
        # Marked ready, an adjustment has moved the stock: it is kept as it was.
        moved = obj is not None and obj.status != AdjustmentStatus.DRAFT
        return not moved and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        moved = obj is not None and obj.status != AdjustmentStatus.DRAFT
        return not moved and super().has_delete_permission(request, obj)

    def has_mark_ready_permission(self, request, obj=None) -> bool:
        return request.user.has_perm(MARK_READY.permission)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if "number" in form.base_fields:
            form.base_fields["number"].required = False
            form.base_fields["number"].help_text = "Unique within the division. Empty: the next free number."
        return form

    def save_model(self, request, obj: InventoryAdjustment, form, change: bool) -> None:
        with transaction.atomic():
            if not obj.number:
                obj.number = next_number(model=InventoryAdjustment, division_id=obj.division_id)
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        services.adjustment_lines_number(adjustment=form.instance)

    @admin.action(description="Mark ready (moves the stock)", permissions=["mark_ready"])
    def mark_ready(self, request, queryset):
        done = 0
        for adjustment in queryset.order_by("adjustment_date", "pk"):
            try:
                services.adjustment_mark_ready(adjustment=adjustment, user=request.user)
            except (ValidationError, services.AdjustmentStatusError) as error:
                reasons = error.messages if isinstance(error, ValidationError) else [str(error)]
                self.message_user(request, f"{adjustment}: {' '.join(reasons)}", messages.WARNING)
            else:
                done += 1
        if done:
            message = ngettext("%(count)d adjustment is ready.", "%(count)d adjustments are ready.", done)
            self.message_user(request, message % {"count": done}, messages.SUCCESS)
