r"""The one escaper for text from data that goes into Markdown (``st.markdown``, captions, notices).

Text from the pack, from imported files and from tour files may hold anything: Markdown links
and images, HTML tags, Streamlit's own additions (``$math$``, ``:emoji:``, ``:color[…]``,
``~~strike~~``). Every Markdown special character is backslash-escaped, so such text shows
as the characters it is and is never followed, loaded or formatted.

Examples
--------
>>> print(md_escape("[点我](http://evil.example) ![x](a.png)"))
\[点我\]\(http\://evil\.example\) \!\[x\]\(a\.png\)
>>> print(md_escape("<script>alert(1)</script>"))
\<script\>alert\(1\)\</script\>
>>> print(md_escape("$x$ :smile: ~~s~~ 1. *A*"))
\$x\$ \:smile\: \~\~s\~\~ 1\. \*A\*
>>> md_escape(None)
''
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

# Markdown's punctuation, plus what Streamlit's Markdown adds: $ (math), : (emoji, colours,
# icons), ~ (strike-through). The backslash comes first in meaning: every one is escaped once.
MARKDOWN_SPECIAL = frozenset("\\`*_{}[]<>()#+-.!|~$:")


def md_escape(value: object) -> str:
    """``value`` as text that Markdown shows literally (None is the empty text)."""
    text = "" if value is None else str(value)
    return "".join("\\" + ch if ch in MARKDOWN_SPECIAL else ch for ch in text)


def md_table(columns: Sequence[object], rows: Iterable[Sequence[object]]) -> str:
    """A small table as a GitHub Markdown table for ``st.markdown``, every cell escaped.

    For short tables a visitor reads at first sight: ``st.dataframe`` (and ``st.table``) make
    the browser fetch Streamlit's grid and Arrow code, 1.0–1.7 MB, on the page's first visit;
    a Markdown table costs nothing more than the text. Line breaks in a cell become spaces
    (a Markdown table row is one line); ``md_escape`` escapes ``|``, so a cell never splits.

    >>> print(md_table(["地区", "数值"], [["钱塘区", "3,700 亿元"], ["a|b", float("nan")]]))
    | 地区 | 数值 |
    | --- | --- |
    | 钱塘区 | 3,700 亿元 |
    | a\\|b |  |
    """

    def cell(value: object) -> str:
        if isinstance(value, float) and value != value:  # NaN, a missing value in a pandas column
            return ""
        return md_escape(value).replace("\r", " ").replace("\n", " ")

    lines = [
        "| " + " | ".join(cell(c) for c in columns) + " |",
        "| " + " | ".join("---" for _ in columns) + " |",
    ]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
