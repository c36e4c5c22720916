"""Charts for reports: the atlas's sourced bar charts drawn with matplotlib.

The pages show Plotly charts; exporting those needs kaleido, which renders through a
Chrome it downloads on first use (not possible offline, and not a dependency the app
should carry), so the same sourced rows are redrawn here: one bar per row of the frame
the page charts (``label``, ``value``, ``text``, ``kind``), the same colours
(``geodata.geo.styles``), the title, the unit and the source footnote. Pure: no Streamlit.
"""

from __future__ import annotations

import io
import textwrap
import unicodedata
from dataclasses import dataclass, field

import pandas as pd

from geodata.domain.sources import cite_all
from geodata.export.fonts import rc_params
from geodata.geo.styles import BAR_COLOR, PLANNED_COLOR
from geodata.text.formats import unit_label
from geodata.text.i18n import translate

#: Paper and slide sizes in inches (width, height).
SIZES: dict[str, tuple[float, float]] = {
    "a4_landscape": (297 / 25.4, 210 / 25.4),
    "a4_portrait": (210 / 25.4, 297 / 25.4),
    "a3_landscape": (420 / 25.4, 297 / 25.4),
    "a3_portrait": (297 / 25.4, 420 / 25.4),
    "slide": (13.333, 7.5),
}
#: Resolutions: screen, twice screen, print.
RESOLUTIONS: dict[str, int] = {"screen": 96, "double": 192, "print": 300}

NOTE_COLOR = "#6b6f76"


@dataclass(frozen=True)
class ChartSpec:
    """A bar chart of sourced rows, as a page shows it."""

    title: str
    unit: str
    rows: pd.DataFrame = field(compare=False)  # label, value, text, kind ("actual" | "target"), source
    note: str = ""

    @property
    def sources(self) -> list[str]:
        return sorted(set(self.rows["source"])) if "source" in self.rows and len(self.rows) else []


def page_inches(size: str, dpi: int) -> tuple[float, float]:
    """A paper size in inches, nudged so that it is a whole number of pixels at ``dpi``.

    matplotlib truncates inches × dpi; A4 at 300 dpi must be the usual 3508 × 2480, not 3507 × 2480.

    >>> [int(v * 300) for v in page_inches("a4_landscape", 300)]
    [3508, 2480]
    """
    w, h = SIZES[size]
    return (round(w * dpi) + 0.01) / dpi, (round(h * dpi) + 0.01) / dpi


def text_width(text: str) -> float:
    """Width of ``text`` in ems: full-width (CJK) characters 1, others about 0.55.

    >>> text_width("杭州 ab")
    3.65
    """
    return round(sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.55 for c in text), 2)


def wrap_mixed(text: str, width_em: float) -> list[str]:
    """Lines of at most ``width_em`` ems; Chinese breaks anywhere, Latin text at spaces.

    Examples
    --------
    >>> wrap_mixed("一二三四五六", 4)
    ['一二三四', '五六']
    >>> wrap_mixed("Sources: 000 Xihu", 6)
    ['Sources:', '000 Xihu']
    """
    if text_width(text) <= width_em:
        return [text]
    if text_width(text) < len(text) * 0.7:  # mostly Latin: break at spaces
        return textwrap.wrap(text, max(1, int(width_em / 0.55)))
    lines, line = [], ""
    for c in text:
        if text_width(line + c) > width_em:
            lines.append(line)
            line = ""
        line += c
    return [*lines, line] if line else lines


def bar_label(label: str, width_em: float = 13) -> str:
    """A bar's label on at most a few lines, breaking before the period in brackets first.

    >>> print(bar_label("数字经济核心产业增加值（2024）"))
    数字经济核心产业增加值
    （2024）
    """
    if text_width(label) <= width_em:
        return label
    head, sep, tail = label.partition("（")
    parts = [head, sep + tail] if sep else [label]
    return "\n".join(line for part in parts for line in wrap_mixed(part, width_em))


def chart_note(files: list[str], lang: str, targets: bool, sources: pd.DataFrame | None = None) -> str:
    """The footnote of an exported chart: its sources (short title, date), and what light bars mean.

    >>> chart_note(["003_b3b6829ba2dddcb6.txt"], "en", True)
    'Sources: "Zijingang Science City: climbing higher from high ground", January 2025. Light bars are targets, plans or forecasts, not outcomes.'
    """
    joined = cite_all(files, lang, sources)
    parts = [translate("export.chart.note_sources", lang, sources=joined)] if files else []
    if targets:
        parts.append(translate("export.chart.note_targets", lang))
    return " ".join(parts) if lang == "en" else "".join(parts)


