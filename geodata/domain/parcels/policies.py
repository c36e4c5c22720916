"""Which support measures apply to a parcel: its district and sector matched to the policy clauses."""

from __future__ import annotations

import pandas as pd

from geodata.domain.policies import Match, Profile, find_measures

# --------------------------------------------------------------------------------------------
# Policies
# --------------------------------------------------------------------------------------------


def parcel_policies(
    policies: pd.DataFrame, district: str, sector: str | None, lang: str = "zh"
) -> list[Match]:
    """The support measures of a parcel's district (for ``sector`` and the ``全部`` ones; None = all).

    A thin use of :func:`geodata.domain.policies.find_measures` with an empty profile: the card lists
    the measures, it does not judge an investor's project against them.

    Examples
    --------
    >>> df = pd.DataFrame([dict(id="p1", district="西湖区", sector="生物医药", measure="产业化项目支持",
    ...     condition="", threshold_value=float("nan"), threshold_unit="", cap_value=float("nan"),
    ...     cap_unit="", rate_pct=float("nan"), rate_basis="", annual_budget_value=float("nan"),
    ...     annual_budget_unit="", budget_qualifier="", source="000.txt", quote="")])
    >>> [m.policy_id for m in parcel_policies(df, "西湖区", "生物医药")]
    ['p1']
    >>> parcel_policies(df, "钱塘区", None)
    []
    """
    if not district:
        return []
    return find_measures(policies, district, sector or None, Profile(), lang)


