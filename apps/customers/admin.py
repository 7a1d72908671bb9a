from dataclasses import dataclass

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html

from apps.core.admin_filters import DateRangeFilter, DivisionLabelledRelatedFilter
from apps.core.admin_utils import (
    DivisionLabelsAdminMixin,
    FastChangeListMixin,
    IntegrationNotesAdminMixin,
    IntegrationsAdminMixin,
)
from apps.core.display import format_percent
from apps.core.resources import ExportAdminMixin
from apps.customers.downloads import stored_file_response
from apps.customers.filetypes import file_type_of
from apps.customers.models import Contact, Customer, CustomerAttachment, CustomerNote, ServiceLocation
from apps.customers.resources import (
    CustomerAttachmentResource,
    CustomerNoteResource,
    CustomerResource,
    ServiceLocationResource,
)

ATTACHMENT_FILE_URL = "admin:customers_customerattachment_file"
# How much of a note the list of notes shows; its page shows all of it.
NOTE_SHOWN_LENGTH = 120


class ServiceLocationInline(admin.TabularInline):
    model = ServiceLocation
    extra = 0
    fields = ["name", "street", "street2", "city", "state", "postal_code", "country", "active"]


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["name", "role", "phone", "email", "is_primary"]


class CustomerNoteInline(admin.TabularInline):
    model = CustomerNote
    extra = 0
    fields = ["noted_on", "author", "text"]
    # A note is a line or two; the default ten-row box makes a page of notes ten times as long.
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 60})}}


@dataclass(frozen=True)
class _CurrentFile:
    """What the file input shows as "Currently": the original name, linked to the guarded download."""

    url: str
    name: str

    def __str__(self) -> str:
        return self.name


class AttachmentFileInput(AdminFileWidget):
    """The admin's file input, whose "Currently" link goes to the download view, never to the stored file's URL."""

    current: _CurrentFile | None = None

    def is_initial(self, value) -> bool:
        return bool(value) and self.current is not None

    def format_value(self, value):
        return self.current if self.is_initial(value) else None


