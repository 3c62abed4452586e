"""Fast text scanning shared by the extractors.

Regular expressions with ``re.IGNORECASE`` and leading look-behinds are slow
in CPython (every position tries every alternative). The extractors instead
run case-sensitive patterns on a lowercased copy of the text (same length,
same offsets) and find candidate positions with one Aho-Corasick pass over
trigger words, then ``match`` a pattern only there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import ahocorasick

__all__ = ["fold", "ci", "Triggers", "word_start"]

_WORDISH = frozenset("'’-_")


@lru_cache(maxsize=64)
def fold(text: str) -> str:
    """Lowercase ``text`` keeping every character at its offset."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def ci(pattern: str) -> re.Pattern[str]:
    """Compile a case-insensitive pattern to run on :func:`fold`-ed text.

    Letters are lowercased except escapes (``\\S``, ``\\W``) and group syntax
    (``(?P<name>``); an ``(?i)`` flag is dropped.
    """
    out = []
    i = 0
    n = len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\" and i + 1 < n:
            out.append(pattern[i:i + 2])
            i += 2
        elif pattern.startswith("(?P<", i) or pattern.startswith("(?P=", i):
            j = pattern.index(">", i) if pattern[i + 3] == "<" else pattern.index(")", i)
            out.append(pattern[i:j + 1])
            i = j + 1
        elif pattern.startswith("(?i)", i):
            i += 4
        else:
            out.append(c.lower())
            i += 1
    return re.compile("".join(out))


def word_start(low: str, pos: int) -> bool:
    """True when ``pos`` starts a word (not glued to a letter, digit, apostrophe or hyphen)."""
    if pos == 0:
        return True
    c = low[pos - 1]
    return not (c.isalnum() or c in _WORDISH)


class Triggers:
    """An Aho-Corasick automaton over lowercase trigger words."""

    def __init__(self, keys: Iterable[str], whole_word: bool = False) -> None:
        self._auto = ahocorasick.Automaton()
        for key in keys:
            self._auto.add_word(key, len(key))
        self._auto.make_automaton()
        self._whole = whole_word

    def starts(self, low: str, start: int = 0, end: int | None = None) -> list[int]:
        """Sorted, unique start offsets of triggers that begin a word in ``low[start:end]``."""
        end = len(low) if end is None else end
        found = set()
        for last, size in self._auto.iter(low, start, end):
            pos = last - size + 1
            if not word_start(low, pos):
                continue
            if self._whole and last + 1 < len(low) and (low[last + 1].isalnum()):
                continue
            found.add(pos)
        return sorted(found)
