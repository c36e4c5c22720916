"""Interest registration (意向登记): what a visitor may send, how it is checked, and the staff's view of it.

Pure: no store, no Streamlit. The store keeps leads in its own table (``geodata.store.leads``);
the form and the editors' view are components. Everything here takes plain values and returns
plain values, so the rules are tested without a browser:

- :func:`validate` turns the raw form fields into a :class:`LeadInput` or a list of message keys
  (``leads.error.*``), never both; a filled honeypot field is reported separately, so the form can
  answer a robot like a person (a confirmation) and store nothing;
- :class:`RateLimit` counts submissions per key (a session, a client) in a sliding window;
- :func:`retention_cutoff` says which leads are past the configured retention period;
- :func:`filter_leads` and :func:`export_frame` are the staff view's list and its download.

Personal data never leaves the store in a notification: :func:`notification_text` names the lead's
number, its parcel or area and the time, and says where staff read the rest.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Final, Literal

import pandas as pd

from geodata.model.schema import M2_PER_MU

#: Where a registration was made: a parcel, an area (zone, park, platform) or a recommendation result.
TargetKind = Literal["parcel", "area", "recommendation"]
TARGET_KINDS: Final = ("parcel", "area", "recommendation")

#: The follow-up states of a lead, in order.
STATUSES: Final = ("new", "contacted", "in_talks", "closed")

#: Units of the planned investment (no conversion across currencies; 1 亿元 = 10,000 万元).
INVESTMENT_UNITS: Final = ("万元", "亿元")

#: Timing choices of the form (a code each; the words are in the catalogue).
TIMINGS: Final = ("within_3_months", "within_6_months", "within_12_months", "later", "undecided")

#: Longest accepted text per field (characters); longer input is refused with a message.
MAX_LENGTH: Final[dict[str, int]] = {
    "company": 100,
    "contact_name": 50,
    "phone": 20,
    "email": 100,
    "industry": 60,
    "message": 1000,
    "target_id": 120,
}
#: Largest land area and investment the form accepts (bounds against typos, not policy).
MAX_LAND_MU: Final = 100_000.0
MAX_INVESTMENT_WAN: Final = 100_000_000.0  # 1 万亿元

#: Mainland mobile numbers: 11 digits starting 13–19, optionally written with +86 / 0086 and spaces or dashes.
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
#: A practical e-mail check (one @, a dot in the domain, no spaces); delivery is the real test.
_EMAIL = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[A-Za-z]{2,}$")
#: Control characters other than line breaks and tabs are removed from free text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class LeadInput:
    """A checked registration, ready to store. Amounts: land in 亩 and m², investment in 万元."""

    target_kind: str
    target_id: str
    lang: str
    company: str
    contact_name: str
    phone: str | None
    email: str | None
    industry: str | None
    land_mu: float | None
    land_m2: float | None
    investment_wan: float | None
    timing: str | None
    message: str
    consent_version: str


@dataclass(frozen=True)
class Checked:
    """The outcome of :func:`validate`: a lead, or the keys of what is wrong; ``robot`` when the honeypot was filled."""

    lead: LeadInput | None
    errors: tuple[str, ...] = ()
    robot: bool = False


def normalise_phone(raw: str) -> str | None:
    """A mainland mobile number as 11 digits, or None when it is not one.

    >>> normalise_phone("+86 138-0013-8000"), normalise_phone("0086 13800138000"), normalise_phone("12345")
    ('13800138000', '13800138000', None)
    >>> normalise_phone("１３８００１３８０００")  # full-width digits from a Chinese keyboard
    '13800138000'
    """
    digits = re.sub(r"[\s\-()（）]", "", str(raw or "")).translate(_FULL_WIDTH)
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
    return digits if _MOBILE.match(digits) else None


_FULL_WIDTH = str.maketrans("０１２３４５６７８９＋", "0123456789+")


def is_email(raw: str) -> bool:
    """Whether ``raw`` looks like an e-mail address.

    >>> is_email("li@example.com"), is_email("li@example"), is_email("a b@c.cn"), is_email("x@y.cn\\nBcc: z")
    (True, False, False, False)
    """
    return bool(_EMAIL.match(str(raw or ""))) and "\n" not in str(raw)


def clean_text(raw: object) -> str:
    """Free text as stored: stripped, control characters removed (line breaks kept).

    >>> clean_text("  上海\\x00公司 \\n")
    '上海公司'
    """
    return _CONTROL.sub("", str(raw or "")).strip()


def _number(raw: object) -> float | str | None:
    """A non-negative number, None when empty, or the string "bad"."""
    text = clean_text(raw).replace(",", "").replace("，", "")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return "bad"
    if not math.isfinite(value) or value < 0:
        return "bad"
    return value


def validate(
    fields: Mapping[str, object],
    *,
    target_kind: str,
    target_id: str,
    lang: str,
    consent_version: str,
    industries: Iterable[str] = (),
) -> Checked:
    """Check the raw form fields; return a lead or the message keys (``leads.error.<name>``) of every problem.

    ``fields``: company, contact_name, phone, email, industry, land_value, land_unit ("mu" or "m2"),
    investment_value, investment_unit (万元/亿元), timing, message, consent (bool), website (the honeypot).

    Examples
    --------
    >>> ok = dict(company="杭州某某科技有限公司", contact_name="李明", phone="13800138000", consent=True,
    ...           land_value="30", land_unit="mu", investment_value="2", investment_unit="亿元")
    >>> c = validate(ok, target_kind="parcel", target_id="site-1", lang="zh", consent_version="v1")
    >>> c.errors, c.lead.land_mu, c.lead.land_m2, c.lead.investment_wan
    ((), 30.0, 20000.0, 20000.0)
    >>> validate({**ok, "phone": "", "consent": False}, target_kind="parcel", target_id="site-1",
    ...          lang="zh", consent_version="v1").errors
    ('leads.error.contact_missing', 'leads.error.consent')
    >>> validate({**ok, "website": "http://spam"}, target_kind="parcel", target_id="site-1", lang="zh",
    ...          consent_version="v1").robot
    True
    """
    errors: list[str] = []
    if clean_text(fields.get("website")):
        return Checked(None, (), robot=True)
    if target_kind not in TARGET_KINDS or not clean_text(target_id):
        errors.append("leads.error.target")
    texts = {
        name: clean_text(fields.get(name))
        for name in ("company", "contact_name", "phone", "email", "message")
    }
    for name, value in texts.items():
        if len(value) > MAX_LENGTH[name]:
            errors.append(f"leads.error.too_long_{name}")
    if len(clean_text(target_id)) > MAX_LENGTH["target_id"]:
        errors.append("leads.error.target")
    if not texts["company"]:
        errors.append("leads.error.company_missing")
    if not texts["contact_name"]:
        errors.append("leads.error.name_missing")
    phone = normalise_phone(texts["phone"]) if texts["phone"] else None
    email = texts["email"] or None
    if not texts["phone"] and not email:
        errors.append("leads.error.contact_missing")
    if texts["phone"] and phone is None:
        errors.append("leads.error.phone")
    if email and not is_email(email):
        errors.append("leads.error.email")
    industry = clean_text(fields.get("industry")) or None
    allowed = set(industries)
    if industry and allowed and industry not in allowed:
        errors.append("leads.error.industry")
    land = _number(fields.get("land_value"))
    land_mu = land_m2 = None
    if land == "bad":
        errors.append("leads.error.land")
    elif isinstance(land, float):
        unit = fields.get("land_unit") or "mu"
        land_mu = land if unit == "mu" else land / M2_PER_MU
        land_m2 = land * M2_PER_MU if unit == "mu" else land
        if land_mu > MAX_LAND_MU:
            errors.append("leads.error.land")
    investment = _number(fields.get("investment_value"))
    investment_wan = None
    if investment == "bad":
        errors.append("leads.error.investment")
    elif isinstance(investment, float):
        unit = fields.get("investment_unit") or "万元"
        if unit not in INVESTMENT_UNITS:
            errors.append("leads.error.investment")
        else:
            investment_wan = investment * (10_000.0 if unit == "亿元" else 1.0)
            if investment_wan > MAX_INVESTMENT_WAN:
                errors.append("leads.error.investment")
    timing = clean_text(fields.get("timing")) or None
    if timing is not None and timing not in TIMINGS:
        errors.append("leads.error.timing")
    if fields.get("consent") is not True:
        errors.append("leads.error.consent")
    if errors:
        return Checked(None, tuple(dict.fromkeys(errors)))
    return Checked(
        LeadInput(
            target_kind=target_kind,
            target_id=clean_text(target_id),
            lang=lang if lang in ("zh", "en") else "zh",
            company=texts["company"],
            contact_name=texts["contact_name"],
            phone=phone,
            email=email,
            industry=industry,
            land_mu=None if land_mu is None else round(land_mu, 4),
            land_m2=None if land_m2 is None else round(land_m2, 2),
            investment_wan=investment_wan,
            timing=timing,
            message=texts["message"],
            consent_version=consent_version,
        )
    )


class RateLimit:
    """At most ``limit`` events per key within ``window`` seconds, process-wide (thread-safe).

    Keys are opaque (a session id, a hash of the client address); memory is bounded by
    ``max_keys``: when full, the keys idle longest are forgotten.

    >>> clock = iter([0, 1, 2, 3, 100]).__next__
    >>> rl = RateLimit(limit=2, window=60, clock=clock)
    >>> [rl.allow("s"), rl.allow("s"), rl.allow("s"), rl.allow("t"), rl.allow("s")]
    [True, True, False, True, True]
    """

    def __init__(
        self, limit: int, window: float, clock: Callable[[], float] = time.monotonic, max_keys: int = 10_000
    ) -> None:
        self.limit, self.window, self.clock, self.max_keys = limit, window, clock, max_keys
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Count one event for ``key`` if it is within the limit; False (and nothing counted) if not."""
        now = self.clock()
        with self._lock:
            events = self._events.pop(key, None) or deque()
            while events and events[0] <= now - self.window:
                events.popleft()
            allowed = len(events) < self.limit
            if allowed:
                events.append(now)
            self._events[key] = events  # re-inserted: dict order is least recently used first
            while len(self._events) > self.max_keys:
                self._events.pop(next(iter(self._events)))
        return allowed