class CustomerAttachmentForm(forms.ModelForm):
    class Meta:
        model = CustomerAttachment
        fields = ["title", "file", "attached_on"]
        widgets = {"file": AttachmentFileInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.file:
            url = reverse(ATTACHMENT_FILE_URL, args=[self.instance.pk])
            self.fields["file"].widget.current = _CurrentFile(url=url, name=self.instance.file_name)


class CustomerAttachmentInline(admin.TabularInline):
    model = CustomerAttachment
    form = CustomerAttachmentForm
    extra = 0
    fields = ["title", "file", "attached_on", "file_name"]
    readonly_fields = ["file_name"]


def note_author_set(note: CustomerNote, request: HttpRequest) -> None:
    """A note written in the admin remembers who wrote it (and is signed by them, unless it names an author)."""
    if note.created_by_id is None:
        note.created_by = request.user
        note.author = note.author or str(request.user)


@admin.register(Customer)
class CustomerAdmin(
    ExportAdminMixin,
    IntegrationNotesAdminMixin,
    DivisionLabelsAdminMixin,
    IntegrationsAdminMixin,
    FastChangeListMixin,
    admin.ModelAdmin,
):
    resource_classes = [CustomerResource]
    import_kind = "customers"
    # Fits a 1366 px screen beside the navigation and the filters: phone and email share a column, and the tax
    # column says "Not taxable" rather than taking a column of its own. "division" shows only with several.
    list_display = ["display_name", "number_column", "division", "contact", "billing_city", "tax_column", "active"]
    list_filter = [
        "active",
        "taxable",
        "division",
        ("tax_rate", DivisionLabelledRelatedFilter),
        ("payment_term", DivisionLabelledRelatedFilter),
    ]
    list_select_related = ["tax_rate", "division"]
    search_fields = ["display_name", "number", "company_name", "first_name", "last_name", "email", "phone"]
    autocomplete_fields = ["tax_rate", "payment_term"]
    inlines = [ServiceLocationInline, ContactInline, CustomerNoteInline, CustomerAttachmentInline]
    fieldsets = [
        (None, {"fields": ["division", "display_name", "number", "active", "integrations"]}),
        ("Name", {"fields": ["company_name", "first_name", "last_name"]}),
        ("Contact", {"fields": ["phone", "email"]}),
        (
            "Billing address",
            {
                "fields": [
                    "billing_street",
                    "billing_street2",
                    "billing_city",
                    "billing_state",
                    "billing_postal_code",
                    "billing_country",
                ]
            },
        ),
        ("Tax and terms", {"fields": ["taxable", "tax_rate", "payment_term"]}),
    ]

    @admin.display(description="number", ordering="number")
    def number_column(self, customer: Customer) -> str:
        return customer.number

    @admin.display(description="phone and email", ordering="email")
    def contact(self, customer: Customer) -> str:
        # A long address may break after its "@", never inside a name.
        local, at, domain = customer.email.partition("@")
        email = format_html("{}{}<wbr>{}", local, at, domain)
        return format_html('<span class="fo-nowrap">{}</span><span class="fo-muted">{}</span>', customer.phone, email)

    @admin.display(description="tax", ordering="tax_rate__name")
    def tax_column(self, customer: Customer) -> str:
        if not customer.taxable:
            return "Not taxable"
        rate = customer.tax_rate
        return f"{rate.name} ({format_percent(rate.percent)})" if rate is not None else "—"

    def get_urls(self):
        file_view = path(
            "attachments/<int:attachment_id>/file/",
            self.admin_site.admin_view(self.attachment_file_view),
            name="customers_customerattachment_file",
        )
        return [file_view, *super().get_urls()]

    def attachment_file_view(self, request: HttpRequest, attachment_id: int) -> HttpResponse:
        """
        Hand out an attachment to whoever may see its customer: the only way to reach an attachment's file.

        Web pages, SVG pictures and scripts stored before they were refused are handed out as plain bytes, downloaded.
        """
        attachment = get_object_or_404(CustomerAttachment.objects.select_related("customer"), pk=attachment_id)
        if not self.has_view_permission(request, attachment.customer):
            raise PermissionDenied
        if not attachment.file or not attachment.file.storage.exists(attachment.file.name):
            raise Http404("The file is missing.")
        with attachment.file.open("rb") as stored:
            file_type = file_type_of(stored, file_name=attachment.file_name)
        return stored_file_response(file=attachment.file, file_name=attachment.file_name, file_type=file_type)

    def save_formset(self, request, form, formset, change) -> None:
        # Notes written in the admin remember who wrote them.
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, CustomerNote):
                note_author_set(instance, request)
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


