"""Site recommendation (智能选址): rank supply parcels and platforms for a described project,
each with its reasons broken down and sourced, and say why the others were left out.

Honesty rules, the reason this module exists rather than a score out of nowhere:

- every criterion is ``fit``, ``partial``, ``no_fit`` or ``unknown``. ``unknown`` means no source
  (seed or imported file) covers it for this site: it is shown, never scored as 0 or 1;
- a site's score is the weighted share of its *known* criteria that fit (fit 1, partial 0.5,
  no fit 0), and the result says how many criteria were known. Sites rank by score, then by how
  many criteria were known (more evidence first), then by name, so a site known to fit two
  criteria ranks above one that fits the only criterion known about it when the scores tie;
- a parcel whose area is "not yet published" has an unknown size fit, not a fit;
- hard filters (outside the preferred districts, a known land use that is not industrial, a
  known area far outside the wanted range) leave a site out, and the left-out list says why.

Pure functions over frames (no Streamlit). Distances on the metric CRS; the pack's features
are placed indicatively, so distances to them are approximate, and the reasons say so.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata.domain.policies import Profile, find_measures
from geodata.model.schema import METRIC_CRS, WGS84
from geodata.text.formats import place_or_quote, term
from geodata.text.i18n import translate

Status = Literal["fit", "partial", "no_fit", "unknown"]
VALUE: Final[dict[str, float]] = {"fit": 1.0, "partial": 0.5, "no_fit": 0.0}
#: The criteria, in the order they are shown; each has a weight in :class:`Weights`.
CRITERIA: Final = ("size", "sector", "intensity", "tax", "output", "policy", "platform", "innovation", "projects")
#: Distances (km) for "near": within NEAR_KM fits, within FAR_KM partly fits.
NEAR_KM: Final = 3.0
FAR_KM: Final = 10.0
#: A known area below half or above twice the wanted range leaves the parcel out.
SIZE_SLACK: Final = 2.0
#: Land uses that are not for industry (a known one of these leaves the parcel out).
NOT_INDUSTRIAL: Final = ("住宅", "商业", "商服", "居住", "residential", "commercial")
MAX_RESULTS: Final = 50


@dataclass(frozen=True)
class Project:
    """What an investor or staff member describes. ``None`` / empty means "not given"."""

    sector: str | None = None
    land_mu_min: float | None = None
    land_mu_max: float | None = None
    investment_wan: float | None = None
    output_per_mu_wan: float | None = None
    tax_per_mu_wan: float | None = None
    districts: tuple[str, ...] = ()
    near_innovation: bool = False
    near_projects: bool = False
    platform: str | None = None

    def __post_init__(self) -> None:
        for name in ("land_mu_min", "land_mu_max", "investment_wan", "output_per_mu_wan", "tax_per_mu_wan"):
            v = getattr(self, name)
            if v is not None and (not math.isfinite(v) or v < 0):
                raise ValueError(f"{name} must be a non-negative number, not {v!r}")
        if self.land_mu_min is not None and self.land_mu_max is not None and self.land_mu_min > self.land_mu_max:
            raise ValueError("land_mu_min is above land_mu_max")

    @property
    def land_mu_mid(self) -> float | None:
        lo, hi = self.land_mu_min, self.land_mu_max
        if lo is not None and hi is not None:
            return (lo + hi) / 2
        return hi if hi is not None else lo


@dataclass(frozen=True)
class Weights:
    """How much each criterion counts (0 = ignored); the page lets the user change them."""

    size: float = 2.0
    sector: float = 2.0
    intensity: float = 1.0
    tax: float = 1.0
    output: float = 1.0
    policy: float = 1.0
    platform: float = 1.0
    innovation: float = 1.0
    projects: float = 1.0

    def of(self, criterion: str) -> float:
        return max(0.0, float(getattr(self, criterion)))


@dataclass(frozen=True)
class Reason:
    """One criterion for one site: its status, its reason (catalogue key + values) and its source."""

    criterion: str
    status: Status
    key: str
    values: Mapping[str, object] = field(default_factory=dict)
    source: str = ""

    def text(self, lang: str) -> str:
        """The reason in ``lang``: place names and sectors in that language too."""
        values = dict(self.values)
        for k in ("district", "platform", "parent", "name"):
            if isinstance(values.get(k), str):
                values[k] = place_or_quote(values[k], lang)
        for k in ("sector", "stated"):
            if isinstance(values.get(k), str):
                values[k] = term(values[k], "sector", lang)
        return translate(f"recommend.reason.{self.key}", lang, **values)


@dataclass(frozen=True)
class Ranked:
    """A site with its score over the known criteria and every reason."""

    kind: Literal["parcel", "area"]
    id: str
    name_zh: str
    name_en: str
    district: str
    score: float | None  # None: no criterion known
    known: int
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class LeftOut:
    kind: Literal["parcel", "area"]
    id: str
    name_zh: str
    reason: Reason


@dataclass(frozen=True)
class Recommendation:
    parcels: tuple[Ranked, ...]
    areas: tuple[Ranked, ...]
    left_out: tuple[LeftOut, ...]
    considered: int


# ---- helpers ---------------------------------------------------------------------------------


def _num(v: object) -> float | None:
    try:
        f = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _text(v: object) -> str:
    return "" if v is None or (isinstance(v, float) and v != v) else str(v).strip()


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.1f}".rstrip("0").rstrip(".")


def _anchor_xy(gdf: gpd.GeoDataFrame) -> np.ndarray:
    """One metric (x, y) per feature: a point on it (its centroid for a polygon, if inside)."""
    if gdf.empty:
        return np.zeros((0, 2))
    g = gdf.geometry
    if g.crs is None:
        g = g.set_crs(WGS84)
    pts = g.to_crs(METRIC_CRS).representative_point()
    return np.column_stack([pts.x.to_numpy(), pts.y.to_numpy()])


def _nearest_km(origins: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distance (km) from each origin to its nearest target, and that target's index (chunked, so
    10,000 origins × a few hundred targets stay small in memory)."""
    n = len(origins)
    if not len(targets) or not n:
        return np.full(n, np.nan), np.full(n, -1)
    dist = np.empty(n)
    idx = np.empty(n, dtype=int)
    for start in range(0, n, 4096):
        block = origins[start : start + 4096]
        d = np.hypot(block[:, None, 0] - targets[None, :, 0], block[:, None, 1] - targets[None, :, 1])
        idx[start : start + len(block)] = d.argmin(axis=1)
        dist[start : start + len(block)] = d.min(axis=1) / 1000
    return dist, idx


