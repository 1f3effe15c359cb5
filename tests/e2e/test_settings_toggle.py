"""ANN-3 in the browser: the reservation field follows the distribution without a reload."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.helpers import manager_settings_page


def test_reservation_hidden_in_manual_and_back_in_auto__ANN_3(new_page, factory, session):
    page, _ = manager_settings_page(new_page, factory, session, "annotation")
    page.evaluate("window.__noReload = true")
    reservation = page.locator("input[name=reservation_minutes]")
    expect(reservation).to_be_visible()

    page.locator("input[name=distribution][value=manual]").check()
    expect(reservation).to_have_count(0)
    page.locator("input[name=distribution][value=auto]").check()
    expect(reservation).to_be_visible()
    expect(reservation).to_have_value("1440")
    assert page.evaluate("window.__noReload") is True  # the same document all along