@admin.register(ServiceLocation)
class ServiceLocationAdmin(
    ExportAdminMixin, DivisionLabelsAdminMixin, IntegrationsAdminMixin, FastChangeListMixin, admin.ModelAdmin
):
    resource_classes = [ServiceLocationResource]
    list_display = ["name", "customer", "division", "street", "place", "active"]
    list_filter = ["active", "state", ("customer__division", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["customer"]
    search_fields = ["name", "street", "city", "customer__display_name"]
    autocomplete_fields = ["customer"]

    def get_queryset(self, request):
        # Annotated rather than joined: the export narrows the query to its columns with only(), which refuses a
        # deferred relation that select_related() follows.
        return super().get_queryset(request).annotate(division_name=F("customer__division__name"))

    @admin.display(description="division", ordering="division_name")
    def division(self, location: ServiceLocation) -> str:
        return location.division_name

    @admin.display(description="city", ordering="city")
    def place(self, location: ServiceLocation) -> str:
        """ "Mesa, AZ 85201": city, state and postal code in one column."""
        city_state = ", ".join(part for part in (location.city, location.state) if part)
        return " ".join(part for part in (city_state, location.postal_code) if part)

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # The invoice form's location picker sends the chosen customer: offer only that customer's locations.
        customer = request.GET.get("customer", "")
        if request.GET.get("field_name") == "service_location" and customer.isdigit():
            queryset = queryset.filter(customer_id=customer)
        return queryset, may_have_duplicates


class NoteCustomerFilter(admin.SimpleListFilter):
    """
    The customer whose notes are listed. Its choices are the customers with notes while they are few enough to
    list; beyond that only the customer chosen is shown (search finds a customer's notes by its name or number).
    """

    title = "customer"
    parameter_name = "customer"
    most_listed = 30
    # The customer's records the list shows (their related name).
    records = "notes"

    def lookups(self, request, model_admin):
        having = Customer.objects.filter(**{f"{self.records}__isnull": False}).distinct().order_by("display_name", "pk")
        listed = list(having.values_list("pk", "display_name")[: self.most_listed + 1])
        if len(listed) <= self.most_listed:
            return [(str(pk), name) for pk, name in listed]
        chosen = Customer.objects.filter(pk=self.value()).values_list("pk", "display_name") if self.value() else []
        return [(str(pk), name) for pk, name in chosen]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not value.isdigit():
            return queryset.none()
        return queryset.filter(customer_id=int(value))


@admin.register(CustomerNote)
class CustomerNoteAdmin(ExportAdminMixin, DivisionLabelsAdminMixin, FastChangeListMixin, admin.ModelAdmin):
    """Every customer's notes in one list: searched, filtered by customer, date and division, and exported."""

    resource_classes = [CustomerNoteResource]
    import_kind = "customer_notes"
    list_display = ["noted_on", "customer", "division", "author", "short_text"]
    list_display_links = ["noted_on", "short_text"]
    list_filter = [
        ("noted_on", DateRangeFilter),
        NoteCustomerFilter,
        ("customer__division", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["customer"]
    search_fields = ["text", "author", "customer__display_name", "customer__number"]
    autocomplete_fields = ["customer"]
    fields = ["customer", "noted_on", "author", "text", "created_by"]
    readonly_fields = ["created_by"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 4, "cols": 80})}}

    def get_queryset(self, request):
        # Annotated rather than joined, as for service locations: the export narrows the query with only().
        return super().get_queryset(request).annotate(division_name=F("customer__division__name"))

    @admin.display(description="division", ordering="division_name")
    def division(self, note: CustomerNote) -> str:
        return note.division_name

    @admin.display(description="text")
    def short_text(self, note: CustomerNote) -> str:
        text = " ".join(note.text.split())
        return text if len(text) <= NOTE_SHOWN_LENGTH else f"{text[:NOTE_SHOWN_LENGTH]}…"

    def save_model(self, request, obj, form, change) -> None:
        note_author_set(obj, request)
        super().save_model(request, obj, form, change)


class AttachmentCustomerFilter(NoteCustomerFilter):
    """The customer whose attachments are listed, offered as for notes."""

    records = "attachments"


class AttachmentAdminForm(CustomerAttachmentForm):
    """The customer page's attachment form, with the customer: the file is checked by its content as it is there."""

    class Meta(CustomerAttachmentForm.Meta):
        fields = ["customer", "title", "file", "attached_on"]


@admin.register(CustomerAttachment)
class CustomerAttachmentAdmin(ExportAdminMixin, DivisionLabelsAdminMixin, FastChangeListMixin, admin.ModelAdmin):
    """Every customer's attachments in one list: searched, filtered by customer and division, and exported."""

    resource_classes = [CustomerAttachmentResource]
    import_kind = "customer_attachments"
    form = AttachmentAdminForm
    list_display = ["file_name", "title", "customer", "division", "attached_on", "download"]
    list_filter = [AttachmentCustomerFilter, ("customer__division", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["customer"]
    search_fields = ["title", "file_name", "customer__display_name", "customer__number"]
    autocomplete_fields = ["customer"]
    fields = ["customer", "title", "file", "attached_on", "file_name"]

    def get_queryset(self, request):
        # Annotated rather than joined, as for notes: the export narrows the query with only().
        return super().get_queryset(request).annotate(division_name=F("customer__division__name"))

    def get_readonly_fields(self, request, obj=None):
        # An attachment stays with the customer it was kept for (its file is stored under that customer).
        return ["customer", "file_name"] if obj is not None else ["file_name"]

    @admin.display(description="division", ordering="division_name")
    def division(self, attachment: CustomerAttachment) -> str:
        return attachment.division_name

    @admin.display(description="file")
    def download(self, attachment: CustomerAttachment) -> str:
        # The guarded download view, never the stored file's own address.
        return format_html('<a href="{}">Download</a>', reverse(ATTACHMENT_FILE_URL, args=[attachment.pk]))