def _parent_chains(areas: pd.DataFrame) -> dict[str, list[str]]:
    parents = dict(zip(areas["name_zh"], areas["parent"], strict=True)) if len(areas) else {}
    out: dict[str, list[str]] = {}
    for name in parents:
        chain, cur = [], name
        while isinstance(cur, str) and cur and cur not in chain and len(chain) < 8:
            chain.append(cur)
            cur = parents.get(cur)
        out[name] = chain
    return out


def _chain(name: object, chains: Mapping[str, list[str]]) -> list[str]:
    text = _text(name)
    return chains.get(text, [text] if text else [])


def _sector_matches(stated: str, wanted: str) -> bool:
    """Whether a stated industry names the wanted sector (either way round, ignoring separators).

    >>> _sector_matches("生物医药、医疗器械", "生物医药"), _sector_matches("集成电路", "生物医药")
    (True, False)
    """
    parts = [p.strip() for p in stated.replace("，", "、").replace(",", "、").replace(";", "、").split("、")]
    return any(p and (wanted in p or p in wanted) for p in parts)


# ---- the criteria ----------------------------------------------------------------------------


def _size(area_mu: float | None, project: Project, source: str) -> Reason | None:
    if project.land_mu_min is None and project.land_mu_max is None:
        return None
    lo = project.land_mu_min if project.land_mu_min is not None else 0.0
    hi = project.land_mu_max if project.land_mu_max is not None else math.inf
    want = {"lo": _fmt(lo), "hi": _fmt(hi) if hi != math.inf else "∞"}
    if area_mu is None:
        return Reason("size", "unknown", "size_unknown", want)
    vals = {**want, "area": _fmt(area_mu)}
    if lo <= area_mu <= hi:
        return Reason("size", "fit", "size_fit", vals, source)
    near = lo / 1.25 <= area_mu <= hi * 1.25
    return Reason("size", "partial" if near else "no_fit", "size_near" if near else "size_off", vals, source)


