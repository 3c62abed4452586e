"""Streamlit-side glue: the warehouse path, short connections, cached queries, permissions."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import streamlit as st

from dashboard import queries
from dealradar.errors import DealRadarError
from dealradar.paths import default_db_path
from dealradar.warehouse import connect
from dealradar.warehouse.connection import writer_waiting

LOCK_TIMEOUT = 10.0


def db_path() -> str:
    """The warehouse this app serves ($DEALRADAR_DB or the default)."""
    return str(Path(os.environ.get("DEALRADAR_DB") or default_db_path()))


IDLE_CLOSE_S = 0.5
_lock = threading.RLock()
_shared: dict = {"con": None, "path": None, "last": 0.0, "timer": None}


def _close_if_idle() -> None:
    with _lock:
        if _shared["con"] is not None and time.monotonic() - _shared["last"] >= IDLE_CLOSE_S:
            _shared["con"].close()
            _shared["con"] = None


def with_con(fn: Callable, *args, **kwargs):
    """Run fn(con, ...) on this process's warehouse connection.

    The connection is shared by the app's sessions (one at a time) and closed after IDLE_CLOSE_S
    seconds without use, so a CLI ingest or training run can take the write lock between reruns
    (see dealradar.warehouse.connection for the design)."""
    path = db_path()
    waited = 0.0
    while writer_waiting(path) and waited < LOCK_TIMEOUT:  # a CLI ingest or training run wants to write
        with _lock:
            if _shared["con"] is not None:
                _shared["con"].close()
                _shared["con"] = None
        time.sleep(0.1)
        waited += 0.1
    with _lock:
        if _shared["con"] is None or _shared["path"] != path:
            if _shared["con"] is not None:
                _shared["con"].close()
            _shared["con"] = connect(path, lock_timeout=LOCK_TIMEOUT)
            _shared["path"] = path
        try:
            return fn(_shared["con"], *args, **kwargs)
        finally:
            _shared["last"] = time.monotonic()
            timer = threading.Timer(IDLE_CLOSE_S + 0.05, _close_if_idle)
            timer.daemon = True
            timer.start()


VERSION_TTL_S = 0.5
_version: dict = {}


def version() -> str:
    """The data-version token, read once per rerun (reused for VERSION_TTL_S, so a page's queries share it;
    this process's own writes reset it at once)."""
    path, now = db_path(), time.monotonic()
    hit = _version.get(path)
    if hit is None or now - hit[0] > VERSION_TTL_S:
        hit = (now, with_con(queries.data_version))
        _version[path] = hit
    return hit[1]


@st.cache_data(show_spinner=False, max_entries=512, ttl=3600)
def _cached(name: str, db: str, data_version: str, args: tuple, kwargs: tuple):
    return with_con(getattr(queries, name), *args, **dict(kwargs))


def q(name: str, *args, **kwargs):
    """A cached query result; the cache key includes the data version, so an ingest, a label or a
    retrain invalidates it."""
    return _cached(name, db_path(), version(), args, tuple(sorted(kwargs.items())))


def secrets_auth() -> dict:
    """The [auth] table of .streamlit/secrets.toml, if any."""
    try:
        return dict(st.secrets.get("auth", {}))
    except Exception:  # no secrets file at all
        return {}


def can_edit() -> bool:
    """Whether this session may label, retrain, promote and edit deals.

    secrets [auth]: readonly = true -> nobody; password = "..." -> after entering it;
    oidc = true -> after st.login(); nothing configured -> everyone (local use)."""
    auth = secrets_auth()
    if auth.get("readonly"):
        return False
    if auth.get("oidc"):
        return bool(getattr(st, "user", None) and st.user.is_logged_in)
    if auth.get("password"):
        return bool(st.session_state.get("editor_ok"))
    return True


def user_name() -> str:
    """Who is labelling (OIDC e-mail, else the name typed in the sidebar)."""
    if secrets_auth().get("oidc") and getattr(st, "user", None) and st.user.is_logged_in:
        return str(st.user.get("email") or st.user.get("name") or "analyst")
    return st.session_state.get("analyst_name") or os.environ.get("USER") or "analyst"


def sidebar_identity() -> None:
    """Sidebar: analyst name, and the password box when editing is password-protected."""
    auth = secrets_auth()
    st.sidebar.text_input("Analyst name", key="analyst_name", value=st.session_state.get("analyst_name", ""))
    if auth.get("readonly"):
        st.sidebar.caption("Read-only mode: labelling, retraining and promotion are off.")
    elif auth.get("oidc"):
        if not (getattr(st, "user", None) and st.user.is_logged_in):
            st.sidebar.button("Log in to edit", on_click=st.login)
    elif auth.get("password") and not st.session_state.get("editor_ok"):
        pw = st.sidebar.text_input("Editor password", type="password", key="editor_pw")
        if pw:
            import hmac

            st.session_state["editor_ok"] = hmac.compare_digest(pw, str(auth["password"]))
            if not st.session_state["editor_ok"]:
                st.sidebar.error("Wrong password")


def write_action(fn: Callable, *args, **kwargs):
    """Run a write and clear cached query results; a domain error is shown, not raised."""
    try:
        out = with_con(fn, *args, **kwargs)
    except DealRadarError as e:
        st.error(str(e))
        st.stop()
    _cached.clear()
    _version.clear()
    return out


def day(value) -> str:
    """YYYY-MM-DD of a timestamp, or 'undated'."""
    import pandas as pd

    return "undated" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def money(v) -> str:
    """$1.2B / $350.0M / $12.5K / n/a."""
    if v is None or v != v:
        return "n/a"
    v = float(v)
    for div, suf in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(v) >= div:
            return f"${v / div:,.1f}{suf}"
    return f"${v:,.0f}"
