"""Names and typed text that play tricks: Unicode direction overrides ("Ali\\u202egnp.exe"
shows as "Aliexe.png") and bare addresses that become live links, in markdown, the map, the
pack, exports, and everything stored."""

from __future__ import annotations

import re
from datetime import date, datetime

import pandas as pd

from analytics import exports
from data.store import Store
from domain import text
from domain.access import Role, Viewer
from services import offline_map, pack
from services.safe import md
from tests.import_support import TODAY, seed_reference

TRICK = "Ali\u202egnp.exe"
ALL_CONTROLS = "".join(chr(c) for c in (0x61C, 0x200E, 0x200F, *range(0x202A, 0x202F),
                                        *range(0x2066, 0x206A)))
URLS = ("see https://evil.example/x", "HTTP://evil.example", "www.evil.example",
        "mail a.b@evil.example", "javascript:alert(1)", "ftp://evil.example")
_LIVE = re.compile(r"(?i)(https?|ftp|javascript):|www\.|\w@\w")


def test_direction_controls_are_removed_and_addresses_made_inert() -> None:
    assert text.strip_bidi(TRICK) == "Alignp.exe"
    assert text.strip_bidi(f"a{ALL_CONTROLS}b") == "ab"
    for url in URLS:
        shown = text.plain(url)
        assert not _LIVE.search(shown), shown
        assert shown.replace(text.WORD_JOINER, "") == url  # reads the same
    assert text.plain("Jack at 10:30, www2 and email-free text") == \
        "Jack at 10:30, www2 and email-free text"
    assert text.plain(None) == ""


def test_addresses_are_defanged_where_an_invisible_joiner_would_be_lost() -> None:
    assert text.defang_links("see https://evil.example/x, www.evil.example, a.b@evil.example"
                             ) == "see https[:]//evil.example/x, www[.]evil.example, " \
                                  "a.b[@]evil.example"
    for harmless in ("at 10:30. Done.", "Note: the data: field", "meet @ 5pm"):
        assert text.defang_links(harmless) == harmless


def test_markdown_map_pack_and_exports_show_text_as_it_is() -> None:
    for shown in (md(TRICK), offline_map.safe(TRICK)):
        assert not text.BIDI_CONTROLS.search(shown) and "gnp" in shown
    for url in URLS:
        assert not _LIVE.search(md(url).replace("\\", "")), md(url)
        assert not _LIVE.search(offline_map.safe(url)), offline_map.safe(url)
    html = pack.ENV.from_string("<p>{{ a }}</p><p>{{ b }}</p><img src=\"{{ c | svg_data_uri }}\">"
                                ).render(a=TRICK, b="see https://evil.example/x", c="<svg/>")
    assert not text.BIDI_CONTROLS.search(html) and "Alignp.exe" in html
    assert "https://" not in html and "https[:]//evil.example/x" in html  # a PDF drops U+2060
    assert 'src="data:image/svg+xml;base64,' in html  # the drawing's URI is left whole
    frame = exports.neutralise_frame(pd.DataFrame({"label": [TRICK, "=1+1"]}))
    assert list(frame["label"]) == ["Alignp.exe", "'=1+1"]


def test_the_store_keeps_no_direction_control_from_imports_or_typed_text() -> None:
    from data import importers

    with Store.open(":memory:") as store:
        seed_reference(store)
        header = "local_ref,agency_id,given_name,family_name,date_of_birth,postcode,kind,sex"
        data = (f"{header}\nPOL-1,police,{TRICK},Smith,2010-01-01,CW1 1AA,child,M\n"
                f"POL-2,police,{TRICK},Smith,2010-01-01,CW1 1AA,kid,M\n").encode()
        importers.import_file(store, Viewer("a", Role.ANALYST, "import test"),
                              kind="person_records", file_name="person_records_x.csv",
                              data=data, today=TODAY)
        store.execute("panel.create_meeting", Viewer("p", Role.PANEL, "test"), {
            "meeting_id": "M1", "held_on": date(2025, 7, 1), "title": f"MACE {TRICK}",
            "next_held_on": None, "created_by": "p", "created_at": datetime(2025, 7, 1, 9)})
        rows = store.cursor.execute(
            "SELECT given_name FROM person_record UNION ALL SELECT raw FROM quarantine_row "
            "UNION ALL SELECT title FROM meeting").fetchall()
        assert len(rows) == 3 and all("Alignp.exe" in r[0] for r in rows)
        assert not any(text.BIDI_CONTROLS.search(r[0]) for r in rows)
