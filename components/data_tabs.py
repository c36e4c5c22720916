"""The data page's three tabs for signed-in editors: import a parcel file with a preview, edit a
parcel (with its version, so a newer edit is never overwritten), and the history with revert.

``app_pages/data.py`` checks who may be here and calls one of these per tab; each takes the
store and the signed-in editor's name.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from components import cached, state
from components.data_map import build_landing_map, build_preview_map
from components.i18n import t
from components.map import render_map
from geodata import ingest as importer
from geodata.model.schema import PARCEL_STATUS_ZH
from geodata.store import EDITABLE_COLUMNS, Backend, ConflictError, StoreError

K = state.DATA


def message(err: importer.ImportRefused | StoreError) -> str:
    return t("data." + err.key, **err.values)


def saved(message: str) -> None:
    # No cache to clear: cached parcel frames are keyed by the store revision this write raised.
    st.session_state[K["flash"]] = message
    st.rerun()


def render_import_tab(backend: Backend, user: str) -> None:
    """Upload, CRS and column choices, the preview of what would change, and the confirmed write."""
    # A new uploader after every write: the result, then a fresh start (no stale preview).
    upload = st.file_uploader(
        t("data.import.upload"),
        type=["zip", "gpkg", "geojson", "json", "kml", "kmz", "csv", "xlsx"],
        key=f"{K['upload']}_{st.session_state.get(K['upload_round'], 0)}",
        max_upload_size=importer.MAX_UPLOAD_BYTES // (1024 * 1024),
    )
    if upload is not None:
        kept = st.session_state.get(K["raw"])
        if kept and kept[0] == upload.file_id:  # read once per upload, not on every widget change
            raw = kept[1]
        else:
            st.session_state.pop(K["raw"], None)
            try:
                raw = importer.read_upload(upload.name, upload.getvalue())
            except importer.ImportRefused as err:
                st.error(message(err))
                return
            st.session_state[K["raw"]] = (upload.file_id, raw)
        source = st.text_input(t("data.import.source"), value=Path(upload.name).stem, key=K["source"]).strip()
        st.caption(
            t(
                "data.import.read",
                count=len(raw.frame),
                fmt=raw.fmt,
                encoding=raw.encoding or "—",
                crs=raw.declared_crs or t("data.import.crs_none"),
            )
        )
        candidates = importer.crs_candidates(raw.frame.total_bounds, raw.declared_crs)
        if not candidates:
            st.error(t("data.import.no_crs"))
            return
        by_crs = {c.crs: c for c in candidates}
        apart = importer.candidate_distances(candidates)
        crs = st.selectbox(
            t("data.import.crs"),
            list(by_crs),
            format_func=lambda c: t(
                "ingest.crs_option" if len(by_crs) > 1 else "data.import.crs_option",
                label=importer.crs_label(c),
                lon=f"{by_crs[c].centre[0]:.4f}",
                lat=f"{by_crs[c].centre[1]:.4f}",
                metres=f"{apart[c]:,.0f}",
            ),
            key=K["crs"],
            help=t("data.import.crs_help"),
        )
        if max(apart.values()) > 1:  # degrees: the datums disagree by hundreds of metres
            st.caption(t("ingest.crs_hint") + " " + t("ingest.crs_spread", metres=f"{max(apart.values()):,.0f}"))
            render_map(
                build_landing_map(importer.landing_points(raw.frame, candidates), importer.crs_label, crs),
                None,
                key="data_landing_map",
                height=300,
                returned_objects=(),
            )
        st.markdown(f"**{t('ingest.mapping')}**")
        remembered = backend.mapping(source)
        suggested, suggested_code = importer.suggest_columns(raw, crs, remembered)
        none = "—"
        code_options = [none, *raw.columns]
        code_column = st.selectbox(
            t("ingest.code_column"),
            code_options,
            index=code_options.index(suggested_code) if suggested_code in code_options else 0,
            format_func=lambda c: t("ingest.code_generated") if c == none else c,
            key=f"data_code_{source}",
            help=t("ingest.code_help"),
        )
        code_column = None if code_column == none else code_column
        mapping: dict[str, str] = {}
        cols = st.columns(3)
        fields = [f for f in importer.IMPORT_FIELDS if f != "parcel_code"]
        for i, col in enumerate(raw.columns):
            options = [none, *fields]
            default = suggested.get(col, none)
            chosen = cols[i % 3].selectbox(
                col,
                options,
                index=options.index(default),
                format_func=lambda f: none if f == none else t(f"data.fieldname.{f}"),
                key=f"data_map_{source}_{col}",
            )
            if chosen != none:
                mapping[col] = chosen
        remove_missing = st.checkbox(t("data.import.remove_missing", source=source), key=K["remove_missing"])
        try:
            prepared = importer.prepare(raw, crs, mapping, source, cached.layer("districts"), code_column)
        except importer.ImportRefused as err:
            st.error(message(err))
            return
        if prepared.problems:
            st.warning(t("data.import.problems", count=len(prepared.problems)))
            st.dataframe(
                pd.DataFrame(
                    {
                        t("data.import.row_number"): [p.row for p in prepared.problems],
                        t("data.import.problem"): [t("data." + p.key, **p.values) for p in prepared.problems],
                    }
                ),
                hide_index=True,
            )
        # The confirm button writes the plan previewed in the run that drew it, not one
        # recomputed now: an edit made meanwhile is refused, never overwritten.
        previewed = st.session_state.get(K["preview"])
        plan = importer.preview(backend, prepared, source, remove_missing)
        st.session_state[K["preview"]] = plan
        counts = plan.counts
        st.subheader(
            t("data.import.preview", add=counts["add"], change=counts["change"], remove=counts["remove"])
        )
        labels = {a: t(f"data.action.{a}") for a in ("add", "change", "remove")}
        render_map(
            build_preview_map(
                plan.geometries,
                {**labels, "before": t("ingest.before")},
                cached.layer("districts"),
                st.session_state[state.BASEMAP],
                before=plan.before,
            ),
            None,
            key="data_preview_map",
            height=420,
            returned_objects=(),
        )
        st.dataframe(
            plan.table.assign(action=plan.table["action"].map(labels), moved_m=plan.table["moved_m"].round()).rename(
                columns={"moved_m": t("ingest.moved")}
            ),
            hide_index=True,
        )
        moves_ok = False
        if plan.needs_move_confirmation:
            metres = f"{plan.max_move_m:,.0f}"
            st.warning(t("ingest.moves_warning", limit=f"{importer.CONFIRM_MOVE_M:g}", metres=metres))
            moves_ok = st.checkbox(t("ingest.confirm_moves", metres=metres), key=K["moves_ok"])
        if not plan.changes:
            st.info(t("data.import.nothing"))
        elif st.button(t("data.import.confirm", count=len(plan.changes)), type="primary", key="data_confirm"):
            written = previewed if previewed is not None else plan
            try:
                importer.confirm(backend, written, user, f"import {upload.name}", moves_ok)
                backend.save_mapping(source, importer.remembered_mapping(mapping, code_column))
            except StoreError as err:
                st.error(message(err))
            else:
                done = written.counts
                st.session_state[K["upload_round"]] = st.session_state.get(K["upload_round"], 0) + 1
                for key in ("raw", "preview", "moves_ok", "crs", "remove_missing"):
                    st.session_state.pop(K[key], None)
                saved(
                    t("data.import.done", add=done["add"], change=done["change"], remove=done["remove"])
                    + " "
                    + t("ingest.started_fresh")
                )


def render_edit_tab(backend: Backend, user: str) -> None:
    """One parcel's editable fields, saved against the version the editor started from."""
    parcels = backend.read_parcels()
    names = dict(zip(parcels["id"], parcels["name_zh"].fillna(""), strict=True))
    if not names:
        st.info(t("data.edit.empty"))
    else:
        pid = st.selectbox(
            t("data.edit.parcel"), list(names), format_func=lambda p: f"{p} · {names[p]}", key=K["parcel"]
        )
        row = parcels[parcels["id"] == pid].iloc[0]
        loaded = st.session_state.get(K["loaded"])
        if not loaded or loaded[0] != pid:  # the version the editor started from, kept across reruns
            loaded = (pid, int(row["version"]))
            st.session_state[K["loaded"]] = loaded
        st.caption(
            t(
                "data.edit.version",
                version=loaded[1],
                by=row["updated_by"] or "—",
                at=row["updated_at"] or "—",
            )
        )
        statuses = ["", *PARCEL_STATUS_ZH]
        with st.form("data_edit"):
            status = st.selectbox(
                t("data.field.status"),
                statuses,
                index=statuses.index(row["status"]) if row["status"] in statuses else 0,
                format_func=lambda s: t(f"data.status.{s}") if s else "—",
            )
            quarter = st.text_input(
                t("data.field.supply_quarter"),
                value=row["supply_quarter"] or "",
                key=f"data_f_{pid}_supply_quarter",
            )
            area_m2 = st.text_input(
                t("data.field.area_m2"), value="" if pd.isna(row["area_m2"]) else f"{row['area_m2']:g}"
            )
            area_mu = st.text_input(
                t("data.field.area_mu"), value="" if pd.isna(row["area_mu"]) else f"{row['area_mu']:g}"
            )
            land_use = st.text_input(
                t("data.field.land_use"), value=row["land_use"] or "", key=f"data_f_{pid}_land_use"
            )
            description = st.text_area(
                t("data.field.description_zh"),
                value=row["description_zh"] or "",
                key=f"data_f_{pid}_description_zh",
            )
            save = st.form_submit_button(t("data.edit.save"), type="primary")
        if save:
            values = dict(
                zip(EDITABLE_COLUMNS, (status, quarter, area_m2, area_mu, land_use, description), strict=True)
            )
            try:
                backend.update_parcel(pid, values, loaded[1], user)
            except ConflictError as err:
                st.session_state[K["conflict"]] = (pid, message(err))
            except StoreError as err:
                st.error(message(err))
            else:
                st.session_state.pop(K["loaded"], None)
                st.session_state.pop(K["conflict"], None)
                saved(t("data.edit.saved", parcel=pid))
        # Drawn on every run while the conflict stands, so its button can act on the next one.
        conflict = st.session_state.get(K["conflict"])
        if conflict and conflict[0] == pid:
            st.error(conflict[1])
            if st.button(t("data.edit.reload"), key="data_reload"):
                st.session_state.pop(K["loaded"], None)
                st.session_state.pop(K["conflict"], None)
                for key in [k for k in st.session_state if str(k).startswith(f"data_f_{pid}_")]:
                    del st.session_state[key]  # the form shows the stored values again
                st.rerun()


