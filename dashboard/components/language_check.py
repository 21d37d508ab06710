"""A text box with the victim-blaming language check shown under it before saving.

The check is advice: the panel may still save. The caller stores the returned flag codes
with the text, so the flag is recorded.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from analytics import language


def text_with_check(label: str, *, key: str, height: int = 100, placeholder: str = "",
                    about_child: bool = True) -> tuple[str, list[str]]:
    """Draw a text area and any language flags in it; return (text, flag codes).
    ``about_child=False`` for text about an adult of concern (:func:`analytics.language.check`)."""
    text = st.text_area(label, key=key, height=height, placeholder=placeholder)
    flags = language.check(text, about_child=about_child)
    if flags:
        lines = "\n".join(f"- {f.message()}" for f in flags)
        st.warning(
            f"**Language check** ({len(flags)}): this wording can place responsibility on the "
            f"child.\n{lines}\n\nYou can still save; the flag is recorded with the text.",
            icon=":material/record_voice_over:",
        )
    return text, language.flag_codes(flags)


def show_recorded(flags: Any) -> None:
    """A caption listing language flags stored with a saved text, if any."""
    codes = [str(c) for c in (list(flags) if flags is not None else [])]
    if codes:
        st.caption("Language flags recorded: " + "; ".join(c.split(":", 1)[-1] for c in codes))
