"""The contact block on parcel, zone and park views: whom to call, as the operator configured it.

The lookup (the feature, its platforms, its district, the default) is
``geodata.domain.contacts``; this draws the block, or nothing when no block is configured.
"""

from __future__ import annotations

import streamlit as st

from components import cached
from components.i18n import place, t
from geodata.domain.contacts import ContactBook, contact_lines, parent_chain
from geodata.text.markdown import md_escape


def contact_book() -> ContactBook:
    try:
        secrets = {"brochure": st.secrets.get("brochure", {}), "contacts": st.secrets.get("contacts", {})}
    except Exception:  # no secrets file: the environment alone
        secrets = {}
    return ContactBook.from_settings(secrets)


def render_contact(district: object, name: object = None, parent: object = None) -> None:
    """The block for a feature named ``name`` (with its ``parent`` platform) in ``district``."""
    areas = cached.shared_layers()["areas"]
    parents = dict(zip(areas["name_zh"], areas["parent"], strict=True))
    chain = [*([name] if isinstance(name, str) and name else []), *parent_chain(parent, parents)]
    block, where = contact_book().for_feature(district, chain)
    lines = contact_lines(block)
    if not lines:
        return
    with st.container(border=True, key="contact_block"):
        title = t("contact.title") if where is None else t("contact.title_for", place=md_escape(place(where)))
        st.markdown(f"**{title}**")
        st.markdown("  \n".join(md_escape(line) for line in lines))
