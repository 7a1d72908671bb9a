"""
"Map accounts" on the integration page: every account of the division that QuickBooks does not have, with a choice
of QuickBooks' accounts that may stand for it, or "Create it in QuickBooks". Items using the account are then sent
with the account chosen, or with the one the next sync creates (``sync.specs.accounts``, ``sync.specs.items``).

Owner only (``quickbooks.change_syncsettings`` and ``quickbooks.change_accountmapping``, which the service checks
again). The lists are narrowed as one types part of a name or number (``default_accounts.js``). Saving goes through
``services.account_mapping.account_mapping_set``, which checks division, kind and QuickBooks' chart again, so a
forged choice gets the same plain answer.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from apps.accounting.models import Account
from apps.core.models import Division
from apps.quickbooks.selectors import AccountToMap, account_map
from apps.quickbooks.services.account_mapping import MAPPING_PERMISSION, account_mapping_set

PERMISSIONS = ["quickbooks.change_syncsettings", MAPPING_PERMISSION]
CREATE = "create"
NOT_MAPPED = "Not mapped: items using it are not sent"
CREATE_LABEL = "Create it in QuickBooks"


def _field_name(account: Account) -> str:
    return f"account-{account.pk}"


def _current(row: AccountToMap) -> str:
    if row.mapping is None:
        return ""
    return CREATE if row.mapping.create_in_quickbooks else str(row.mapping.quickbooks_account_id)


class AccountMappingForm(forms.Form):
    """One choice per account QuickBooks does not have: nothing, create it there, or one of QuickBooks' accounts."""

    def __init__(self, division: Division, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.division = division
        self.user = user
        self.map = account_map(division=division)
        for row in self.map.accounts:
            choices = [("", NOT_MAPPED), (CREATE, CREATE_LABEL)]
            choices += [(str(other.pk), str(other)) for other in row.choices]
            # A text field behind the list: any value reaches the service, so a forged one gets its plain reason.
            field = forms.CharField(
                label=str(row.account),
                required=False,
                initial=_current(row),
                widget=forms.Select(choices=choices, attrs={"data-account-picker": ""}),
            )
            self.fields[_field_name(row.account)] = field

    def rows(self) -> list[tuple[AccountToMap, forms.BoundField]]:
        return [(row, self[_field_name(row.account)]) for row in self.map.accounts]

    def save(self) -> int:
        """Save the choices that changed; the number saved, or -1 (with the errors on the fields) if one is refused."""
        saved = 0
        with transaction.atomic():
            for row in self.map.accounts:
                name = _field_name(row.account)
                value = self.cleaned_data.get(name) or ""
                if value == _current(row):
                    continue
                target = None
                if value and value != CREATE:
                    target = Account.objects.filter(pk=int(value) if value.isdigit() else 0).first()
                    if target is None:
                        self.add_error(name, "Choose one of the accounts listed.")
                        continue
                try:
                    account_mapping_set(
                        division=self.division,
                        account=row.account,
                        quickbooks_account=target,
                        create_in_quickbooks=value == CREATE,
                        user=self.user,
                    )
                except ValidationError as error:
                    self.add_error(name, error.messages)
                    continue
                saved += 1
            if self.errors:
                transaction.set_rollback(True)
                return -1
        return saved


def account_mapping_view(model_admin, request: HttpRequest, object_id: str) -> HttpResponse:
    """``model_admin`` is the ``IntegrationAdmin``: its helpers find the division and build the page context."""
    division = model_admin._division(request, object_id, *PERMISSIONS)
    form = AccountMappingForm(division, request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid() and form.save() >= 0:
        messages.success(request, f"The account mapping of {division} has been saved; the next sync follows it.")
        return HttpResponseRedirect(model_admin._page_url(division))
    context = model_admin._context(
        request, division, form=form, chart_read=form.map.chart_read, title=f"Map accounts: {division}"
    )
    return render(request, "admin/quickbooks/integration/account_mapping.html", context)