@dataclass(frozen=True)
class LeadsConfig:
    """Operator settings of interest registration (``[leads]`` in secrets, or ``ATLAS_LEADS_*`` variables)."""

    retention_days: int = 365
    consent_zh: str | None = None  # None: the catalogue's default text
    consent_en: str | None = None
    consent_version: str = "default"
    per_session: int = 3  # registrations per session per hour
    per_client: int = 10  # per client address per hour
    notify_email: str | None = None
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "atlas@localhost"
    smtp_starttls: bool = False
    webhook_url: str | None = None
    extra: Mapping[str, str] = field(default_factory=dict)


def config_from(environ: Mapping[str, str], secrets: Mapping[str, object] | None) -> LeadsConfig:
    """Settings from ``secrets["leads"]`` overridden by ``ATLAS_LEADS_<NAME>`` variables; bad numbers keep defaults.

    >>> config_from({"ATLAS_LEADS_RETENTION_DAYS": "30"}, {"leads": {"webhook_url": "http://h/x"}})
    ... # doctest: +ELLIPSIS
    LeadsConfig(retention_days=30, ..., webhook_url='http://h/x', ...)
    >>> config_from({"ATLAS_LEADS_RETENTION_DAYS": "soon"}, None).retention_days
    365
    """
    table = (secrets or {}).get("leads") or {}
    raw: dict[str, object] = dict(table) if isinstance(table, Mapping) else {}
    for key, value in environ.items():
        if key.startswith("ATLAS_LEADS_"):
            raw[key.removeprefix("ATLAS_LEADS_").lower()] = value
    defaults = LeadsConfig()
    values: dict[str, object] = {}
    for name in LeadsConfig.__dataclass_fields__:
        if name == "extra" or name not in raw:
            continue
        default = getattr(defaults, name)
        value = raw[name]
        if isinstance(default, bool):
            values[name] = str(value).strip().lower() in ("1", "true", "yes", "on")
        elif isinstance(default, int):
            try:
                number = int(str(value).strip())
            except ValueError:
                continue
            if number > 0:
                values[name] = number
        else:
            values[name] = str(value).strip() or None
    return LeadsConfig(**values)  # type: ignore[arg-type]


