"""Whom to contact about a parcel, zone or park: the operator's configured contact blocks, never invented.

A default block (``[brochure.contact]`` in secrets, or ``ATLAS_CONTACT_*`` variables) and, where
the operator configures them, blocks per district or platform (``[contacts."紫金港科技城"]``,
``[contacts."西湖区"]``, keyed by the Chinese name the pack uses). The most specific block wins:
the feature itself, then its parent platforms from the nearest up, then its district, then the
default. Nothing configured means no block: the page then offers only the registration form.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

#: The lines of a contact block, in the order they are shown.
CONTACT_FIELDS: Final = ("organisation", "name", "phone", "email", "address", "note")
#: Longest value of one line: a block is a few lines of text, not a document.
MAX_LINE: Final = 200


def _clean(section: object) -> dict[str, str]:
    if not isinstance(section, Mapping):
        return {}
    out = {}
    for k in CONTACT_FIELDS:
        v = section.get(k)
        if v is not None and str(v).strip():
            out[k] = str(v).strip()[:MAX_LINE]
    return out


@dataclass(frozen=True)
class ContactBook:
    """The default contact block and the blocks per district or platform."""

    default: Mapping[str, str] = field(default_factory=dict)
    by_place: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @classmethod
    def from_settings(
        cls, secrets: Mapping | None = None, environ: Mapping[str, str] | None = None
    ) -> ContactBook:
        """Read the blocks from secrets, then the ``ATLAS_CONTACT_*`` variables (which fill the default).

        >>> b = ContactBook.from_settings(
        ...     {"brochure": {"contact": {"phone": "0571-1"}}, "contacts": {"西湖区": {"name": "西湖招商", "x": "?"}}},
        ...     {"ATLAS_CONTACT_EMAIL": "a@b.cn"})
        >>> dict(b.default), {k: dict(v) for k, v in b.by_place.items()}
        ({'phone': '0571-1', 'email': 'a@b.cn'}, {'西湖区': {'name': '西湖招商'}})
        """
        environ = os.environ if environ is None else environ
        secrets = secrets or {}
        brochure = secrets.get("brochure", {}) or {}
        default = _clean(brochure.get("contact", {}) if isinstance(brochure, Mapping) else {})
        for name in CONTACT_FIELDS:
            value = environ.get(f"ATLAS_CONTACT_{name.upper()}")
            if value and value.strip():
                default[name] = value.strip()[:MAX_LINE]
        places = secrets.get("contacts", {}) or {}
        by_place = {}
        if isinstance(places, Mapping):
            for place, section in places.items():
                block = _clean(section)
                if block:
                    by_place[str(place)] = block
        return cls(default, by_place)

    def for_feature(
        self, district: object, places: Sequence[object] = ()
    ) -> tuple[Mapping[str, str], str | None]:
        """The block for a feature and the place it was configured for (None: the default block).

        ``places``: the feature's own name, then its parent platforms from the nearest up.

        >>> b = ContactBook({"phone": "0571-0"}, {"西湖区": {"phone": "0571-1"}, "紫金港科技城": {"phone": "0571-2"}})
        >>> b.for_feature("西湖区", ["国科大南侧地块", "紫金港科技城"])
        ({'phone': '0571-2'}, '紫金港科技城')
        >>> b.for_feature("西湖区", ["云栖小镇"])
        ({'phone': '0571-1'}, '西湖区')
        >>> b.for_feature("滨江区")
        ({'phone': '0571-0'}, None)
        """
        for place in [*places, district]:
            if isinstance(place, str) and place in self.by_place:
                return self.by_place[place], place
        return self.default, None


def parent_chain(name: object, parents: Mapping[str, object], limit: int = 8) -> list[str]:
    """``name`` and its parent platforms from the nearest up (a cycle in the data stops the walk).

    >>> parent_chain("a", {"a": "b", "b": "c", "c": None})
    ['a', 'b', 'c']
    >>> parent_chain("a", {"a": "b", "b": "a"})
    ['a', 'b']
    """
    chain: list[str] = []
    current = name
    while isinstance(current, str) and current and current not in chain and len(chain) < limit:
        chain.append(current)
        current = parents.get(current)
    return chain


def contact_lines(contact: Mapping[str, str]) -> list[str]:
    """The block's lines; none when nothing is configured (the block is then left out).

    >>> contact_lines({})
    []
    >>> contact_lines({"phone": "0571-0000", "name": "张三"})
    ['张三', '0571-0000']
    """
    return [str(contact[k]) for k in CONTACT_FIELDS if contact.get(k)]
