"""Show untrusted article text with evidence spans highlighted, as escaped Markdown (never HTML)."""

from __future__ import annotations

import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$=^&])")


def escape_markdown(text: str) -> str:
    """Backslash-escape every Markdown control character so text renders literally."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def highlighted_markdown(text: str, spans: list[tuple[int, int, str]], color: str = "orange") -> str:
    """Escaped Markdown of `text` with each (start, end, field) span as a coloured background and
    the field name after it; overlapping spans keep the first."""
    out, pos = [], 0
    for start, end, field in sorted(spans):
        if start < pos or start >= end or end > len(text):
            continue
        out.append(escape_markdown(text[pos:start]))
        out.append(f":{color}-background[{escape_markdown(text[start:end])}]:gray[\\[{escape_markdown(field)}\\]]")
        pos = end
    out.append(escape_markdown(text[pos:]))
    return "".join(out)
