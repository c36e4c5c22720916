"""Meeting mode: pick a guided tour, then present it full screen one stop at a time."""

import streamlit as st

from components import cached, meeting, state
from components.basemaps import basemaps, tianditu_key
from components.i18n import lang, t
from geodata.domain.tours import load_tours, pack_index, stop_figures
from geodata.text.markdown import md_escape

K = state.MEETING
st.session_state.setdefault(K["presenting"], False)
st.session_state.setdefault(K["stop"], 0)
LANG = lang()
layers = cached.all_layers()
index = pack_index(layers, cached.table("indicators"), basemaps(tianditu_key()))
tours, problems = load_tours(index, LANG)
by_id = {tour.id: tour for tour in tours}

# A reload opens a new session: the URL (?tour=…&stop=…) brings the presenter back to the stop.
if not st.session_state.get("meeting_url_read"):
    st.session_state["meeting_url_read"] = True
    wanted = st.query_params.get("tour")
    if wanted in by_id:
        st.session_state[K["showing"]] = wanted
        st.session_state[K["presenting"]] = True
        st.session_state[K["stop"]] = meeting.stop_from_link(st.query_params.get("stop"), len(by_id[wanted].stops))

if st.session_state.get(K["presenting"]) and st.session_state.get(K["showing"]) not in by_id:
    st.session_state[K["presenting"]] = False
    st.warning(t("tour.page.unknown_tour"))

if not st.session_state.get(K["presenting"]):
    for param in ("tour", "stop"):
        if param in st.query_params:
            del st.query_params[param]
    st.title(t("tour.page.title"))
    st.caption(t("tour.page.intro"))
    if tours:
        if st.session_state.get(K["tour"]) not in by_id:
            st.session_state[K["tour"]] = (
                st.session_state.get(K["showing"])
                if st.session_state.get(K["showing"]) in by_id
                else tours[0].id
            )
        tour = by_id[
            st.selectbox(
                t("tour.page.pick"),
                list(by_id),
                format_func=lambda k: by_id[k].title.get(LANG),
                key=K["tour"],
            )
        ]
        if tour.summary is not None:
            st.markdown(f"**{md_escape(tour.summary.get(LANG))}**")
        st.markdown(
            t("tour.page.stops", n=len(tour.stops))
            + "\n\n"
            + "\n".join(f"{i + 1}. {md_escape(s.title.get(LANG))}" for i, s in enumerate(tour.stops))
        )
        st.button(t("tour.page.start"), key=K["start"], type="primary", on_click=meeting.start)
        st.caption(t("tour.page.keys"))
    else:
        st.info(t("tour.page.none"))
    if problems:
        st.error(t("tour.page.broken") + "\n\n" + "\n".join(f"- {p}" for p in problems))
else:
    tour = by_id[st.session_state[K["showing"]]]
    i = meeting.current_stop(tour)
    meeting.render_chrome()
    # the bar is a fragment: a step the browser made reaches the server without redrawing the
    # map and the stops' panels below it
    meeting.render_controls(tour, LANG, tour.stops[i].basemap)
    col_map, col_text = st.columns([3, 2], gap="medium")
    with col_map:
        meeting.render_map_stop(layers, tour, i, index)
    with col_text:
        meeting.render_stop_panels(layers, tour, index, LANG, lambda stop: stop_figures(stop.cited, index, LANG))
