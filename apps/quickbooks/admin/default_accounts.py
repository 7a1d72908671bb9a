"""
"Change default accounts" on the integration page: per item type, the accounts an item uses when it has none of its
own, and so the accounts items sent to QuickBooks carry (non-inventory and service: income and expense; inventory and
equipment: income, expense and asset).

Owner only (``quickbooks.change_syncsettings``, as Configure Sync, and ``accounting.change_defaultaccounts``, which
the service checks again). Each account is picked from the division's active accounts of the types the role takes,
narrowed as one types part of a name or number (``default_accounts.js``, plain JavaScript; without it the lists still
work). Accounts QuickBooks does not have are marked, since an item using one cannot be sent. Saving goes through
``accounting.services.default_accounts_set``, which checks types and division again, so a forged choice gets the same
plain answer.
"""

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from apps.accounting.models import Account, DefaultAccounts, ItemType
from apps.accounting.services import (
    DEFAULT_ACCOUNTS_PERMISSION,
    ROLE_LABELS,
    account_roles_for,
    account_types_for,
    default_accounts_set,
)
from apps.core.models import Division
from apps.quickbooks.models import RecordLink

PERMISSION = "quickbooks.change_syncsettings"
NOT_IN_QUICKBOOKS = " (not in QuickBooks)"


def _field_name(item_type: str, role: str) -> str:
    return f"{item_type}-{role}"


class DefaultAccountsForm(forms.Form):
    """One account field per item type and role; the lists show only the types a role takes."""

    def __init__(self, division: Division, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.division = division
        self.user = user
        self.current = {row.item_type: row for row in DefaultAccounts.objects.filter(division=division)}
        accounts = list(Account.objects.filter(division=division))
        content_type = ContentType.objects.get_for_model(Account)
        links = RecordLink.objects.filter(division=division, content_type=content_type).exclude(qbo_id="")
        linked = set(links.values_list("object_id", flat=True))
        for item_type in ItemType:
            row = self.current.get(item_type)
            for role in account_roles_for(item_type):
                chosen = getattr(row, f"{role}_id", None) if row else None
                allowed = account_types_for(item_type, role)
                shown = [a for a in accounts if a.account_type in allowed and (a.active or a.pk == chosen)]
                field = forms.ModelChoiceField(
                    # Every account of the division validates, so that a wrong one gets the service's reason.
                    queryset=Account.objects.filter(division=division),
                    required=False,
                    label=f"{item_type.label} {ROLE_LABELS[role]} account",
                    initial=chosen,
                )
                field.widget.choices = [("", "—")] + [
                    (a.pk, f"{a}{'' if a.pk in linked else NOT_IN_QUICKBOOKS}") for a in shown
                ]
                field.widget.attrs["data-account-picker"] = ""
                self.fields[_field_name(item_type, role)] = field

    def rows(self) -> list[tuple[str, list[forms.BoundField | None]]]:
        """Per item type, its bound fields in the columns income, expense, asset (``None`` where it has none)."""
        rows = []
        for item_type in ItemType:
            roles = account_roles_for(item_type)
            cells = [self[_field_name(item_type, role)] if role in roles else None for role in ROLE_LABELS]
            rows.append((item_type.label, cells))
        return rows

    def save(self) -> bool:
        """Save the item types whose accounts changed; ``False`` (with the errors on the fields) if one is refused."""
        with transaction.atomic():
            for item_type in ItemType:
                roles = account_roles_for(item_type)
                accounts = {role: self.cleaned_data.get(_field_name(item_type, role)) for role in roles}
                row = self.current.get(item_type)
                if row is not None and all(getattr(row, f"{role}_id") == _pk(accounts[role]) for role in roles):
                    continue
                if row is None and not any(accounts.values()):
                    continue
                try:
                    default_accounts_set(division=self.division, item_type=item_type, accounts=accounts, user=self.user)
                except ValidationError as error:
                    for role, problems in error.message_dict.items():
                        name = _field_name(item_type, role) if role in roles else None
                        self.add_error(name if name in self.fields else None, problems)
            if self.errors:
                transaction.set_rollback(True)
                return False
        return True


def _pk(account: Account | None) -> int | None:
    return account.pk if account is not None else None


def default_accounts_view(model_admin, request: HttpRequest, object_id: str) -> HttpResponse:
    """``model_admin`` is the ``IntegrationAdmin``: its helpers find the division and build the page context."""
    division = model_admin._division(request, object_id, PERMISSION, DEFAULT_ACCOUNTS_PERMISSION)
    form = DefaultAccountsForm(division, request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid() and form.save():
        messages.success(request, f"The default accounts of {division} have been saved.")
        return HttpResponseRedirect(model_admin._page_url(division))
    has_accounts = Account.objects.filter(division=division).filter(Q(active=True)).exists()
    context = model_admin._context(
        request,
        division,
        form=form,
        has_accounts=has_accounts,
        columns=[label.capitalize() for label in ROLE_LABELS.values()],
        title=f"Change default accounts: {division}",
    )
    return render(request, "admin/quickbooks/integration/default_accounts.html", context)
