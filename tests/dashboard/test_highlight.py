"""Untrusted text is escaped; evidence spans are highlighted."""

from dashboard.highlight import escape_markdown, highlighted_markdown


def test_escape_markdown_neutralises_markup():
    assert escape_markdown("<script>x</script> **b** [l](u)") == \
        r"\<script\>x\</script\> \*\*b\*\* \[l\]\(u\)"


def test_highlight_spans():
    md = highlighted_markdown("Acme raises $5M", [(0, 4, "company"), (12, 15, "amount")])
    assert md == r":orange-background[Acme]:gray[\[company\]] raises :orange-background[\$5M]:gray[\[amount\]]"
    assert highlighted_markdown("abc", [(1, 9, "x"), (2, 1, "y")]) == "abc"
