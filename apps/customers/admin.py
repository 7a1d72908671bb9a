from django.contrib import admin

from apps.core.admin_utils import FastChangeListMixin, IntegrationsAdminMixin
from apps.core.resources import ExportAdminMixin
from apps.customers.models import Contact, Customer, CustomerAttachment, CustomerNote, ServiceLocation
from apps.customers.resources import CustomerResource, ServiceLocationResource


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


class CustomerAttachmentInline(admin.TabularInline):
    model = CustomerAttachment
    extra = 0
    fields = ["title", "file", "attached_on", "file_name"]
    readonly_fields = ["file_name"]


@admin.register(Customer)
class CustomerAdmin(ExportAdminMixin, IntegrationsAdminMixin, FastChangeListMixin, admin.ModelAdmin):
    resource_classes = [CustomerResource]
    list_display = ["display_name", "number", "phone", "email", "billing_city", "tax_rate", "taxable", "active"]
    list_filter = ["active", "taxable", "division", "tax_rate", "payment_term"]
    list_select_related = ["tax_rate"]
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

    def save_formset(self, request, form, formset, change) -> None:
        # Notes written in the admin remember who wrote them.
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, CustomerNote) and instance.created_by_id is None:
                instance.created_by = request.user
                instance.author = instance.author or str(request.user)
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


@admin.register(ServiceLocation)
class ServiceLocationAdmin(ExportAdminMixin, IntegrationsAdminMixin, FastChangeListMixin, admin.ModelAdmin):
    resource_classes = [ServiceLocationResource]
    list_display = ["name", "customer", "street", "city", "state", "postal_code", "active"]
    list_filter = ["active", "state"]
    list_select_related = ["customer"]
    search_fields = ["name", "street", "city", "customer__display_name"]
    autocomplete_fields = ["customer"]

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # The invoice form's location picker sends the chosen customer: offer only that customer's locations.
        customer = request.GET.get("customer", "")
        if request.GET.get("field_name") == "service_location" and customer.isdigit():
            queryset = queryset.filter(customer_id=customer)
        return queryset, may_have_duplicates