def _intensity(required: float | None, project: Project, source: str, key: str, criterion: str) -> Reason | None:
    """Investment (or tax) per 亩 the project brings against what the land requires."""
    if criterion == "intensity":
        mid = project.land_mu_mid
        offered = project.investment_wan / mid if project.investment_wan is not None and mid else None
    else:
        offered = project.tax_per_mu_wan
    if offered is None:
        return None
    if required is None:
        return Reason(criterion, "unknown", f"{key}_unknown", {"offered": _fmt(offered)})
    vals = {"offered": _fmt(offered), "required": _fmt(required)}
    return Reason(criterion, "fit" if offered >= required else "no_fit", f"{key}_{'fit' if offered >= required else 'off'}", vals, source)


def _score(reasons: Sequence[Reason], weights: Weights) -> tuple[float | None, int]:
    known = [r for r in reasons if r.status != "unknown"]
    total = sum(weights.of(r.criterion) for r in known)
    if not known or total == 0:
        return None, len(known)
    return sum(weights.of(r.criterion) * VALUE[r.status] for r in known) / total, len(known)


def _sort_key(r: Ranked) -> tuple:
    return (-(r.score if r.score is not None else -1.0), -r.known, r.name_zh, r.id)


def _policy_reasons(
    policies: pd.DataFrame, districts: Sequence[str], sector: str | None, investment: float | None, lang: str
) -> dict[str, Reason]:
    """The support measures per district, found once per district (not once per parcel)."""
    covered = set(policies["district"]) if len(policies) else set()
    out: dict[str, Reason] = {}
    profile = Profile(investment_wan=investment)
    for d in set(districts):
        if d not in covered:
            out[d] = Reason("policy", "unknown", "policy_unknown", {"district": d})
            continue
        matches = find_measures(policies, d, sector, profile, lang)
        if not matches:
            out[d] = Reason("policy", "no_fit", "policy_none", {"district": d})
            continue
        estimates = [m for m in matches if m.estimate_text]
        best = estimates[0] if estimates else matches[0]
        vals = {"district": d, "count": len(matches), "measure": best.measure if lang == "zh" else (best.measure_en or best.measure)}
        key = "policy_estimate" if estimates else "policy_fit"
        if estimates:
            vals["estimate"] = best.estimate_text or ""
        out[d] = Reason("policy", "fit", key, vals, best.source)
    return out


# ---- ranking ---------------------------------------------------------------------------------


