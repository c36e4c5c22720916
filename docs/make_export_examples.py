"""Make the example exports shown in the README (docs/export/): offline basemap, shipped data.

.venv/bin/python docs/make_export_examples.py
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("ATLAS_STORE", str(Path(tempfile.mkdtemp()) / "atlas.gpkg"))


from geodata.domain.areas import choropleth_values, classify  # noqa: E402
from geodata.export.brochure import BrochureConfig, build_brochure  # noqa: E402
from geodata.export.charts import area_charts, render_chart  # noqa: E402
from geodata.export.picture import BasemapChoice, MapContent, MapView, PictureSpec, render_picture  # noqa: E402
from geodata.model import pack_reader  # noqa: E402
from geodata.model.schema import FOCUS_DISTRICTS, LAYERS  # noqa: E402

OUT = REPO / "docs" / "export"
OFFLINE = BasemapChoice("offline", "离线底图（本地数据）")
DATE = dt.date(2026, 11, 24)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    layers = {n: pack_reader.read_pack_layer(n) for n in LAYERS}
    indicators = pack_reader.read_pack_table("indicators")
    sources = pack_reader.read_pack_table("sources")
    policies = pack_reader.read_pack_table("policies")
    d = layers["districts"]
    view = MapView.around(d[d["name_zh"].isin(FOCUS_DISTRICTS)], 0.02)

    charts = tuple(area_charts(indicators, "西湖区", "zh")[:2])
    spec = PictureSpec("杭州产业用地与产业集群总览", "西湖区 · 2026 年产业用地、科技城与园区、签约项目和创新资源",
                       "a4_landscape", "double", "zh", charts, DATE)  # fmt: skip
    pic = render_picture(
        layers, view, spec, OFFLINE, MapContent(highlight=d[d["name_zh"] == "西湖区"]), sources
    )
    (OUT / "overview_a4_landscape.png").write_bytes(pic.png)
    (OUT / "overview_a4_landscape.pdf").write_bytes(pic.pdf)

    names = list(d["name_zh"]) + list(layers["areas"]["name_zh"])
    table = choropleth_values(indicators, "规上工业总产值", names)
    classes, _ = classify(table["value"], k=5)
    values = {
        a: (v, None if c != c else int(c))
        for a, v, c in zip(table["area"], table["value"], classes, strict=True)
    }
    content = MapContent("choropleth", None, values, ("3,700 亿元",), "Industrial output (亿元)",
                         tuple(sorted(set(table.dropna(subset=["value"])["source"]))))  # fmt: skip
    spec = PictureSpec("Thematic map: industrial output above designated size", "Areas without a source stay grey",
                       "slide", "screen", "en", (), DATE)  # fmt: skip
    (OUT / "choropleth_slide_en.png").write_bytes(
        render_picture(layers, view, spec, OFFLINE, content, sources).png
    )

    (OUT / "chart_xihu_output.svg").write_bytes(
        render_chart(charts[0], "a4_landscape", "screen", "svg", "zh")
    )

    # the whole city in English: the longest district names, placed without overlap
    spec = PictureSpec("Hangzhou: industrial land and clusters", "The whole city, offline basemap",
                       "a4_landscape", "screen", "en", (), DATE)  # fmt: skip
    (OUT / "overview_city_en.png").write_bytes(
        render_picture(layers, MapView.around(d, 0.02), spec, OFFLINE, MapContent(), sources).png
    )

    import pypdfium2

    # the first parcel has the most crowded close-up (seven neighbours within 1.3 km); no contact
    # is configured, so the brochure leaves that section out
    for lang in ("zh", "en"):
        pdf = build_brochure(
            layers["parcels"].iloc[:1], layers, policies, sources, BrochureConfig(), lang, date=DATE
        )
        name = "brochure_page1.png" if lang == "zh" else "brochure_page1_en.png"
        pypdfium2.PdfDocument(pdf)[0].render(scale=110 / 72).to_pil().save(OUT / name, optimize=True)
    for path in sorted(OUT.iterdir()):
        print(f"{path.relative_to(REPO)}: {path.stat().st_size / 1e3:,.0f} KB")


if __name__ == "__main__":
    main()
