"""Signed out means no data, at the websocket protocol level; the server answers only its own
host names and origins; a client cannot clear the shared caches."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from unittest.mock import MagicMock

import pytest
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.util import calc_hash

from tests.browser_support import serve_app

pytestmark = [pytest.mark.xdist_group("browser")]


def _texts(msg: ForwardMsg) -> list[str]:
    """Every text a delta carries (markdown, labels, table bytes as text)."""
    if msg.WhichOneof("type") != "delta":
        return []
    element = msg.delta.new_element
    kind = element.WhichOneof("type")
    if kind is None:
        return []
    return [kind, str(getattr(element, kind))]


async def _run_page(url: str, *, page_name: str = "", page_hash: str = "",
                    origin: str | None = None, host: str | None = None) -> list[str]:
    """One websocket session that asks for a page; the element kinds and texts it got."""
    ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
    headers: dict[str, str] = {"Host": host} if host else {}
    got: list[str] = []
    async with websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None,  # type: ignore[list-item]
                                  origin=origin or url, additional_headers=headers,
                                  open_timeout=30) as ws:
        msg = BackMsg()
        msg.rerun_script.page_name = page_name
        msg.rerun_script.page_script_hash = page_hash
        msg.rerun_script.query_string = ""
        await ws.send(msg.SerializeToString())
        while True:
            fwd = ForwardMsg()
            fwd.ParseFromString(await asyncio.wait_for(ws.recv(), 60))
            got += _texts(fwd)
            if fwd.WhichOneof("type") == "script_finished":
                return got


@pytest.fixture(scope="module")
def served(demo_db: Path) -> Any:
    with serve_app(demo_db) as url:
        yield url


@pytest.mark.parametrize("page", ["overview", "child", "network", "panel", "audit",
                                  "data-protection"])
def test_a_signed_out_session_asking_for_a_page_gets_no_data(served: str, page: str) -> None:
    for kwargs in ({"page_name": page}, {"page_hash": calc_hash(page)}):
        got = asyncio.run(_run_page(served, **kwargs))
        text = " ".join(got)
        assert "Username" in text and "Password" in text, "the sign-in form is shown"
        kinds = set(got[::2])
        assert not kinds & {"arrow_data_frame", "arrow_table", "metric", "deck_gl_json_chart",
                            "arrow_vega_lite_chart", "vega_lite_chart"}, kinds
        assert "YP-" not in text and "Synthetic demo data" not in text


def test_a_foreign_host_or_origin_is_refused(served: str) -> None:
    # a page whose host name was rebound to 127.0.0.1 sends its own Host and Origin
    for kwargs in ({"host": "evil.example:8501"}, {"origin": "http://evil.example"}):
        with pytest.raises(websockets.exceptions.InvalidStatus) as exc:
            asyncio.run(_run_page(served, page_name="overview", **kwargs))
        assert exc.value.response.status_code in (400, 403)
    assert asyncio.run(_run_page(served, page_name="overview")), "the own origin still works"


def test_a_client_cannot_clear_the_shared_caches() -> None:
    import streamlit as st
    from streamlit.runtime.app_session import AppSession

    from dashboard import hardening

    hardening.install()
    calls: list[int] = []

    @st.cache_resource
    def shared() -> list[int]:
        calls.append(1)
        return calls

    first = shared()
    session = SimpleNamespace(_session_state=MagicMock())
    AppSession._handle_clear_cache_request(session)  # type: ignore[arg-type]
    assert shared() is first and len(calls) == 1, "shared caches untouched"
    session._session_state.clear.assert_called_once()  # only the sender's own state
    shared.clear()
