"""A one-page PDF of a site recommendation: the project, the ranked sites with their reasons and
sources, what was unknown, what was left out, and the date. Same fonts and page set-up as the
brochures (``geodata.export.fonts``; A4 portrait), so it prints in Chinese anywhere.
"""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd

from geodata.domain.recommend import Project, Recommendation, explain
from geodata.domain.sources import cite_all
from geodata.export.charts import wrap_mixed
from geodata.export.fonts import rc_params
from geodata.text.i18n import translate

A4_PORTRAIT = (210 / 25.4, 297 / 25.4)
#: Sites printed with their reasons (the page has room for this many).
PRINTED = 5


def project_lines(project: Project, lang: str) -> list[str]:
    """The project as the user described it, one line per field given.

    >>> project_lines(Project(sector="制造业", land_mu_min=20, land_mu_max=50), "en")
    ['Sector: 制造业', 'Land needed: 20–50 mu']
    """
    t = lambda key, **v: translate(f"recommend.pdf.{key}", lang, **v)  # noqa: E731
    out = []
    if project.sector:
        out.append(t("sector", sector=project.sector))
    if project.land_mu_min is not None or project.land_mu_max is not None:
        lo = "0" if project.land_mu_min is None else f"{project.land_mu_min:g}"
        hi = "∞" if project.land_mu_max is None else f"{project.land_mu_max:g}"
        out.append(t("land", lo=lo, hi=hi))
    if project.investment_wan is not None:
        out.append(t("investment", value=f"{project.investment_wan:,.0f}"))
    if project.output_per_mu_wan is not None:
        out.append(t("output", value=f"{project.output_per_mu_wan:g}"))
    if project.tax_per_mu_wan is not None:
        out.append(t("tax", value=f"{project.tax_per_mu_wan:g}"))
    if project.districts:
        out.append(t("districts", names=("、" if lang == "zh" else ", ").join(project.districts)))
    if project.platform:
        out.append(t("platform", name=project.platform))
    wants = [translate(f"recommend.criterion.{c}", lang) for c, on in
             (("innovation", project.near_innovation), ("projects", project.near_projects)) if on]  # fmt: skip
    if wants:
        out.append(t("wants", what=("、" if lang == "zh" else ", ").join(wants)))
    return out


def build_recommendation_pdf(
    project: Project,
    rec: Recommendation,
    lang: str = "zh",
    *,
    sources: pd.DataFrame | None = None,
    date: dt.date | None = None,
) -> bytes:
    """The recommendation on one A4 page (PDF bytes)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    date = date or dt.date.today()
    t = lambda key, **v: translate(f"recommend.pdf.{key}", lang, **v)  # noqa: E731
    w, h = A4_PORTRAIT
    with plt.rc_context(rc_params()):
        fig = plt.figure(figsize=(w, h))
        y = h - 0.6
        width_em = 92

        def write(text: str, size: float, *, bold: bool = False, color: str = "#1b2631", gap: float = 0.04) -> None:
            nonlocal y
            for line in wrap_mixed(text, int(width_em * 8.5 / size)) or [""]:
                if y < 0.9:  # the page is full: the rest is on screen, and the page says so below
                    return
                fig.text(0.55 / w, y / h, line, fontsize=size, fontweight="bold" if bold else "normal", color=color,
                         va="top")  # fmt: skip
                y -= size / 72 * 1.35
            y -= gap

        write(t("title"), 16, bold=True, gap=0.08)
        write(t("made", date=date.isoformat()), 8, color="#5d6d7e", gap=0.12)
        write(t("project"), 11, bold=True)
        for line in project_lines(project, lang) or [t("no_project")]:
            write("• " + line, 8.5, gap=0.0)
        y -= 0.1
        write(explain(rec, lang), 8.5, gap=0.12)
        files: set[str] = set()
        for n, site in enumerate(rec.parcels[:PRINTED], 1):
            name = site.name_en if lang == "en" and site.name_en else site.name_zh
            score = "—" if site.score is None else f"{round(site.score * 100)}%"
            write(t("site", n=n, name=name, score=score, known=site.known), 10, bold=True, gap=0.02)
            for r in site.reasons:
                # the status in words: the shipped font subset has no check-mark glyphs
                mark = translate(f"recommend.status.{r.status}", lang)
                crit = translate(f"recommend.criterion.{r.criterion}", lang)
                write(f"[{mark}] {crit}: {r.text(lang)}", 7.5, color="#34495e", gap=0.0)
                if r.source:
                    files.update(s for s in r.source.split(";") if s)
            y -= 0.08
        if len(rec.parcels) > PRINTED:
            write(t("more", count=len(rec.parcels) - PRINTED), 8, color="#5d6d7e")
        if rec.left_out:
            write(t("left", count=len(rec.left_out)), 9, bold=True, gap=0.02)
            for item in rec.left_out[:6]:
                write(f"• {item.name_zh}: {item.reason.text(lang)}", 7.5, color="#34495e", gap=0.0)
            if len(rec.left_out) > 6:
                write(t("more_left", count=len(rec.left_out) - 6), 7.5, color="#5d6d7e")
        # the legend of the marks and the sources, at the foot of the page
        foot = [t("sources", files=cite_all(sorted(files), lang, sources)) if files else "", t("note")]
        fy = 0.75
        for line in reversed([seg for text in foot if text for seg in wrap_mixed(text, 130)]):
            fig.text(0.55 / w, fy / h, line, fontsize=6.5, color="#666", va="bottom")
            fy += 0.13
        buf = io.BytesIO()
        fig.savefig(buf, format="pdf")
        plt.close(fig)
    return buf.getvalue()
