"""Meeting mode in AppTest: every shipped tour validates and every stop renders, in both languages."""

from __future__ import annotations

import html
import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from components import state
from geodata.domain.tours import list_tour_files, load_tours, stop_figures
from geodata.text.formats import unit_label
from geodata.text.i18n import translate
from tests.app.english import assert_english

PAGE = "app_pages/meeting.py"
K = state.MEETING


def _markdown(at: AppTest) -> str:
    """Every Markdown and HTML block (the overview draws its cards with st.html)."""
    return "\n".join(html.unescape(m.value) for m in [*at.markdown, *at.html])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_shipped_tour_validates(tour_index, lang: str) -> None:
    tours, problems = load_tours(tour_index, lang)
    assert problems == []
    assert len(tours) == len(list_tour_files()) >= 3


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_picker_lists_the_tours_in_the_session_language(open_page, tour_index, lang: str) -> None:
    at = open_page(PAGE, lang=lang)
    tours, _ = load_tours(tour_index, lang)
    assert at.title[0].value == translate("tour.page.title", lang)
    box = at.selectbox(key=K["tour"])
    assert box.options == [t.title.get(lang) for t in tours]
    assert not at.error


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_stop_of_every_tour_renders(open_page, tour_index, lang: str) -> None:
    tours, _ = load_tours(tour_index, lang)
    at = open_page(PAGE, lang=lang)
    for tour in tours:
        if at.session_state[K["presenting"]]:
            at.button(key=K["exit"]).click().run()
        at.selectbox(key=K["tour"]).set_value(tour.id).run()
        at.button(key=K["start"]).click().run()
        assert not at.exception, at.exception
        # every stop's panel is on the page (the browser shows one and steps there); the
        # server's stop is the one the stage element names
        text = _markdown(at)
        charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
        assert len(charts) == sum(1 for s in tour.stops if s.chart), tour.id
        charted = iter(charts)
        for k in range(len(tour.stops)):
            assert translate("tour.nav.counter", lang, n=k + 1, total=len(tour.stops)) in text
        for i, stop in enumerate(tour.stops):
            text = _markdown(at)
            where = f"{tour.id} stop {i + 1} ({lang})"
            assert f'class="meeting-stage" data-tour="{tour.id}" data-stop="{i}"' in text, where
            assert stop.title.get(lang) in text, where
            assert stop.caption.get(lang) in text, where
            # every cited card shows its value as worded for this language, in the stop's own panel
            cards = {f.id: f.display for f in stop_figures(stop.cards, tour_index, lang)}
            panel = re.search(rf'<div data-stop="{i + 1}"><div class="meeting-cards">(.*?)</div></div>(?=$|\n)', text, re.S)
            shown = dict(re.findall(r'data-figure-id="([^"]+)".*?meeting-card-value">(.*?)</div>', panel.group(1) if panel else ""))
            assert shown == cards, where
            # one money rule: the source's number, never converted (no billions, no conversion notes)
            assert "billion" not in text, where
            if lang == "en":  # periods, labels, notes: no Chinese left outside quotes
                assert_english(at, where)
            if stop.chart:
                spec = next(charted)
                unit = unit_label(tour_index.indicators.loc[stop.chart.indicators[0], "unit"], lang)
                assert spec["layout"]["xaxis"]["title"]["text"] == translate(
                    "tour.chart.axis", lang, unit=unit
                )
                assert "billion" not in json.dumps(spec, ensure_ascii=False), where
            assert at.button(key=K["prev"]).disabled == (i == 0)
            assert at.button(key=K["next"]).disabled == (i == len(tour.stops) - 1)
            assert at.selectbox(key=K["jump"]).value == i
            if i < len(tour.stops) - 1:
                at.button(key=K["next"]).click().run()
                assert not at.exception, at.exception


