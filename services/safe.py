"""Escape data strings before they go into Streamlit markdown.

Names, descriptions, reasons and explanations come from agencies' records and from what
panel members type. In markdown a ``[link](...)``, an image, a ``$`` (maths) or a stray
``*`` would change what is shown, or make the browser fetch something; :func:`md` makes the
text show as written.
"""

from __future__ import annotations

import re
from typing import Any

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md(value: Any) -> str:
    """``value`` as text that markdown shows literally."""
    return _SPECIAL.sub(r"\\\1", "" if value is None else str(value))
