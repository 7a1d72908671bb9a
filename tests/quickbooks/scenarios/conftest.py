"""
The scenarios both backends share (payment terms, tax rates, customers and their locations, the chart of accounts,
items, invoices and payments, interrupted creates, stale versions, names in use), run once per backend:
``side`` is QuickBooks Online (the local sandbox over real HTTP) or QuickBooks Desktop (the company file emulator
through the engine's Desktop backend), behind one small interface that does to QuickBooks what its own screens do
and reads back what it holds (``online_side``, ``desktop_side``; ``faults`` puts either through lost answers and
records edited meanwhile).

Every scenario also runs with a preview before each sync, which must count what the sync then does.
"""

import pytest

from apps.qbd_sandbox import services as emulator
from tests.quickbooks.scenarios.desktop_side import DesktopSide
from tests.quickbooks.scenarios.online_side import OnlineSide


@pytest.fixture(autouse=True)
def _previewed(preview_first):
    """Every scenario here also runs with a preview before each sync (see ``tests.quickbooks.previews``)."""


@pytest.fixture(params=["online", "desktop"])
def side(request, division):
    """QuickBooks, Online or Desktop, with the division linked to it."""
    if request.param == "online":
        company = request.getfixturevalue("sandbox_company")
        return OnlineSide(division, company, request.getfixturevalue("connection"))
    return DesktopSide(division, emulator.company_file_create(name="Carefree Heating"))
