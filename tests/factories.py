"""factory_boy factories for every domain model; the division is the default one unless given."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from apps.accounting.models import Account, AccountType, DefaultAccounts, ItemType, PaymentTerm, TaxRate
from apps.catalog.models import Item
from apps.core.models import Division
from apps.core.selectors import division_get_default
from apps.customers.models import Contact, Customer, CustomerAttachment, CustomerNote, ServiceLocation
from apps.invoicing.models import Invoice, InvoiceLine, InvoiceStatus, Payment
from apps.purchasing.models import Vendor
from apps.users.models import User


def days_from_today(days: int):
    """A date relative to today as the application sees it (``timezone.localdate()``), never a calendar date."""
    return timezone.localdate() + timedelta(days=days)


class DefaultDivision(factory.LazyFunction):
    def __init__(self) -> None:
        super().__init__(division_get_default)


class DivisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Division
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Division {n}")
    slug = factory.Sequence(lambda n: f"division-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    is_staff = True
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """``UserFactory(roles=["Office"])`` puts the user in those role groups."""
        if create and extracted:
            self.groups.set(Group.objects.filter(name__in=extracted))


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    division = DefaultDivision()
    name = factory.Sequence(lambda n: f"Account {n}")
    # Numbers no chart of accounts a test sets up in QuickBooks uses (4100, 5000...): a sync matches accounts by
    # number first, so a number drawn by chance must not make a local account the twin of one of QuickBooks'.
    number = factory.Sequence(lambda n: f"{90000 + n}")
    account_type = AccountType.INCOME


class DefaultAccountsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DefaultAccounts

    division = DefaultDivision()
    item_type = ItemType.SERVICE
    income_account = factory.SubFactory(AccountFactory, account_type=AccountType.INCOME)
    expense_account = factory.SubFactory(AccountFactory, account_type=AccountType.EXPENSE)


class TaxRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaxRate

    division = DefaultDivision()
    name = factory.Sequence(lambda n: f"Sales tax {n}")
    percent = Decimal("7.8750")
    agency = "Minnesota Department of Revenue"


class PaymentTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaymentTerm

    division = DefaultDivision()
    name = factory.Sequence(lambda n: f"Net {n}")
    due_days = 30


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    division = DefaultDivision()
    company_name = factory.Sequence(lambda n: f"Customer {n} LLC")
    display_name = factory.LazyAttribute(lambda o: o.company_name)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    phone = "612-555-0100"
    email = factory.Sequence(lambda n: f"billing{n}@customer.example.com")
    billing_street = "511 N Washington Ave"
    billing_city = "Minneapolis"
    billing_state = "MN"
    billing_postal_code = "55401"
    billing_country = "USA"
    taxable = True


class ServiceLocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceLocation

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"Site {n}")
    street = "248 N Leandro Cir"
    city = "Mesa"
    state = "AZ"
    postal_code = "85207"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"contact{n}@customer.example.com")


class CustomerNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerNote

    customer = factory.SubFactory(CustomerFactory)
    noted_on = factory.LazyFunction(lambda: days_from_today(-30))
    author = "Office"
    text = factory.Faker("sentence")


class CustomerAttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerAttachment

    customer = factory.SubFactory(CustomerFactory)
    title = "Site plan"
    file = factory.django.FileField(filename="site-plan.txt", data=b"north door, code 1234")


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item

    division = DefaultDivision()
    item_type = ItemType.SERVICE
    name = factory.Sequence(lambda n: f"Item {n}")
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    sales_price = Decimal("95.00")
    cost = Decimal("40.00")


class InvoiceFactory(factory.django.DjangoModelFactory):
    """An invoice; ``invoice_recalculate`` computes its totals once lines are added."""

    class Meta:
        model = Invoice

    division = DefaultDivision()
    number = factory.Sequence(lambda n: f"{5000 + n}")
    customer = factory.SubFactory(CustomerFactory)
    # Issued a few days ago and due in a month: open, not overdue, whatever the date the suite runs on.
    invoice_date = factory.LazyFunction(lambda: days_from_today(-5))
    due_date = factory.LazyAttribute(lambda invoice: invoice.invoice_date + timedelta(days=30))
    status = InvoiceStatus.DRAFT


class InvoiceLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InvoiceLine

    invoice = factory.SubFactory(InvoiceFactory)
    item = factory.SubFactory(ItemFactory)
    description = "Service call"
    quantity = Decimal("1")
    unit_price = Decimal("100.00")
    taxable = True


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    invoice = factory.SubFactory(InvoiceFactory, status=InvoiceStatus.UNPAID)
    paid_on = factory.LazyFunction(lambda: days_from_today(-1))
    amount = Decimal("50.00")
    method = "check"


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vendor

    division = DefaultDivision()
    display_name = factory.Sequence(lambda n: f"Vendor {n}")
    company_name = factory.LazyAttribute(lambda vendor: vendor.display_name)
    email = factory.Sequence(lambda n: f"orders{n}@vendor.example.com")