def rank(
    project: Project,
    parcels: gpd.GeoDataFrame,
    areas: gpd.GeoDataFrame,
    projects: gpd.GeoDataFrame,
    innovation: gpd.GeoDataFrame,
    policies: pd.DataFrame,
    weights: Weights | None = None,
    lang: str = "zh",
    limit: int = MAX_RESULTS,
) -> Recommendation:
    """Rank the parcels and the platforms/parks for ``project``; see the module's rules."""
    weights = weights or Weights()
    chains = _parent_chains(areas)
    left: list[LeftOut] = []
    keep = np.ones(len(parcels), dtype=bool)

    district = parcels["district"].map(_text).to_numpy() if len(parcels) else np.array([], dtype=object)
    area_mu = pd.to_numeric(parcels.get("area_mu"), errors="coerce") if len(parcels) else pd.Series(dtype=float)
    if len(parcels) and "area_m2" in parcels:  # a file may give m² only
        m2 = pd.to_numeric(parcels["area_m2"], errors="coerce")
        area_mu = area_mu.fillna(m2 * 15 / 10000)
    land_use = parcels["land_use"].map(_text).to_numpy() if "land_use" in parcels else np.full(len(parcels), "")
    names = parcels["name_zh"].map(_text).to_numpy() if len(parcels) else np.array([], dtype=object)
    ids = parcels["id"].astype(str).to_numpy() if len(parcels) else np.array([], dtype=object)

    # hard filters, each with its reason (plain arrays: row access on a frame costs ~1 ms a row)
    area_arr = area_mu.to_numpy(dtype=float, na_value=np.nan) if len(parcels) else np.array([])
    for i in range(len(parcels)):
        reason = None
        if project.districts and district[i] not in project.districts:
            reason = Reason("district", "no_fit", "left_district", {"district": district[i]})
        elif land_use[i] and any(w in land_use[i] for w in NOT_INDUSTRIAL):
            reason = Reason("land_use", "no_fit", "left_land_use", {"land_use": land_use[i]})
        else:
            a = _num(area_arr[i])
            lo, hi = project.land_mu_min, project.land_mu_max
            if a is not None and lo is not None and a < lo / SIZE_SLACK:
                reason = Reason("size", "no_fit", "left_small", {"area": _fmt(a), "lo": _fmt(lo)})
            elif a is not None and hi is not None and a > hi * SIZE_SLACK:
                reason = Reason("size", "no_fit", "left_large", {"area": _fmt(a), "hi": _fmt(hi)})
        if reason is not None:
            keep[i] = False
            left.append(LeftOut("parcel", ids[i], names[i], reason))

    kept = parcels[keep]
    xy = _anchor_xy(kept)
    inno_km, inno_i = _nearest_km(xy, _anchor_xy(innovation)) if project.near_innovation else (None, None)
    proj_km, proj_i = _nearest_km(xy, _anchor_xy(projects)) if project.near_projects else (None, None)
    policy = _policy_reasons(policies, list(kept["district"].map(_text)) + list(areas["district"].map(_text)),
                             project.sector, project.investment_wan, lang)  # fmt: skip

    ranked: list[Ranked] = []
    kept_area = area_arr[keep]
    records = pd.DataFrame(kept.drop(columns=kept.geometry.name)).to_dict("records")
    inno_names = [(_text(n), _text(s)) for n, s in zip(innovation.get("name_zh", []), innovation.get("source", []), strict=False)]
    proj_names = [(_text(n), _text(s)) for n, s in zip(projects.get("name_zh", []), projects.get("source", []), strict=False)]
    for j, row in enumerate(records):
        source = _text(row.get("source"))
        reasons: list[Reason] = []
        a = _num(kept_area[j])
        r = _size(a, project, source)
        if r:
            reasons.append(r)
        if project.sector:
            stated = _text(row.get("industry"))
            if stated:
                fit = _sector_matches(stated, project.sector)
                reasons.append(Reason("sector", "fit" if fit else "no_fit", "sector_fit" if fit else "sector_off",
                                      {"stated": stated, "sector": project.sector}, source))  # fmt: skip
            else:
                reasons.append(Reason("sector", "unknown", "sector_unknown", {"sector": project.sector}))
        for criterion, column, key in (("intensity", "investment_intensity_wan_per_mu", "intensity"),
                                       ("tax", "tax_per_mu_wan", "tax")):  # fmt: skip
            r = _intensity(_num(row.get(column)), project, source, key, criterion)
            if r:
                reasons.append(r)
        if project.output_per_mu_wan is not None:
            # no seed and no parcel column sets an output requirement per mu: said, not scored
            reasons.append(Reason("output", "unknown", "output_unknown", {"offered": _fmt(project.output_per_mu_wan)}))
        reasons.append(policy[_text(row.get("district"))])
        if project.platform:
            chain = _chain(row.get("parent"), chains)
            inside = project.platform in chain
            reasons.append(Reason("platform", "fit" if inside else "no_fit", "platform_in" if inside else "platform_out",
                                  {"platform": project.platform, "parent": chain[0] if chain else "—"}, source))  # fmt: skip
        for wanted, km, idx, targets, crit in ((project.near_innovation, inno_km, inno_i, inno_names, "innovation"),
                                              (project.near_projects, proj_km, proj_i, proj_names, "projects")):  # fmt: skip
            if not wanted:
                continue
            if km is None or not np.isfinite(km[j]):
                reasons.append(Reason(crit, "unknown", f"{crit}_none"))
                continue
            target_name, target_source = targets[int(idx[j])]
            status: Status = "fit" if km[j] <= NEAR_KM else "partial" if km[j] <= FAR_KM else "no_fit"
            # for projects: the sources name each signed project, not its industrial chain, so the
            # distance is to the nearest signed project of any chain, and the reason says so
            reasons.append(Reason(crit, status, f"{crit}_near", {"name": target_name, "km": f"{km[j]:.1f}"}, target_source))
        score, known = _score(reasons, weights)
        ranked.append(Ranked("parcel", str(row["id"]), _text(row.get("name_zh")) or str(row["id"]),
                             _text(row.get("name_en")), _text(row.get("district")), score, known, tuple(reasons)))  # fmt: skip

    ranked_areas = _rank_areas(project, areas, parcels, innovation, projects, policy, chains, weights, left)
    ranked.sort(key=_sort_key)
    return Recommendation(tuple(ranked[:limit]), tuple(ranked_areas[:limit]), tuple(left), len(parcels))


