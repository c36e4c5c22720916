"""The "register interest" form (意向登记): one self-contained piece any page calls with its parcel or area id.

``render_interest_form(target_kind, target_id, name)`` draws the action and the form, checks the
fields with ``geodata.domain.leads.validate``, applies the per-session, per-client and
process-wide limits, stores the lead and sends the configured notices in the background. A
visitor only ever sees their own confirmation; nothing stored is read back here.
"""

from __future__ import annotations

import hashlib
import logging
import os

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from components import cached
from components.i18n import lang, t
from geodata.domain import leads as rules
from geodata.export.notify import notify_in_background
from geodata.store import leads as store_leads
from geodata.text.formats import term
from geodata.text.markdown import md_escape

LOG = logging.getLogger(__name__)
HOUR = 3600.0
#: Process-wide: bounds store writes whatever the number of sessions or addresses.
_GLOBAL = rules.RateLimit(limit=200, window=HOUR)
_LIMITS: dict[tuple[str, int], rules.RateLimit] = {}


def config() -> rules.LeadsConfig:
    try:
        secrets: dict = dict(st.secrets)
    except Exception:  # no secrets file
        secrets = {}
    return rules.config_from(os.environ, secrets)


def _limit(kind: str, limit: int) -> rules.RateLimit:
    return _LIMITS.setdefault((kind, limit), rules.RateLimit(limit=limit, window=HOUR))


def _client_key() -> str:
    try:
        forwarded = (st.context.headers.get("X-Forwarded-For") or "").split(",")[0].strip()
        address = forwarded or st.context.ip_address or "local"
    except Exception:  # no browser connection (AppTest): one shared key
        address = "local"
    return hashlib.sha256(str(address).encode()).hexdigest()[:16]  # the address itself is never kept


def render_interest_form(target_kind: str, target_id: str, name: str, *, key: str = "lead") -> None:
    """The register-interest action for one parcel / area / recommendation result."""
    cfg = config()
    code = lang()
    consent = (cfg.consent_en if code == "en" else cfg.consent_zh) or t("leads.form.consent_text")
    # the name comes from data (an imported file names its parcels): shown as text, never as a link
    target = t(f"leads.target.{target_kind}", name=md_escape(name))
    prefix = f"{key}_{target_kind}_{hashlib.sha1(target_id.encode()).hexdigest()[:8]}"
    done_key = f"{prefix}_done"
    # a thumb-sized action on touch screens (Streamlit's expander header is 38 px high)
    st.html("<style>@media (pointer: coarse), (max-width: 480px) { [data-testid='stExpander'] summary "
            "{ min-height: 44px; } }</style>")  # fmt: skip
    with st.expander(t("leads.action.register"), icon=":material/contact_mail:"):
        if st.session_state.get(done_key):
            st.success(t("leads.form.thanks"))
            return
        # the honeypot: hidden from people by CSS, filled in by form robots
        st.html(f"<style>.st-key-{prefix}_website{{display:none}}</style>")
        # the atlas's sector list: the sectors of the support measures (as on the parcel card)
        industries = ["", *sorted(set(cached.table("policies")["sector"]) - {"", "全部"})]
        with st.form(f"{prefix}_form"):
            st.markdown(f"**{t('leads.form.title', target=target)}**")
            st.caption(t("leads.form.intro"))
            company = st.text_input(
                t("leads.form.company"), max_chars=rules.MAX_LENGTH["company"], key=f"{prefix}_company"
            )
            person = st.text_input(
                t("leads.form.contact_name"), max_chars=rules.MAX_LENGTH["contact_name"], key=f"{prefix}_name"
            )
            phone = st.text_input(
                t("leads.form.phone"), max_chars=rules.MAX_LENGTH["phone"], key=f"{prefix}_phone"
            )
            email = st.text_input(
                t("leads.form.email"), max_chars=rules.MAX_LENGTH["email"], key=f"{prefix}_email"
            )
            industry = st.selectbox(
                t("leads.form.industry"),
                industries,
                format_func=lambda s: term(s, "sector", code) if s else t("leads.form.industry_none"),
                key=f"{prefix}_industry",
            )
            c1, c2 = st.columns([2, 1])
            land = c1.text_input(t("leads.form.land"), key=f"{prefix}_land")
            land_unit = c2.selectbox(
                t("leads.form.land_unit"),
                ["mu", "m2"],
                format_func=lambda u: t(f"leads.form.unit.{u}"),
                key=f"{prefix}_land_unit",
            )
            c3, c4 = st.columns([2, 1])
            investment = c3.text_input(t("leads.form.investment"), key=f"{prefix}_inv")
            inv_unit = c4.selectbox(
                t("leads.form.investment_unit"),
                list(rules.INVESTMENT_UNITS),
                format_func=lambda u: t("leads.form.unit.wan" if u == "万元" else "leads.form.unit.yi"),
                key=f"{prefix}_inv_unit",
            )
            timing = st.selectbox(
                t("leads.form.timing"),
                ["", *rules.TIMINGS],
                format_func=lambda s: t(f"leads.timing.{s}") if s else t("leads.form.timing_none"),
                key=f"{prefix}_timing",
            )
            message = st.text_area(
                t("leads.form.message"), max_chars=rules.MAX_LENGTH["message"], key=f"{prefix}_msg"
            )
            website = st.text_input(t("leads.form.website"), key=f"{prefix}_website")
            st.caption(consent)
            agreed = st.checkbox(t("leads.form.consent"), key=f"{prefix}_consent")
            sent = st.form_submit_button(t("leads.form.submit"), type="primary")
        if not sent:
            return
        fields = {
            "company": company,
            "contact_name": person,
            "phone": phone,
            "email": email,
            "industry": industry,
            "land_value": land,
            "land_unit": land_unit,
            "investment_value": investment,
            "investment_unit": inv_unit,
            "timing": timing,
            "message": message,
            "consent": bool(agreed),
            "website": website,
        }
        checked = rules.validate(
            fields,
            target_kind=target_kind,
            target_id=target_id,
            lang=code,
            consent_version=cfg.consent_version,
            industries=industries[1:],
        )
        if checked.robot:  # answered like a person, nothing stored
            st.session_state[done_key] = True
            st.success(t("leads.form.thanks"))
            return
        if checked.errors:
            st.error(t("leads.form.problems") + "\n\n" + "\n".join(f"- {t(k)}" for k in checked.errors))
            return
        ctx = get_script_run_ctx()
        session = ctx.session_id if ctx else "?"
        if not (
            _limit("session", cfg.per_session).allow(session)
            and _limit("client", cfg.per_client).allow(_client_key())
            and _GLOBAL.allow("all")
        ):
            st.warning(t("leads.form.limited"))
            return
        try:
            backend = cached.backend()
            store_leads.purge_before(
                backend, rules.retention_cutoff(rules.datetime.now(rules.UTC), cfg.retention_days)
            )
            at = rules.now_iso()
            lead_id = store_leads.add_lead(backend, checked.lead, at=at)
        except Exception:  # the visitor gets a message; the log gets the traceback
            LOG.exception("storing a lead failed")
            st.error(t("leads.form.failed"))
            return
        notify_in_background(cfg, lead_id, target_kind, target_id, at)
        st.session_state[done_key] = True
        st.success(t("leads.form.thanks"))