def draw_bar_chart(ax, note_ax, chart: ChartSpec, lang: str, scale: float = 1.0) -> None:
    """Draw ``chart`` into ``ax`` (bars) and ``note_ax`` (its footnote), largest bar on top."""
    rows = chart.rows.iloc[::-1]
    colors = [PLANNED_COLOR if k == "target" else BAR_COLOR for k in rows.get("kind", ["actual"] * len(rows))]
    y = range(len(rows))
    ax.barh(list(y), rows["value"], color=colors, height=0.62)
    ax.set_yticks(list(y), [bar_label(str(lbl)) for lbl in rows["label"]])
    top = float(rows["value"].max()) if len(rows) else 1.0
    for yi, (v, txt) in enumerate(zip(rows["value"], rows["text"], strict=True)):
        ax.text(v + top * 0.01, yi, str(txt), va="center", ha="left", fontsize=7.5 * scale, color="#222")
    ax.set_xlim(0, top * 1.35 if top > 0 else 1)
    ax.set_title(chart.title, loc="left", fontsize=10.5 * scale, fontweight="bold")
    ax.set_xlabel(translate("export.chart.unit", lang, unit=unit_label(chart.unit, lang)), fontsize=8 * scale)
    ax.tick_params(labelsize=7.5 * scale)
    ax.grid(axis="x", color="#e5e8eb")
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    note_ax.axis("off")
    width_in = note_ax.get_position().width * note_ax.figure.get_figwidth()
    width_em = width_in * 72 / (7 * scale)
    note_ax.text(
        0, 1, "\n".join(wrap_mixed(chart.note, width_em)), va="top", ha="left",
        fontsize=7 * scale, color=NOTE_COLOR, transform=note_ax.transAxes,
    )  # fmt: skip


def render_chart(chart: ChartSpec, size: str, resolution: str, fmt: str, lang: str) -> bytes:
    """One chart alone as ``png`` or ``svg`` at a paper or slide size, with title and footnote."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    if size not in SIZES or resolution not in RESOLUTIONS or fmt not in ("png", "svg", "pdf"):
        raise ValueError(f"unknown size, resolution or format: {size!r}, {resolution!r}, {fmt!r}")
    dpi = RESOLUTIONS[resolution]
    w, h = page_inches(size, dpi)
    scale = min(w, h) / (210 / 25.4) * 1.3
    with plt.rc_context(rc_params()):
        fig = plt.figure(figsize=(w, h), dpi=dpi)
        try:
            ax = fig.add_axes((0.30, 0.22, 0.62, 0.66))
            note_ax = fig.add_axes((0.05, 0.03, 0.90, 0.10))
            draw_bar_chart(ax, note_ax, chart, lang, scale)
            buf = io.BytesIO()
            fig.savefig(buf, format=fmt, dpi=dpi, metadata={"Title": chart.title} if fmt != "png" else None)
        finally:
            plt.close(fig)
    return buf.getvalue()


def area_charts(
    indicators: pd.DataFrame,
    area: str,
    lang: str,
    groups: tuple[str, ...] | None = None,
    display: str | None = None,
    sources: pd.DataFrame | None = None,
) -> list[ChartSpec]:
    """The bar charts of an area's profile groups, as the area page draws them (same rows, same order).

    Examples
    --------
    >>> df = pd.DataFrame([dict(id="a", area="钱塘区", subject="", category="output", indicator="总产值",
    ...     period="去年", value=3700.0, unit="亿元", qualifier="突破", source="002_dfcb443e60e2733b.txt", quote="q")])
    >>> [(c.title, c.unit, c.note) for c in area_charts(df, "钱塘区", "zh")]
    [('钱塘区：产出（亿元）', '亿元', '来源：「钱塘（新）区：杭州制造硬核担当加速创新」。')]
    """
    from geodata.domain.areas import GROUPS, chart_rows

    out = []
    for category in groups or tuple(GROUPS):
        bars, _ = chart_rows(indicators, area, category, lang)
        if bars.empty:
            continue
        unit = str(bars["unit"].iloc[0])
        group = translate(f"export.group.{category}", lang)
        targets = bool((bars.get("kind", pd.Series(dtype=str)) == "target").any())
        files = sorted(set(bars["source"]))
        out.append(
            ChartSpec(
                translate(
                    "export.chart.title", lang, area=display or area, group=group, unit=unit_label(unit, lang)
                ),
                unit,
                bars,
                chart_note(files, lang, targets, sources),
            )
        )
    return out
