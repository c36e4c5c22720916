"""Names, columns, units and constants of the atlas data model, in one place.

The data pack (``geodata/pack``) and the GeoPackage store built from it share
these names; pages and components ask for layers and tables by them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

PACK_DIR: Final = Path(__file__).resolve().parents[1] / "pack"
SEEDS_DIR: Final = PACK_DIR / "seeds"

WGS84: Final = "EPSG:4326"
METRIC_CRS: Final = "EPSG:32651"  # WGS 84 / UTM 51N: areas and distances in Hangzhou

#: 1 亩 = 10000/15 m² (exact, by definition of the market mu).
M2_PER_MU: Final = 10000 / 15

#: Hangzhou's 13 districts and counties (2021 division): adcode -> (Chinese, English name).
DISTRICTS: Final = {
    "330102": ("上城区", "Shangcheng District"),
    "330105": ("拱墅区", "Gongshu District"),
    "330106": ("西湖区", "Xihu District"),
    "330108": ("滨江区", "Binjiang District"),
    "330109": ("萧山区", "Xiaoshan District"),
    "330110": ("余杭区", "Yuhang District"),
    "330111": ("富阳区", "Fuyang District"),
    "330112": ("临安区", "Lin'an District"),
    "330113": ("临平区", "Linping District"),
    "330114": ("钱塘区", "Qiantang District"),
    "330122": ("桐庐县", "Tonglu County"),
    "330127": ("淳安县", "Chun'an County"),
    "330182": ("建德市", "Jiande City"),
}
DISTRICT_NAMES: Final = tuple(zh for zh, _ in DISTRICTS.values())

#: Traditional-only characters that have a simplified form: names in the pack must not contain them.
TRADITIONAL_ONLY_CHARS: Final = frozenset(
    "區業產園雲錢華國發濟設會數實億萬資經權創術學點廠電機題場過進開門體書長與為這們時來對從樣應該將總規個營員"
    "鎮計號驗縣廣東陽龍務關鐵醫藥飛藝館網絡讓帶裝灣據處問間見視車軌線紅綠傳統還現專劃導圖讀語說話認識際標準層級團隊"
    "協調環態勢結論證價錄銷購貿質費貴賣買興礎築構濕衛葉輸運連鏈條韌側橋邊達遠遷選擇類屬棲漢亞歐"
    "週氣節蘇濱蕭臨陸陣後裡並無愛兒內兩聯聽腦顯療師紙義倉塊職蘭盤"
)

#: The three districts the sources are about; the others are context.
FOCUS_DISTRICTS: Final = ("西湖区", "滨江区", "钱塘区")

#: Spatial layers of the pack: layer name -> file in the pack.
LAYERS: Final = {
    "districts": "districts.geojson",
    "context": "context.geojson",
    "areas": "areas.geojson",
    "parcels": "parcels.geojson",
    "projects": "projects.geojson",
    "innovation": "innovation.geojson",
}

#: Attribute tables of the pack: table name -> file in the pack.
TABLES: Final = {
    "indicators": "indicators.csv",
    "funds": "funds.csv",
    "policies": "policies.csv",
    "sources": "sources.csv",
}

#: Geometry quality of every feature (design: honesty of data).
GEOMETRY_QUALITIES: Final = ("surveyed", "boundary", "indicative")

INDICATOR_COLUMNS: Final = (
    "id",
    "area",
    "subject",
    "category",
    "indicator",
    "indicator_en",
    "period",
    "period_basis",
    "value",
    "value_text",
    "qualifier",
    "unit",
    "unit_en",
    "headline",
    "source",
    "quote",
)

INDICATOR_CATEGORIES: Final = ("output", "investment", "funds", "innovation", "land", "policy", "other")

#: Columns that every parcel record may carry (all optional: unknown stays unknown).
PARCEL_COLUMNS: Final = (
    "id",
    "name_zh",
    "name_en",
    "district",
    "parent",
    "plan_id",
    "parcel_code",
    "location_zh",
    "area_m2",
    "area_mu",
    "land_use",
    "plot_ratio_min",
    "plot_ratio_max",
    "building_density_pct",
    "green_ratio_pct",
    "height_limit_m",
    "term_years",
    "price_start_wan",
    "price_final_wan",
    "deposit_wan",
    "investment_intensity_wan_per_mu",
    "tax_per_mu_wan",
    "energy_limit",
    "emission_limit",
    "supply_quarter",
    "status",
    "industry",
    "surroundings_zh",
    "description_zh",
    "source",
    "quote",
    "geometry_quality",
    "location_basis",
)

#: The numeric parcel fields (the data model's measures; everything else is text; None = unknown).
PARCEL_NUMERIC: Final = (
    "area_m2",
    "area_mu",
    "plot_ratio_min",
    "plot_ratio_max",
    "building_density_pct",
    "green_ratio_pct",
    "height_limit_m",
    "term_years",
    "price_start_wan",
    "price_final_wan",
    "deposit_wan",
    "investment_intensity_wan_per_mu",
    "tax_per_mu_wan",
)

#: Parcel status values and their Chinese labels.
PARCEL_STATUS_ZH: Final = {"planned": "计划出让", "listed": "挂牌", "sold": "成交"}

#: Shown wherever a value is not given by any source.
NOT_PUBLISHED_ZH: Final = "待公布"
NOT_PUBLISHED_EN: Final = "not yet published"

#: Numeric columns of the attribute tables (everything else is text; empty = unknown).
NUMERIC_COLUMNS: Final = {
    "indicators": ("value", "headline"),
    "funds": ("size_value",),
    "policies": ("threshold_value", "cap_value", "rate_pct", "annual_budget_value"),
    "sources": (),
}
