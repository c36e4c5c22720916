"""Site recommendation (智能选址): describe a project, get parcels and platforms ranked with sourced reasons."""

import streamlit as st

from components import cached
from components.i18n import lang, t
from components.recommend_view import render_pdf_button, render_project_form, render_results
from geodata.domain.recommend import explain, rank

code = lang()
layers = cached.shared_layers()
policies = cached.table("policies")
sectors = sorted(set(policies["sector"]) - {"", "全部"})
districts = sorted(set(layers["parcels"]["district"].dropna()) | set(layers["areas"]["district"].dropna()))
platforms = sorted(set(layers["areas"]["name_zh"].dropna()))

st.title(t("recommend.page.title"))
st.caption(t("recommend.page.intro"))
described = render_project_form(sectors, districts, platforms)
if described is not None:
    project, weights = described
    rec = rank(project, layers["parcels"], layers["areas"], layers["projects"], layers["innovation"], policies,
               weights, code)  # fmt: skip
    st.divider()
    render_results(rec, explain(rec, code))
    render_pdf_button(project, rec)
