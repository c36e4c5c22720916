"""The file's columns mapped to the atlas's parcel fields: remembered per source, else by common names."""


from __future__ import annotations

from collections.abc import Mapping, Sequence

from geodata.model.schema import PARCEL_COLUMNS, PARCEL_STATUS_ZH

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
    "area_mu": ("area_mu", "mu", "面积亩", "面积(亩)", "亩"),
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


