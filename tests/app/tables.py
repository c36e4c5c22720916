"""Reading the Markdown tables a page shows (``geodata.text.markdown.md_table``) in AppTests."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest


def markdown_tables(at: AppTest) -> list[list[list[str]]]:
    """Every Markdown table the page shows (``geodata.text.markdown.md_table``), as rows of
    cells (header first, the separator row left out), each cell unescaped as it reads on screen."""
    tables = []
    for m in at.markdown:
        lines = m.value.splitlines()
        if len(lines) < 2 or not lines[0].startswith("| ") or not lines[1].startswith("| ---"):
            continue
        rows = [re.split(r"(?<!\\) \| ", line[2:-2]) for line in [lines[0], *lines[2:]]]
        tables.append([[re.sub(r"\\(.)", r"\1", cell) for cell in row] for row in rows])
    return tables


def parcel_list(at: AppTest) -> list[dict[str, str]]:
    """The parcel explorer's list on screen (its current page): one {column: cell} per parcel."""
    head, *rows = markdown_tables(at)[0]
    return [dict(zip(head, row, strict=True)) for row in rows]
