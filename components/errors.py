"""Errors as visitors see them: a short message with a reference, the traceback only in the log.

A visitor must never see a traceback (it can carry a database host, a user name or a file
path). Every page runs inside :func:`reference_on_error`; ``client.showErrorDetails = "none"``
in ``.streamlit/config.toml`` covers what runs outside it (widget callbacks).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from geodata.text.i18n import translate

LOG = logging.getLogger("atlas.errors")


def new_reference() -> str:
    """A short reference for one failure, to quote to an administrator (8 hex digits)."""
    return secrets.token_hex(4)


def _visitor_lang() -> str:
    try:
        from components.i18n import lang

        return lang()
    except Exception:  # the language itself could not be read: the default
        return "zh"


@contextmanager
def reference_on_error() -> Iterator[None]:
    """Run a page; on an exception log its traceback with a reference and show only the reference.

    Streamlit's own control flow (``st.rerun``, ``st.stop``) derives from ``BaseException`` and
    passes through untouched.
    """
    try:
        yield
    except Exception:
        ref = new_reference()
        LOG.exception("page failed (reference %s)", ref)
        st.error(translate("errors.page_failed", _visitor_lang(), ref=ref), icon=":material/error:")
