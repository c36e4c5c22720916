"""Key figures on the cards come from the indicators table, unchanged."""

from __future__ import annotations

import pytest

from geodata.domain.figures import figure_count, format_value, key_figures
from geodata.model.schema import FOCUS_DISTRICTS


@pytest.mark.parametrize("district", FOCUS_DISTRICTS)
def test_each_focus_district_has_key_figures(indicators, district: str) -> None:
    figs = key_figures(indicators, district)
    assert 2 <= len(figs) <= 10


def test_key_figures_equal_their_rows(indicators) -> None:
    for area in indicators["area"].unique():
        for fig in key_figures(indicators, area):
            row = indicators[indicators["id"] == fig.id].iloc[0]
            assert row["headline"] == 1
            assert fig.area == area == row["area"]
            assert fig.quote == row["quote"]
            assert fig.source == row["source"]
            assert fig.display == format_value(row["value"], row["unit"], row["qualifier"])


def test_a_district_without_figures_has_no_cards(indicators) -> None:
    assert key_figures(indicators, "淳安县") == []
    assert figure_count(indicators, "淳安县") == 0


def test_qualifiers_are_kept(indicators) -> None:
    # a figure the source states as a bound never shows as an exact number
    bounded = indicators[indicators["qualifier"].isin(["超", "突破", "以上", "不少于"])]
    assert len(bounded)
    for _, row in bounded.iterrows():
        assert row["qualifier"] in format_value(row["value"], row["unit"], row["qualifier"])
