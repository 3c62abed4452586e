"""Normalisation: text, timestamps, canonical URLs, hashes."""

from datetime import datetime

import pytest

from etl.normalize import canonical_url, clean_text, content_hash, parse_timestamp


@pytest.mark.parametrize("raw, expected", [
    ("  Acme   raises\n$5M ", "Acme raises $5M"),
    ("<p>Acme &amp; Co <b>raise</b></p>", "Acme & Co raise"),
    ("Caf&eacute; &#8217;s deal", "Café ’s deal"),
    (None, ""),
    (42, "42"),
])
def test_clean_text(raw, expected):
    assert clean_text(raw) == expected


@pytest.mark.parametrize("url, expected", [
    ("HTTP://WWW.Example.com/a/b/?utm_source=x&id=3#frag", "https://example.com/a/b?id=3"),
    ("https://example.com/path/?fbclid=abc&gclid=z", "https://example.com/path"),
    ("https://example.com:443/x?b=2&a=1", "https://example.com/x?a=1&b=2"),
    ("not a url", None),
    ("", None),
    (None, None),
])
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected


@pytest.mark.parametrize("value, url, expected, flag", [
    ("2024-09-22T10:30:00Z", None, datetime(2024, 9, 22, 10, 30), None),
    ("2024-09-22T12:30:00+02:00", None, datetime(2024, 9, 22, 10, 30), None),
    ("Sun, 22 Sep 2024 10:30:00 GMT", None, datetime(2024, 9, 22, 10, 30), None),
    ("Sun, 22 Sep 2024 06:30:00 -0400", None, datetime(2024, 9, 22, 10, 30), None),
    ("September 22, 2024", None, datetime(2024, 9, 22), None),
    ("2016-06-28", None, datetime(2016, 6, 28), None),
    ("No date", "https://news.example.com/2024/09/22/acme-raises/", datetime(2024, 9, 22), "from_url"),
    ("No date", "https://news.example.com/acme-raises/", None, "missing"),
    ("", None, None, "missing"),
    ("gibberish date", None, None, "unparsed"),
    (1727001000, None, datetime(2024, 9, 22, 10, 30), None),
    (1727001000000, None, datetime(2024, 9, 22, 10, 30), None),
    ("1850-01-01", None, None, "unparsed"),
])
def test_parse_timestamp(value, url, expected, flag):
    got = parse_timestamp(value, url)
    assert (got.value, got.flag) == (expected, flag)


def test_parse_timestamp_dayfirst():
    assert parse_timestamp("09/01/2020", dayfirst=True).value == datetime(2020, 1, 9)
    assert parse_timestamp("09/01/2020").value == datetime(2020, 9, 1)


def test_content_hash_ignores_case_and_spacing():
    assert content_hash("Acme  Raises", "Body\ntext") == content_hash("acme raises", "body text")
    assert content_hash("Acme raises", "a") != content_hash("Acme raises", "b")
    assert content_hash("x", "") == "6fcf9dfbd479ed82697fee719b9f8c610a11ff2a"  # sha1 of "x\\n"