def retention_cutoff(now: datetime, days: int) -> str:
    """The ISO time before which leads are deleted (created more than ``days`` days before ``now``).

    >>> retention_cutoff(datetime(2026, 11, 28, 12, 0, tzinfo=UTC), 30)
    '2026-10-29T12:00:00+00:00'
    """
    return (now.astimezone(UTC) - timedelta(days=max(1, int(days)))).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class LeadFilter:
    """The staff list's filter; None / empty = any."""

    target_id: str | None = None
    target_kind: str | None = None
    statuses: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None


def filter_leads(leads: pd.DataFrame, flt: LeadFilter) -> pd.DataFrame:
    """The leads that pass ``flt``, newest first.

    >>> df = pd.DataFrame({"id": [1, 2, 3], "target_kind": ["parcel", "area", "parcel"],
    ...     "target_id": ["a", "z", "b"], "status": ["new", "new", "closed"],
    ...     "created_at": ["2026-11-01T10:00:00+00:00", "2026-11-20T10:00:00+00:00", "2026-11-25T09:00:00+00:00"]})
    >>> filter_leads(df, LeadFilter(target_kind="parcel"))["id"].tolist()
    [3, 1]
    >>> filter_leads(df, LeadFilter(statuses=("new",), since=date(2026, 11, 10)))["id"].tolist()
    [2]
    """
    out = leads
    if flt.target_id:
        out = out[out["target_id"] == flt.target_id]
    if flt.target_kind:
        out = out[out["target_kind"] == flt.target_kind]
    if flt.statuses:
        out = out[out["status"].isin(flt.statuses)]
    if flt.since or flt.until:
        day = out["created_at"].astype(str).str.slice(0, 10)
        if flt.since:
            out = out[day >= flt.since.isoformat()]
        if flt.until:
            out = out[day <= flt.until.isoformat()]
    return out.sort_values("created_at", ascending=False, kind="stable")


