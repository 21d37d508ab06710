"""Text from agencies' records and from what users type, made inert wherever it is shown.

Two tricks a name or a reason can play, whatever the screen, map, pack or export:

- **Unicode direction controls** (U+202A-U+202E embeddings and overrides, U+2066-U+2069
  isolates, U+200E/U+200F marks, U+061C) reorder what follows them: ``"Ali\\u202egnp.exe"``
  shows as ``"Aliexe.png"``. :func:`strip_bidi` removes them (they never belong in a name or a
  reason); the store removes them from everything written (imports, typed text) and every
  display removes them again for data held from before.
- **Bare web addresses** (``https://...``, ``www...``, ``name@host``) become live links in
  markdown (Streamlit autolinks them) and in PDF viewers, which detect addresses in a pack's
  text. :func:`inert_links` puts an invisible WORD JOINER (U+2060) after the scheme, ``www``
  or ``@``, so the text reads the same but is no longer recognised as an address. A PDF
  drops that character from its text (measured with WeasyPrint and pdftotext), so the pack
  uses :func:`defang_links` instead: ``https[:]//``, ``www[.]``, ``name[@]host``, the usual
  way security reports quote an address without making it one.
"""

from __future__ import annotations

import re
from typing import Any

BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""Characters that change the direction of the text around them."""

WORD_JOINER = "\u2060"
_LINK_STARTS = re.compile(
    r"(?i)(?<![\w\u2060])(https?|ftps?|file|mailto|javascript|data|tel|sms)(?=:)"
    r"|(?<![\w\u2060])(www)(?=\.)"
    r"|(@)(?=[\w-])")


def strip_bidi(text: str) -> str:
    """``text`` without direction controls (see the module docstring)."""
    return BIDI_CONTROLS.sub("", text)


def inert_links(text: str) -> str:
    """``text`` with bare web and e-mail addresses broken by an invisible WORD JOINER, so
    markdown and PDF viewers show them as text, not as links."""
    return _LINK_STARTS.sub(lambda m: m.group(0) + WORD_JOINER, text)


def defang_links(text: str) -> str:
    """``text`` with bare addresses written so no reader or viewer takes them for links:
    ``https[:]//host``, ``www[.]host``, ``name[@]host`` (visible; for PDFs)."""
    text = _SCHEME.sub(r"\1[:]", text)
    text = _WWW.sub(r"\1[.]", text)
    return _AT.sub("[@]", text)


_SCHEME = re.compile(r"(?i)(?<![\w\[])(https?|ftps?|file|mailto|javascript|data|tel|sms):"
                     r"(?=\S)")
_WWW = re.compile(r"(?i)(?<![\w\[])(www)\.(?=\w)")
_AT = re.compile(r"(?<=[\w.+-])@(?=[\w-]+\.)")


def plain(value: Any) -> str:
    """``value`` as display text: no direction controls, no live addresses ('' for None)."""
    if value is None:
        return ""
    return inert_links(strip_bidi(str(value)))


def clean_value(value: Any) -> Any:
    """A value about to be stored: text without direction controls; anything else as is."""
    return strip_bidi(value) if isinstance(value, str) else value
