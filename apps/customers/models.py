"""Customers, the places where work is done for them, their contacts, notes and attachments."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.fields.files import FieldFile
from django.db.models.functions import Lower

from apps.accounting.models import PaymentTerm, TaxRate
from apps.core.models import DivisionOwnedModel, TimeStampedModel
from apps.customers.filetypes import attachment_file_check


class Address(models.Model):
    """A postal address, embedded in the models that have one."""

    street = models.CharField("street", max_length=200, blank=True)
    street2 = models.CharField("street (line 2)", max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField("state / province", max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=100, blank=True)

    class Meta:
        abstract = True

    @property
    def address_line(self) -> str:
        """The address on one line, as shown in lists: "511 N Washington Ave, Minneapolis, MN, 55401"."""
        parts = (self.street, self.street2, self.city, self.state, self.postal_code, self.country)
        return ", ".join(part for part in parts if part)


class Customer(DivisionOwnedModel):
    """A company or person the division works for and bills."""

    number = models.CharField(
        "customer number", max_length=30, blank=True, help_text="Your own reference; unique within the division."
    )
    company_name = models.CharField(max_length=100, blank=True)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    display_name = models.CharField(
        max_length=100,
        blank=True,
        help_text="The name on invoices and lists; unique within the division. Filled from the "
        "company or person name when left empty.",
    )
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    billing_street = models.CharField("street", max_length=200, blank=True)
    billing_street2 = models.CharField("street (line 2)", max_length=200, blank=True)
    billing_city = models.CharField("city", max_length=100, blank=True)
    billing_state = models.CharField("state / province", max_length=100, blank=True)
    billing_postal_code = models.CharField("postal code", max_length=20, blank=True)
    billing_country = models.CharField("country", max_length=100, blank=True)
    taxable = models.BooleanField(default=True)
    tax_rate = models.ForeignKey(TaxRate, on_delete=models.PROTECT, null=True, blank=True, related_name="customers")
    payment_term = models.ForeignKey(
        PaymentTerm, on_delete=models.PROTECT, null=True, blank=True, related_name="customers"
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["display_name", "id"]
        constraints = [
            models.UniqueConstraint(
                "division",
                Lower("display_name"),
                name="customer_display_name_unique_per_division",
                violation_error_message="Another customer of this division has this display name.",
            ),
            models.UniqueConstraint(
                fields=["division", "number"],
                condition=~models.Q(number=""),
                name="customer_number_unique_per_division",
                violation_error_message="Another customer of this division has this number.",
            ),
            models.CheckConstraint(
                condition=~models.Q(display_name=""),
                name="customer_display_name_not_blank",
                violation_error_message="A customer needs a display name.",
            ),
        ]
        indexes = [
            models.Index(fields=["division", "active"]),
            # The list's default order.
            models.Index(fields=["display_name", "id"], name="customer_by_display_name"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def billing_address(self) -> str:
        parts = (
            self.billing_street,
            self.billing_street2,
            self.billing_city,
            self.billing_state,
            self.billing_postal_code,
            self.billing_country,
        )
        return ", ".join(part for part in parts if part)

    def clean(self) -> None:
        if not self.display_name:
            person = " ".join(part for part in (self.first_name, self.last_name) if part)
            self.display_name = self.company_name or person
        if not self.display_name:
            raise ValidationError("Give a company name, a person's name or a display name.")
        for field in ("tax_rate", "payment_term"):
            related = getattr(self, field)
            if related is not None and self.division_id and related.division_id != self.division_id:
                raise ValidationError({field: "This belongs to another division."})


class ServiceLocation(Address, TimeStampedModel):
    """A place where the division works for a customer (a site, a store, a house); billed to the customer."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="service_locations")
    name = models.CharField(max_length=100)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "customer",
                Lower("name"),
                name="service_location_name_unique_per_customer",
                violation_error_message="This customer already has a service location with this name.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.address_line}" if self.address_line else self.name


class Contact(TimeStampedModel):
    """A person to talk to at a customer."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=100)
    role = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    is_primary = models.BooleanField("primary contact", default=False)

    class Meta:
        ordering = ["-is_primary", "name"]

    def __str__(self) -> str:
        return self.name


class CustomerNote(TimeStampedModel):
    """A dated note on a customer, written here or imported from a spreadsheet."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="notes")
    noted_on = models.DateField("date")
    author = models.CharField(max_length=100, blank=True)
    text = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-noted_on", "-id"]

    def __str__(self) -> str:
        return f"{self.noted_on}: {self.text[:50]}"


def attachment_upload_to(instance: "CustomerAttachment", filename: str) -> str:
    """A random name: nobody can guess where a file is stored; its own name is kept in ``file_name``."""
    return f"customers/{instance.customer_id}/attachments/{uuid.uuid4().hex}"


def attachment_file_validator(value: FieldFile) -> None:
    """Check a newly uploaded file (the admin's form); files already stored were checked when they came."""
    if value and not value._committed:
        attachment_file_check(file=value.file, file_name=_base_name(value.name), size=value.size)


def _base_name(name: str) -> str:
    return name.replace("\\", "/").rsplit("/", 1)[-1]


class CustomerAttachment(TimeStampedModel):
    """A file kept with a customer: a contract, a photo, a site plan. Handed out only by a view that checks rights."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(max_length=200, blank=True)
    file = models.FileField(upload_to=attachment_upload_to, max_length=300, validators=[attachment_file_validator])
    file_name = models.CharField(max_length=255, editable=False, help_text="The file's original name.")
    attached_on = models.DateField("date", null=True, blank=True)

    class Meta:
        ordering = ["-attached_on", "-id"]

    def __str__(self) -> str:
        return self.title or self.file_name

    def save(self, *args, **kwargs) -> None:
        # A file uploaded in the admin brings its name; the services set it themselves.
        if self.file and (not self.file_name or not self.file._committed):
            self.file_name = _base_name(self.file.name)[:255]
        super().save(*args, **kwargs)
