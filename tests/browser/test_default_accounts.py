"""
"Change default accounts" in a real browser: each account list narrows as the Owner types part of a name or number,
and what is picked is saved.
"""

import re

import pytest
from playwright.sync_api import expect

from apps.accounting.models import AccountType, DefaultAccounts
from apps.core.selectors import division_get_default
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.browser

EMAIL = "owner@example.com"
PASSWORD = "correct-horse-battery"


def test_owner_finds_accounts_by_name_or_number_and_saves_them(transactional_db, page):
    UserFactory(email=EMAIL, password=PASSWORD, roles=["Owner"])
    division = division_get_default()
    AccountFactory(division=division, name="Service Income", number="4000", account_type=AccountType.INCOME)
    AccountFactory(division=division, name="Parts Sales", number="4100", account_type=AccountType.INCOME)
    AccountFactory(division=division, name="Job Materials", number="6000", account_type=AccountType.EXPENSE)
    AccountFactory(division=division, name="Subcontractors", number="5200", account_type=AccountType.COST_OF_GOODS_SOLD)
    path = f"/admin/quickbooks/integration/{division.pk}/default-accounts/"

    page.goto(f"/accounts/login/?next={path}")
    page.fill('input[name="login"]', EMAIL)
    page.fill('input[name="password"]', PASSWORD)
    page.locator('form button[type="submit"]').first.click()
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))

    income = page.locator("#id_service-income_account")
    page.locator('[data-account-search="id_service-income_account"]').fill("parts")
    expect(income.locator("option:not([hidden])")).to_have_count(2)  # "—" and Parts Sales.
    expect(income).to_have_value(re.compile(r"\d+"))
    assert "Parts Sales" in income.evaluate("select => select.selectedOptions[0].text")
    page.locator('[data-account-search="id_service-expense_account"]').fill("5200")
    page.get_by_role("button", name="Save").click()

    expect(page.locator(".messagelist")).to_contain_text("The default accounts of Main have been saved.")
    saved = DefaultAccounts.objects.get(division=division, item_type="service")
    assert (saved.income_account.name, saved.expense_account.name) == ("Parts Sales", "Subcontractors")