def test_previous_jump_first_last_and_leave(open_page) -> None:
    at = open_page(PAGE, lang="en")
    at.button(key=K["start"]).click().run()
    at.selectbox(key=K["jump"]).set_value(3).run()
    assert at.session_state[K["stop"]] == 3
    at.button(key=K["prev"]).click().run()
    assert at.session_state[K["stop"]] == 2
    at.button(key=K["last"]).click().run()
    last = at.session_state[K["stop"]]
    assert last >= 3
    assert at.button(key=K["next"]).disabled
    at.button(key=K["first"]).click().run()
    assert at.session_state[K["stop"]] == 0
    assert at.selectbox(key=K["jump"]).value == 0
    at.button(key=K["exit"]).click().run()
    assert not at.session_state[K["presenting"]]
    assert at.title[0].value == translate("tour.page.title", "en")


def test_a_broken_tour_file_is_reported_not_offered(open_page, tmp_path, monkeypatch) -> None:
    for p in list_tour_files():
        (tmp_path / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "99-broken.yaml").write_text(
        "id: broken\ntitle: {zh: 坏, en: Broken}\nbasemap: osm\nstops: []\n"
    )
    monkeypatch.setenv("ATLAS_TOURS", str(tmp_path))
    at = open_page(PAGE, lang="en")
    assert "99-broken.yaml · tour: 'stops' needs at least 1 entries" in at.error[0].value
    assert "broken" not in at.selectbox(key=K["tour"]).options


def _card_values(at: AppTest, card: str) -> dict[str, str]:
    """Figure id -> the value shown on its card (``card``: the card's CSS class)."""
    text = _markdown(at)
    return dict(re.findall(rf'data-figure-id="([^"]+)".*?{card}-value">(.*?)</div>', text, flags=re.S))


def test_a_meeting_card_reads_as_the_overview_card_in_english(open_page, tour_index) -> None:
    """One money rule: the meeting screen shows a figure as the overview's cards do, no billions."""
    overview = open_page("overview.py", lang="en")
    overview.selectbox(key=state.OVERVIEW_DISTRICT).select("钱塘区").run()
    assert not overview.exception, overview.exception
    on_overview = _card_values(overview, "atlas-card")

    at = open_page(PAGE, lang="en")
    at.selectbox(key=K["tour"]).set_value("qiantang-manufacturing").run()
    at.button(key=K["start"]).click().run()
    assert not at.exception, at.exception
    on_meeting = _card_values(at, "meeting-card")

    both = set(on_meeting) & set(on_overview)
    assert {"s002-012", "s002-007"} <= both, (on_meeting, on_overview)
    assert {i: on_meeting[i] for i in both} == {i: on_overview[i] for i in both}
    assert on_meeting["s002-012"] == "over 3,700 × 100 million yuan"
    assert on_meeting["s002-007"] == "171.51 × 100 million yuan"
    text = _markdown(at)
    assert "billion" not in text
    assert "Conversion" not in text


@pytest.mark.parametrize(
    ("stop", "want"),
    [("3", 2), ("1", 0), ("0", 0), ("999", -1), ("-5", 0), ("abc", 0), ("", 0), ("1e9", 0), ("٣", 0)],
)
def test_a_reload_link_reopens_the_tour_at_its_stop(open_page, tour_index, stop: str, want: int) -> None:
    """The page keeps ``?tour=…&stop=…`` (1-based) in the URL; a reload opens that stop, a
    broken or hostile stop falls back to a real one without an error."""
    tours, _ = load_tours(tour_index, "en")
    tour = tours[-1]
    at = open_page(PAGE, lang="en", query={"tour": tour.id, "stop": stop})
    assert at.session_state[K["presenting"]]
    n = len(tour.stops)
    assert at.session_state[K["stop"]] == (want % n if want >= 0 else n - 1)
    assert not at.error
    assert at.query_params["stop"] == str(at.session_state[K["stop"]] + 1)


def test_an_unknown_tour_in_the_link_opens_the_picker(open_page) -> None:
    at = open_page(PAGE, lang="en", query={"tour": "<script>x</script>", "stop": "2"})
    assert not at.session_state[K["presenting"]]
    assert at.title[0].value == translate("tour.page.title", "en")
    assert "tour" not in at.query_params