def _rank_areas(project, areas, parcels, innovation, projects, policy, chains, weights, left) -> list[Ranked]:  # type: ignore[no-untyped-def]
    """Platforms and parks: district, named platform, support measures, supply parcels inside,
    nearness. Their stated industries are not in the sources in a form that can be matched, so
    the sector criterion is unknown for every platform and says so."""
    out: list[Ranked] = []
    if not len(areas):
        return out
    xy = _anchor_xy(areas)
    inno_km, inno_i = _nearest_km(xy, _anchor_xy(innovation)) if project.near_innovation else (None, None)
    # supply parcels per platform, counted once per distinct parent (not once per parcel)
    per_parent = parcels["parent"].map(_text).value_counts() if len(parcels) and "parent" in parcels else pd.Series(dtype=int)
    parcels_in: dict[str, int] = {}
    for parent, n in per_parent.items():
        for name_up in _chain(parent, chains):
            parcels_in[name_up] = parcels_in.get(name_up, 0) + int(n)
    for j, (_, row) in enumerate(areas.iterrows()):
        name = _text(row.get("name_zh"))
        district = _text(row.get("district"))
        if project.districts and district not in project.districts:
            left.append(LeftOut("area", str(row["id"]), name, Reason("district", "no_fit", "left_district", {"district": district})))
            continue
        source = _text(row.get("source"))
        reasons: list[Reason] = []
        if project.sector:
            reasons.append(Reason("sector", "unknown", "sector_platform_unknown", {"sector": project.sector}))
        reasons.append(policy[district])
        if project.platform:
            inside = project.platform in _chain(name, chains)
            reasons.append(Reason("platform", "fit" if inside else "no_fit", "area_platform_in" if inside else "area_platform_out",
                                  {"platform": project.platform}, source))  # fmt: skip
        count = parcels_in.get(name, 0)
        if count:
            reasons.append(Reason("size", "partial", "area_parcels", {"count": count}, source))
        if project.near_innovation and inno_km is not None and np.isfinite(inno_km[j]):
            target = innovation.iloc[int(inno_i[j])]
            km = inno_km[j]
            status: Status = "fit" if km <= NEAR_KM else "partial" if km <= FAR_KM else "no_fit"
            reasons.append(Reason("innovation", status, "innovation_near",
                                  {"name": _text(target.get("name_zh")), "km": f"{km:.1f}"}, _text(target.get("source"))))  # fmt: skip
        score, known = _score(reasons, weights)
        out.append(Ranked("area", str(row["id"]), name, _text(row.get("name_en")), district, score, known, tuple(reasons)))
    out.sort(key=_sort_key)
    return out


def explain(rec: Recommendation, lang: str = "zh") -> str:
    """The ranking in words: how many sites were weighed, the first one and why, what was unknown.

    >>> explain(Recommendation((), (), (), 0), "en")
    'No supply parcel fits the project: none was left after the filters (0 considered).'
    """
    if not rec.parcels:
        return translate("recommend.explain.none", lang, considered=rec.considered, left=len(rec.left_out))
    top = rec.parcels[0]
    fits = [r for r in top.reasons if r.status == "fit"]
    unknown = [r for r in top.reasons if r.status == "unknown"]
    name = top.name_en if lang == "en" and top.name_en else top.name_zh
    crit = lambda rs: ("、" if lang == "zh" else ", ").join(translate(f"recommend.criterion.{r.criterion}", lang) for r in rs)  # noqa: E731
    parts = [translate("recommend.explain.head", lang, considered=rec.considered, ranked=len(rec.parcels),
                       left=len(rec.left_out))]  # fmt: skip
    if top.score is None:
        parts.append(translate("recommend.explain.all_unknown", lang, name=name))
    else:
        parts.append(translate("recommend.explain.top", lang, name=name, score=round(top.score * 100),
                               known=top.known, fits=crit(fits) or "—"))  # fmt: skip
    if unknown:
        parts.append(translate("recommend.explain.unknown", lang, criteria=crit(unknown)))
    return " ".join(parts)