def render_history_tab(backend: Backend, user: str) -> None:
    """Who changed what and when; any entry can be reverted (the revert is recorded too)."""
    entries = backend.history(limit=500)
    if not entries:
        st.info(t("data.history.empty"))
    else:

        def _diff(e) -> str:  # type: ignore[no-untyped-def]
            before, after = e.before or {}, e.after or {}
            keys = [
                k for k in (*EDITABLE_COLUMNS, "name_zh", "geometry_wkb") if before.get(k) != after.get(k)
            ]
            return "; ".join(
                k if k == "geometry_wkb" else f"{k}: {before.get(k) or '—'} → {after.get(k) or '—'}"
                for k in keys
            )

        table = pd.DataFrame(
            {
                "#": [e.id for e in entries],
                t("data.history.at"): [e.at for e in entries],
                t("data.history.user"): [e.user for e in entries],
                t("data.history.parcel"): [e.parcel_id for e in entries],
                t("data.history.action"): [t(f"data.action.{e.action}") for e in entries],
                t("data.history.what"): [_diff(e) for e in entries],
                t("data.history.note"): [e.note for e in entries],
            }
        )
        st.dataframe(table, hide_index=True)
        revert_id = st.selectbox(t("data.history.revert_pick"), [e.id for e in entries], key=K["revert_id"])
        if st.button(t("data.history.revert"), key="data_revert"):
            try:
                backend.revert(int(revert_id), user)
            except StoreError as err:
                st.error(message(err))
            else:
                saved(t("data.history.reverted", id=revert_id))
