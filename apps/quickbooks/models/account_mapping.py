from django.conf import settings
from django.db import models

from apps.accounting.models import Account
from apps.core.models import Division


class AccountMapping(models.Model):
    """
    What an account of the division's chart that QuickBooks does not have stands for there, chosen by an Owner on the
    account mapping page: one of QuickBooks' accounts (``quickbooks_account``, the account here linked to it), which
    items using the account are sent with, or a new one the next sync creates in QuickBooks from it
    (``create_in_quickbooks``), after which the account is linked and its mapping removed.

    A map, not a link: several accounts may stand for one of QuickBooks', and neither is renamed after the other.
    """

    division = models.ForeignKey(Division, on_delete=models.CASCADE, related_name="quickbooks_account_mappings")
    account = models.OneToOneField(Account, on_delete=models.CASCADE, related_name="quickbooks_mapping")
    quickbooks_account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="quickbooks_mapped_from",
        help_text="The account here linked to the QuickBooks account that stands for ``account``.",
    )
    create_in_quickbooks = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "account mapping"
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(quickbooks_account__isnull=False, create_in_quickbooks=False)
                    | models.Q(quickbooks_account__isnull=True, create_in_quickbooks=True)
                ),
                name="quickbooks_account_mapping_one_choice",
                violation_error_message="An account is either mapped to a QuickBooks account or created there.",
            ),
        ]

    def __str__(self) -> str:
        target = "created in QuickBooks" if self.create_in_quickbooks else f"→ {self.quickbooks_account}"
        return f"{self.account} {target}"
