"""Area units of land: 亩, square metres, hectares."""

from __future__ import annotations

from typing import Final

from geodata.model.schema import M2_PER_MU

# --------------------------------------------------------------------------------------------
# Units
# --------------------------------------------------------------------------------------------

M2_PER_HA: Final = 10_000.0


def mu_to_m2(mu: float) -> float:
    """亩 to square metres (1 亩 = 10000/15 m², exactly).

    Examples
    --------
    >>> mu_to_m2(15)
    10000.0
    >>> round(mu_to_m2(1018))
    678667
    """
    return float(mu) * M2_PER_MU


def m2_to_mu(m2: float) -> float:
    """Square metres to 亩.

    Examples
    --------
    >>> m2_to_mu(10000)
    15.0
    """
    return float(m2) / M2_PER_MU


def mu_to_ha(mu: float) -> float:
    """亩 to hectares (15 亩 = 1 公顷).

    Examples
    --------
    >>> mu_to_ha(15)
    1.0
    """
    return mu_to_m2(mu) / M2_PER_HA


