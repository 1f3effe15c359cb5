"""Hotkeys and colours for options the config author left unstyled.

Hotkey scheme (what Label Studio users expect, without clashes):

* Hotkeys given with ``hotkey="..."`` are kept (compared case-insensitively) and may not
  repeat anywhere in the config, because one key press must mean one thing.
* ``<Choice>`` options of ``<Choices>`` without a hotkey get the digits 1..9 in document
  order across the whole config, skipping digits already taken; the tenth and later
  choices get none.
* ``<Label>`` options without a hotkey get the first letter of their value when it is
  free (PER -> p, ORG -> o), else the next free key from a..z, then 0..9.
* ``<Taxonomy>`` options get no automatic hotkey (a tree is picked with the mouse).

Labels without ``background`` get colours from a fixed palette by their position in
their ``<Labels>`` tag, so the same config always renders the same way.
"""
from __future__ import annotations

import string

from .errors import ConfigError

PALETTE = (
    "#FFA39E", "#91D5FF", "#B7EB8F", "#FFD591", "#D3ADF7",
    "#87E8DE", "#FFADD2", "#FFE58F", "#ADC6FF", "#D9D9D9",
)
_CHOICE_KEYS = "123456789"
_LABEL_KEYS = string.ascii_lowercase + string.digits


def default_colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


class HotkeyAllocator:
    """Hands out free hotkeys; construct it with every explicit hotkey of the config."""

    def __init__(self, explicit: list[tuple[str, int]]) -> None:
        self._taken: dict[str, int] = {}
        for key, line in explicit:
            self.reserve(key, line)

    def reserve(self, key: str, line: int) -> None:
        norm = key.strip().lower()
        if norm in self._taken:
            first = self._taken[norm]
            raise ConfigError(f"hotkey '{key}' is used twice (first on line {first})", line)
        self._taken[norm] = line

    def for_choice(self) -> str | None:
        return self._take_first(_CHOICE_KEYS)

    def for_label(self, value: str) -> str | None:
        initial = value[:1].lower()
        preferred = initial if initial in string.ascii_lowercase else ""
        return self._take_first(preferred + _LABEL_KEYS)

    def _take_first(self, candidates: str) -> str | None:
        for key in candidates:
            if key not in self._taken:
                self._taken[key] = 0
                return key
        return None
