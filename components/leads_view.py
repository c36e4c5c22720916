"""The editors' leads tab on the data page: list, filter, follow up, export and delete interest registrations.

Only ``app_pages/data.py`` calls this, after its sign-in guard; nothing here is reachable by a
visitor. The rules (filter, export columns, retention) are pure functions in
``geodata.domain.leads``; reads and writes go through ``geodata.store.leads``.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from components import cached, state
from components.downloads import csv_button, xlsx_button
from components.i18n import lang, place, t
from components.interest_form import config as leads_config
from geodata.domain import leads as rules
from geodata.store import Backend
from geodata.store import leads as store_leads

K = state.DATA
ANY = ""


def _labels() -> dict[str, str]:
    return {c: t(f"leads.col.{c}") for c in rules.EXPORT_COLUMNS}


def _shown_table(leads: pd.DataFrame) -> pd.DataFrame:
    """The list as staff read it: statuses and kinds in words, headers translated."""
    names = cached.parcel_lookup()[2][lang()]  # parcel id -> name on screen

    def target(kind: str, target_id: str) -> str:
        if kind == "parcel" and target_id in names and names[target_id] != target_id:
            return f"{names[target_id]} ({target_id})"
        return place(target_id) if kind == "area" else target_id

    view = leads.assign(
        target_id=[target(k, str(i)) for k, i in zip(leads["target_kind"], leads["target_id"], strict=True)],
        status=leads["status"].map(lambda s: t(f"leads.status.{s}") if s in rules.STATUSES else s),
        target_kind=leads["target_kind"].map(lambda k: t(f"leads.kind.{k}")),
        timing=leads["timing"].map(lambda s: t(f"leads.timing.{s}") if s in rules.TIMINGS else (s or "")),
    )
    # an empty field is empty, not "None"
    return rules.export_frame(view.astype(object).where(view.notna(), ""), _labels())


def _done(message: str) -> None:
    st.session_state[K["flash"]] = message
    st.rerun()


def render_leads_tab(backend: Backend, user: str) -> None:
    """Interest registrations for signed-in editors (the page has checked who this is)."""
    cfg = leads_config()
    # retention runs here too, so old leads go even when no visitor registers for a while
    purged = store_leads.purge_before(backend, rules.retention_cutoff(datetime.now(UTC), cfg.retention_days))
    st.caption(t("leads.view.intro", days=cfg.retention_days))
    if purged:
        st.info(t("leads.view.purged", count=purged))
    leads = store_leads.read_leads(backend)
    if leads.empty:
        st.info(t("leads.view.empty"))
        return

    c1, c2, c3 = st.columns(3)
    target = c1.selectbox(
        t("leads.view.filter_target"),
        [ANY, *sorted(set(leads["target_id"].astype(str)))],
        format_func=lambda v: v or t("leads.view.any"),
        key=K["lead_target"],
    )
    kind = c2.selectbox(
        t("leads.view.filter_kind"),
        [ANY, *sorted(set(leads["target_kind"].astype(str)))],
        format_func=lambda v: t(f"leads.kind.{v}") if v else t("leads.view.any"),
        key=K["lead_kind"],
    )
    statuses = c3.multiselect(
        t("leads.view.filter_status"),
        list(rules.STATUSES),
        format_func=lambda s: t(f"leads.status.{s}"),
        key=K["lead_status"],
    )
    d1, d2 = st.columns(2)
    since = d1.date_input(t("leads.view.since"), value=None, key=K["lead_since"])
    until = d2.date_input(t("leads.view.until"), value=None, key=K["lead_until"])
    shown = rules.filter_leads(
        leads,
        rules.LeadFilter(
            target_id=target or None,
            target_kind=kind or None,
            statuses=tuple(statuses),
            since=since,
            until=until,
        ),
    )
    st.caption(t("leads.view.count", shown=len(shown), total=len(leads)))
    st.dataframe(_shown_table(shown), hide_index=True, width="stretch")

    st.caption(t("leads.view.export_note"))
    e1, e2 = st.columns(2)
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    # built on click, so the file holds the filtered list as it is at that moment
    csv_button(
        t("leads.view.csv"), lambda: _shown_table(shown), f"leads-{stamp}.csv", key="leads_csv", where=e1
    )
    xlsx_button(
        t("leads.view.xlsx"),
        {t("leads.view.tab"): _shown_table(shown)},
        f"leads-{stamp}.xlsx",
        key="leads_xlsx",
        where=e2,
    )
    if shown.empty:
        return

    st.divider()
    ids = [int(i) for i in shown["id"]]
    lead_id = st.selectbox(
        t("leads.view.pick"),
        ids,
        format_func=lambda i: _pick_label(shown, i),
        key=K["lead_pick"],
    )
    row = shown[shown["id"] == lead_id].iloc[0]
    if row.get("status_by"):
        st.caption(t("leads.view.status_by", by=row["status_by"], at=row["status_at"]))
    s1, s2 = st.columns([3, 1], vertical_alignment="bottom")
    status = s1.selectbox(
        t("leads.view.status"),
        list(rules.STATUSES),
        index=list(rules.STATUSES).index(row["status"]) if row["status"] in rules.STATUSES else 0,
        format_func=lambda s: t(f"leads.status.{s}"),
        key=f"{K['lead_status_pick']}_{lead_id}",
    )
    if s2.button(t("leads.view.save_status"), key="lead_save_status"):
        _apply(
            lambda: store_leads.set_status(backend, lead_id, status, user),
            t("leads.view.status_saved", id=lead_id, status=t(f"leads.status.{status}")),
        )
    note = st.text_area(
        t("leads.view.note"), max_chars=store_leads.MAX_NOTE, key=f"{K['lead_note']}_{lead_id}"
    )
    if st.button(t("leads.view.add_note"), key="lead_add_note"):
        _apply(
            lambda: store_leads.add_note(backend, lead_id, note, user), t("leads.view.note_saved", id=lead_id)
        )
    events = store_leads.lead_events(backend, lead_id)
    if not events.empty:
        st.markdown("**" + t("leads.view.events") + "**")
        st.dataframe(
            events.assign(
                value=[
                    t(f"leads.status.{v}") if k == "status" and v in rules.STATUSES else v
                    for k, v in zip(events["kind"], events["value"], strict=True)
                ]
            )
            .rename(columns={"at": t("data.history.at"), "user_name": t("data.history.user")})[
                [t("data.history.at"), t("data.history.user"), "value"]
            ]
            .rename(columns={"value": t("leads.col.notes")}),
            hide_index=True,
            width="stretch",
        )
    with st.expander(t("leads.view.delete")):
        sure = st.checkbox(t("leads.view.delete_confirm", id=lead_id), key=f"lead_delete_sure_{lead_id}")
        if st.button(t("leads.view.delete"), key="lead_delete", disabled=not sure, type="primary"):
            _apply(lambda: store_leads.delete_lead(backend, lead_id), t("leads.view.deleted", id=lead_id))


def _pick_label(shown: pd.DataFrame, lead_id: int) -> str:
    row = shown[shown["id"] == lead_id].iloc[0]
    return f"#{lead_id} · {row['company']} · {row['target_id']} · {str(row['created_at'])[:16]}"


def _apply(action, done_message: str) -> None:  # type: ignore[no-untyped-def]
    try:
        action()
    except store_leads.LeadError as err:
        st.error(t(err.key, **err.values))
    else:
        _done(done_message)
