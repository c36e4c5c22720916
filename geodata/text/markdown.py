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

# Markdown's punctuation, plus what Streamlit's Markdown adds: $ (math), : (emoji, colours,
# icons), ~ (strike-through). The backslash comes first in meaning: every one is escaped once.
MARKDOWN_SPECIAL = frozenset("\\`*_{}[]<>()#+-.!|~$:")


def md_escape(value: object) -> str:
    """``value`` as text that Markdown shows literally (None is the empty text)."""
    text = "" if value is None else str(value)
    return "".join("\\" + ch if ch in MARKDOWN_SPECIAL else ch for ch in text)
