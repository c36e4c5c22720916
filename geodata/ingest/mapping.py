"""The file's columns mapped to the atlas's parcel fields: remembered per source, else by common names."""


from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from geodata.model.schema import PARCEL_COLUMNS, PARCEL_STATUS_ZH

#: Key under which a remembered mapping keeps the column the parcel code comes from (it may
#: also fill another field, such as the name). Never a column name GDAL produces.
CODE_KEY = "*code*"
#: Square metres in one 亩.
M2_PER_MU = 10000 / 15

#: Atlas fields an import may fill (``id`` is the parcel code; bookkeeping is the store's).
#: ``source`` is the import's source name and ``geometry_quality`` is "surveyed": neither comes from a column.
IMPORT_FIELDS: tuple[str, ...] = tuple(
    c for c in PARCEL_COLUMNS if c not in ("id", "geometry_quality", "source")
)

_ALIASES: dict[str, tuple[str, ...]] = {
    "parcel_code": ("parcel_code", "code", "dkbh", "地块编号", "宗地编号", "编号", "dkdm", "地块代码"),
    "name_zh": ("name_zh", "name", "mc", "dkmc", "名称", "地块名称", "宗地名称"),
    "name_en": ("name_en", "english_name"),
    "district": ("district", "qx", "区县", "所在区", "行政区"),
    "location_zh": ("location_zh", "location", "zl", "坐落", "位置", "地块位置"),
    "area_m2": ("area_m2", "area", "mj", "面积", "用地面积", "面积_m2", "面积(平方米)", "出让面积"),
    "area_mu": (
        "area_mu", "mu", "mj_mu", "mjmu", "mu_mj", "面积亩", "面积_亩", "面积(亩)", "面积（亩）", "亩", "亩数",
        "用地面积(亩)", "用地面积（亩）", "出让面积(亩)", "出让面积（亩）", "用地面积亩", "出让面积亩",
    ),
    "land_use": ("land_use", "ydxz", "用途", "用地性质", "土地用途"),
    "plot_ratio_max": ("plot_ratio", "plot_ratio_max", "rjl", "容积率"),
    "supply_quarter": ("supply_quarter", "quarter", "季度", "供应季度", "计划季度"),
    "status": ("status", "zt", "状态", "出让状态"),
    "industry": ("industry", "产业", "产业方向"),
    "description_zh": ("description_zh", "description", "备注", "说明", "描述"),
    "term_years": ("term_years", "出让年限", "年限"),
    "price_start_wan": ("price_start_wan", "起始价", "起始价(万元)"),
}
STATUS_IN = {
    **{k: k for k in PARCEL_STATUS_ZH},
    **{v: k for k, v in PARCEL_STATUS_ZH.items()},
    "计划": "planned",
    "待出让": "planned",
    "已挂牌": "listed",
    "已成交": "sold",
    "已出让": "sold",
}

# -- 3. columns ------------------------------------------------------------------------------


def suggest_mapping(columns: Sequence[str], remembered: Mapping[str, str] | None = None) -> dict[str, str]:
    """file column -> atlas field: a remembered mapping first, then known names.

    >>> suggest_mapping(["DKBH", "MC", "面积", "other"])
    {'DKBH': 'parcel_code', 'MC': 'name_zh', '面积': 'area_m2'}
    >>> suggest_mapping(["编号", "MC"], {"MC": "location_zh"})
    {'MC': 'location_zh', '编号': 'parcel_code'}
    """
    out: dict[str, str] = {}
    used: set[str] = set()
    for col, target in (remembered or {}).items():
        if col in columns and target in IMPORT_FIELDS and target not in used:
            out[col] = target
            used.add(target)
    for col in columns:
        if col in out:
            continue
        key = str(col).strip().lower()
        for target, names in _ALIASES.items():
            if target not in used and key in names:
                out[col] = target
                used.add(target)
                break
    return out




def area_unit(values: pd.Series, outline_m2: pd.Series | None = None) -> str | None:
    """``"area_m2"`` or ``"area_mu"``: which unit a column of areas is in, or None if unclear.

    With outlines (their areas in m², same rows) the values are compared with them: a ratio
    near 1 is m², near 1/666.7 is 亩. Without outlines, the range decides: industrial
    parcels are rarely under 1,500 m², so a column whose values all stay below 3,000
    with a median below 500 is taken as 亩.

    >>> area_unit(pd.Series([30, 45.5, 120]))
    'area_mu'
    >>> area_unit(pd.Series([20000, 30000, 41000.5]))
    'area_m2'
    >>> area_unit(pd.Series([45, 60]), pd.Series([30000.0, 40000.0]))
    'area_mu'
    >>> area_unit(pd.Series(["x", None])) is None
    True
    """
    numbers = pd.to_numeric(values.astype(str).str.replace(",", ""), errors="coerce")
    if outline_m2 is not None:
        ratio = (numbers / pd.to_numeric(outline_m2, errors="coerce")).replace([np.inf, -np.inf], np.nan)
        ratio = ratio[ratio > 0].dropna()
        if len(ratio):
            median = float(ratio.median())
            if 0.5 <= median <= 2:
                return "area_m2"
            if 0.5 / M2_PER_MU <= median <= 2 / M2_PER_MU:
                return "area_mu"
    numbers = numbers[numbers > 0].dropna()
    if not len(numbers):
        return None
    if float(numbers.max()) <= 3000 and float(numbers.median()) <= 500:
        return "area_mu"
    return "area_m2"


def suggest_area_units(
    mapping: Mapping[str, str], frame: pd.DataFrame, outline_m2: pd.Series | None = None
) -> dict[str, str]:
    """``mapping`` with each area column moved to the unit its values say (names alone often lie).

    A column named plainly ``面积`` or ``MJ`` is taken as m² by name; its values decide.
    A column whose name says 亩 keeps it.
    """
    out = dict(mapping)
    for col, target in mapping.items():
        if target not in ("area_m2", "area_mu") or col not in frame.columns:
            continue
        if target == "area_mu" and str(col).strip().lower() in _ALIASES["area_mu"]:
            continue
        unit = area_unit(frame[col], outline_m2)
        if unit and unit != target and unit not in out.values():
            out[col] = unit
    return out


def suggest_code_column(
    columns: Sequence[str], mapping: Mapping[str, str], remembered: Mapping[str, str] | None = None
) -> str | None:
    """The column the parcel code comes from, or None (codes are then generated).

    >>> suggest_code_column(["MC"], {"MC": "name_zh"}, {CODE_KEY: "MC"})
    'MC'
    >>> suggest_code_column(["DKBH", "MC"], {"DKBH": "parcel_code", "MC": "name_zh"})
    'DKBH'
    >>> suggest_code_column(["MC"], {"MC": "name_zh"}) is None
    True
    """
    kept = (remembered or {}).get(CODE_KEY)
    if kept in columns:
        return kept
    return next((c for c, t in mapping.items() if t == "parcel_code" and c in columns), None)
