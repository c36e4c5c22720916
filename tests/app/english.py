"""Reading what an AppTest page shows, to check its language: the texts a visitor sees,
and whether Chinese or English prose is left where the other language was asked for.

Shared by the language tests and the meeting-tour tests (a helper module, so no test
imports another test's privates).
"""

from __future__ import annotations

import re

import pandas as pd
from streamlit.testing.v1 import AppTest

HAN = re.compile(r"[\u4e00-\u9fff]")
# Quoted source text and a name given in brackets after its English form are data, kept as they are.
ALLOWED_SPANS = re.compile(r"「[^」]*」|（[^）]*）|\([^)]*\)")
#: Three or more English words in a row: a sentence or a label left in English.
ENGLISH_RUN = re.compile(r"\b[A-Za-z]{2,}(?: [A-Za-z]{2,}){2,}\b")
#: The language switch names each language in itself.
ALLOWED_TEXTS = {"中文"}


def leftover_han(text: str) -> str | None:
    """The text if Chinese remains once quotes and bracketed names are removed, else None.

    >>> leftover_han("Source quote: 「西湖区」"), leftover_han("Xihu District (西湖区)")
    (None, None)
    >>> leftover_han("西湖区 key figures")
    '西湖区 key figures'
    """
    if text in ALLOWED_TEXTS:
        return None
    return text if HAN.search(ALLOWED_SPANS.sub("", text)) else None


def leftover_english(text: str) -> bool:
    """Whether English prose is left once URLs and bracketed names are removed.

    >>> leftover_english("Point from gazetteer row 云栖小镇"), leftover_english("浅色（Esri Light Gray）")
    (True, False)
    >>> leftover_english("来源：https://example.com/a b c"), leftover_english("English")
    (False, False)
    """
    return bool(ENGLISH_RUN.search(ALLOWED_SPANS.sub("", re.sub(r"https?://\S+", "", text))))


def _frame_texts(df: pd.DataFrame) -> list[str]:
    out = [str(c) for c in df.columns]
    for col in df.columns:
        if "(Chinese)" in str(col):
            continue  # a column of source text, labelled as such
        out += [v for v in df[col].tolist() if isinstance(v, str)]
    return out


def visible_texts(at: AppTest) -> list[str]:
    """Every text AppTest can see: headings, prose, notices, widget labels and options, tables."""
    texts: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "caption",
        "markdown",
        "info",
        "warning",
        "error",
        "success",
    ):
        texts += [str(e.value) for e in getattr(at, kind)]
    for kind in ("selectbox", "multiselect", "radio"):
        for w in getattr(at, kind):
            texts.append(str(w.label))
            texts += [str(o) for o in w.options]
    for kind in ("number_input", "text_input", "checkbox", "slider", "button"):
        texts += [str(w.label) for w in getattr(at, kind)]
    texts += [str(m.label) for m in at.metric] + [str(m.value) for m in at.metric]
    texts += [str(e.label) for e in at.expander]
    for df in at.dataframe:
        texts += _frame_texts(df.value.data if hasattr(df.value, "data") else df.value)
    for tb in at.table:
        texts += _frame_texts(tb.value)
    for el in at.get("download_button"):
        texts.append(str(el.proto.label))
    for el in at.get("segmented_control"):
        texts += [str(getattr(o, "content", o)) for o in el.proto.options]
    return texts


def markdown_plain(text: str) -> str:
    """Markdown/HTML cards lose their tags and the hover titles (which hold the quotes)."""
    text = re.sub(r'title="[^"]*"', "", text)
    text = re.sub(r"<style>.*?</style>", "", text, flags=re.S)
    return re.sub(r"<[^>]+>", " ", text)



def assert_english(at: AppTest, what: str) -> None:
    """Fails, listing them, on texts with Chinese left outside quotes and bracketed names."""
    assert not at.exception, at.exception
    left = sorted({t for t in (leftover_han(markdown_plain(x)) for x in visible_texts(at)) if t})
    assert not left, f"{what} in English still shows Chinese:\n" + "\n".join(left[:40])
