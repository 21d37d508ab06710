"""Escape data strings before they go into Streamlit markdown.

Names, descriptions, reasons and explanations come from agencies' records and from what
panel members type. In markdown a ``[link](...)``, an image, a ``$`` (maths) or a stray
``*`` would change what is shown, or make the browser fetch something; a bare address would
become a live link and a direction control would reorder the text (:mod:`domain.text`);
:func:`md` makes the text show as written.
"""

from __future__ import annotations

import re
from typing import Any

from domain.text import plain

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md(value: Any) -> str:
    """``value`` as text that markdown shows literally: no markup, no live address, no
    direction control."""
    return _SPECIAL.sub(r"\\\1", plain(value))