#: Columns of the staff export, in order (labels come from the catalogue ``leads.col.*``).
EXPORT_COLUMNS: Final = (
    "id",
    "created_at",
    "target_kind",
    "target_id",
    "lang",
    "company",
    "contact_name",
    "phone",
    "email",
    "industry",
    "land_mu",
    "land_m2",
    "investment_wan",
    "timing",
    "message",
    "status",
    "status_by",
    "status_at",
    "notes",
)


def export_frame(leads: pd.DataFrame, labels: Mapping[str, str]) -> pd.DataFrame:
    """The leads as a table for staff download, with translated column headers (formulas are
    defused by ``geodata.export.tables`` when written).

    >>> df = pd.DataFrame({c: ["x"] for c in EXPORT_COLUMNS})
    >>> list(export_frame(df, {"id": "编号"}).columns)[:2]
    ['编号', 'created_at']
    """
    cols = [c for c in EXPORT_COLUMNS if c in leads.columns]
    return leads[cols].rename(columns={c: labels.get(c, c) for c in cols}).reset_index(drop=True)


def notification_text(
    lead_id: int, target_kind: str, target_id: str, at: str, lang: str = "zh"
) -> tuple[str, str]:
    """(subject, body) of a new-lead notice. No personal data: staff read the lead on the data page.

    >>> notification_text(7, "parcel", "site-1", "2026-11-28T10:00:00+00:00", "en")[0]
    'New interest registration #7 (parcel site-1)'
    """
    if lang == "en":
        return (
            f"New interest registration #{lead_id} ({target_kind} {target_id})",
            f"A visitor registered interest at {at} in {target_kind} {target_id}.\n"
            "Contact details are kept in the atlas store only: sign in to the data page, tab “Leads”.",
        )
    kinds = {"parcel": "地块", "area": "区域", "recommendation": "选址推荐"}
    return (
        f"新的意向登记 #{lead_id}（{kinds.get(target_kind, target_kind)} {target_id}）",
        f"{at} 有访客登记了对{kinds.get(target_kind, target_kind)} {target_id} 的投资意向。\n"
        "联系方式只保存在图集的数据库中：请登录数据维护页，查看“意向登记”标签页。",
    )


def now_iso() -> str:
    """The current time, ISO-8601 UTC with seconds."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()
