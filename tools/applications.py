"""Partner applications: read them, and let an approver (only) approve or reject them, audited.

The applicant's `message` is untrusted text. It is carried only in `Section.quote`, never
interpreted, and nothing here changes state because of what an application says: the
only writes are `approve_application` / `reject_application`, called from an explicit
command by a user `ToolContext` names as an approver. They flush; the caller commits.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from rapidfuzz import fuzz
from sqlalchemy.orm import Session

from storage.models import Application, ApplicationStatus, AuditEntry, Partner, PartnerStatus
from storage.queries import applications as queries
from tools.context import ToolContext
from tools.errors import NotAllowed, NotFound, ToolError
from tools.partners import TYPE_LABELS, parse_partner_type
from tools.periods import DateRange, resolve_period
from tools.registry import tool
from tools.report import Fact, Report, Section, Table

MATCH_CUTOFF = 85
"""Fuzzy score (0–100, rapidfuzz WRatio) an applicant name/company needs to count as a match."""
SUGGEST_CUTOFF = 50
"""Fuzzy score above which a near miss is offered as a suggestion."""
CLEAR_WINNER_MARGIN = 5
"""How far ahead the best fuzzy match must be of the next to be picked without asking."""


class AlreadyDecided(ToolError):
    """The application was decided before this decision could be recorded (by someone else,
    or by the same person's earlier click); carries who and when so each surface can say so."""

    def __init__(self, application: Application) -> None:
        self.application_key = application.application_key
        self.applicant = application.name
        self.status = application.status
        self.decided_by = application.decided_by
        self.decided_at = _aware(application.decided_at)
        self.reason = application.decision_reason
        super().__init__(_already_decided(application))


class AmbiguousApplication(ToolError):
    """Several applications match the words given; the user picks one by key."""

    kind = "clarify"


Dimension = Literal["type", "country", "submitted"]


class ApplicationFilter(BaseModel):
    """Which pending applications a list covers: AND across dimensions, OR within one.

    Empty tuples and None leave a dimension out; the empty filter is the whole queue.
    """

    model_config = ConfigDict(frozen=True)

    types: tuple[str, ...] = ()
    """Partner types (PartnerType values), any of which matches."""
    countries: tuple[str, ...] = ()
    """Upper-case two-letter country codes, any of which matches."""
    submitted: DateRange | None = None

    @property
    def used(self) -> list[Dimension]:
        """The dimensions this filter constrains, in a fixed order."""
        values: dict[Dimension, object] = {
            "type": self.types,
            "country": self.countries,
            "submitted": self.submitted,
        }
        return [name for name, value in values.items() if value]

    def without(self, dimension: Dimension) -> ApplicationFilter:
        """This filter with one dimension dropped."""
        field = {"type": "types", "country": "countries", "submitted": "submitted"}[dimension]
        return self.model_copy(update={field: None if dimension == "submitted" else ()})

    def condition(self, dimension: Dimension) -> str:
        """One dimension's condition in words: 'type agency or influencer', 'country PL or
        DE', 'submitted in the last 10 days (14 Nov – 23 Nov 2026, to date)'."""
        if dimension == "type":
            return "type " + self._types()
        if dimension == "country":
            return "country " + _either(self.countries)
        return "submitted " + _period_words(self.submitted) if self.submitted else ""

    def describe(self, count: int = 2) -> str:
        """The filter as a noun phrase, e.g. 'agency applications from PL, submitted in the
        last 10 days (14 Nov – 23 Nov 2026, to date)'; singular when `count` is 1."""
        noun = "application" if count == 1 else "applications"
        words = f"{self._types()} {noun}" if self.types else noun
        if self.countries:
            words += f" from {_either(self.countries)}"
        if self.submitted is not None:
            separator = "," if self.countries else ""
            words += f"{separator} {self.condition('submitted')}"
        return words

    def _types(self) -> str:
        return _either(TYPE_LABELS.get(t, t) for t in self.types)

    def scope_label(self) -> str:
        """Who the list covers (type and country); the submitted period is its own line."""
        who = self.without("submitted")
        return who.describe() if who.used else "whole program"

    def query_arguments(self) -> dict[str, Any]:
        """The filter as keyword arguments of the storage queries."""
        return {
            "types": self.types,
            "countries": self.countries,
            "submitted_from": self.submitted.start if self.submitted else None,
            "submitted_to": self.submitted.end if self.submitted else None,
        }


def _either(values: Iterable[str]) -> str:
    items = list(values)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


def _period_words(period: DateRange) -> str:
    """'in the last 10 days (…)', 'in November 2026 (…)', 'since 1 Nov 2026 (…)'."""
    label = period.label
    if label.startswith(("last ", "past ", "week of ", "same days ")):
        lead = "in the "
    elif label.startswith(("since ", "before ", "after ", "between ", "from ")) or label in {
        "today",
        "yesterday",
    }:
        lead = ""
    else:
        lead = "in "
    return lead + period.describe()


_LIST_SEPARATORS = re.compile(r"\s*(?:,|;|/|&|\+|\band\b|\bor\b)\s*", re.IGNORECASE)
_COUNTRY_SEPARATORS = re.compile(r"(?:\s|,|;|/|&|\+|\band\b|\bor\b)+", re.IGNORECASE)
_SUBMITTED_LEAD = re.compile(r"^\s*(?:submitted|applied|received|sent)\b\s*", re.IGNORECASE)


def application_filter(
    *,
    today: date,
    types: Iterable[str] = (),
    countries: Iterable[str] = (),
    submitted: str | None = None,
) -> ApplicationFilter:
    """A planner's filter words validated: types via `parse_partner_type` ('agencies',
    'creators'), countries as two-letter codes, `submitted` as a period as of `today`.

    Several values may come in one string ('agency, influencer', 'PL and DE'). Invalid
    words raise a ToolError that says what is accepted.
    """
    parsed_types: list[str] = []
    for text in types:
        for word in _LIST_SEPARATORS.split(text):
            if word.strip():
                parsed_types.append(parse_partner_type(word.strip()))
    codes: list[str] = []
    for text in countries:
        for word in _COUNTRY_SEPARATORS.split(text.strip()):
            if not word:
                continue
            if not re.fullmatch(r"[A-Za-z]{2}", word):
                raise ToolError(
                    f"“{text.strip()}” is not a country code; use two-letter codes like "
                    "PL, DE or GB."
                )
            codes.append(word.upper())
    period = None
    if submitted is not None:
        words = _SUBMITTED_LEAD.sub("", submitted).strip()
        if words:
            period = resolve_period(words, today)
    return ApplicationFilter(
        types=tuple(dict.fromkeys(parsed_types)),
        countries=tuple(dict.fromkeys(codes)),
        submitted=period,
    )


class PendingApplication(BaseModel):
    application_key: str
    name: str
    company: str | None
    type: str
    audience_size: int | None
    country: str | None
    submitted_at: date
    days_waiting: int


class RelaxedCount(BaseModel):
    """How many pending applications match once one condition of an empty filter is dropped."""

    dropped: Dimension
    condition: str
    """The dropped condition in words, e.g. 'type agency' or 'country PL or DE'."""
    description: str
    """What is left, e.g. 'applications from PL'."""
    total: int


class ApplicationList(BaseModel):
    """Pending applications matching a filter, oldest first, and how many match in total.

    When the filter matches nothing, `relaxed` says how many would match with each
    condition dropped, and `queue_total` how many are pending at all.
    """

    today: date
    where: ApplicationFilter = ApplicationFilter()
    total: int
    applications: list[PendingApplication]
    relaxed: list[RelaxedCount] = Field(default_factory=list)
    queue_total: int | None = None
    decided: int = 0
    """Applications matching the same filter that were already approved or rejected."""

    def report(self) -> Report:
        shown = len(self.applications)
        what = self.where.describe(self.total)
        title = f"{self.total if self.total else 'No'} pending {what}"
        notes = []
        if self.decided:
            many = self.decided != 1
            notes.append(
                f"This is the pending queue: {self.decided} more application{'s' if many else ''}"
                f" matching it {'were' if many else 'was'} already decided (approved or "
                "rejected) and not listed; `partnerops applications show KEY` shows one."
            )
        if self.total == 0:
            sections = self._empty_sections()
        else:
            notes.append("Oldest first.")
            if shown < self.total:
                notes.append(f"Showing the {shown} oldest of {self.total}.")
            sections = [
                Section(
                    table=Table(
                        columns=[
                            "Key",
                            "Applicant",
                            "Company",
                            "Type",
                            "Audience",
                            "Country",
                            "Submitted",
                            "Days waiting",
                        ],
                        rows=[
                            [
                                a.application_key,
                                a.name,
                                a.company,
                                a.type,
                                a.audience_size,
                                a.country,
                                a.submitted_at,
                                a.days_waiting,
                            ]
                            for a in self.applications
                        ],
                    )
                )
            ]
        return Report(
            title=title,
            period=f"as of {_day(self.today)}",
            scope=self.where.scope_label(),
            sections=sections,
            notes=notes,
        )

    def _empty_sections(self) -> list[Section]:
        if not self.where.used or not self.queue_total:
            return [Section(text="No applications are waiting for a decision.")]
        pending = f"{self.queue_total} pending application{'s' if self.queue_total != 1 else ''}"
        text = f"None of the {pending} matches every condition."
        emptied = [f"“{r.condition}”" for r in self.relaxed if r.total]
        if emptied:
            text += f" Dropping {_either(emptied)} would leave some."
        else:
            text += " Dropping any one condition still leaves none."
        return [
            Section(text=text),
            Section(
                title="With one condition dropped",
                bullets=[
                    f"Without “{r.condition}”: {r.total} pending {r.description}"
                    for r in self.relaxed
                ],
            ),
        ]


class ApplicationDetail(BaseModel):
    """One application with its decision (if any); `message` is the applicant's untrusted text."""

    today: date
    application_key: str
    name: str
    email: str
    company: str | None
    type: str
    website: str | None
    country: str | None
    audience_size: int | None
    submitted_at: date
    days_waiting: int | None
    """Days since submission while pending; None once decided."""
    status: str
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str | None
    partner_key: str | None
    message: str | None

    def report(self) -> Report:
        facts = [
            Fact(label="Key", value=self.application_key),
            Fact(label="Status", value=self.status),
            Fact(label="Applicant", value=self.name),
            Fact(label="Company", value=self.company),
            Fact(label="Email", value=self.email),
            Fact(label="Type", value=self.type),
            Fact(label="Country", value=self.country),
            Fact(label="Website", value=self.website),
            Fact(label="Audience size", value=self.audience_size),
            Fact(label="Submitted", value=self.submitted_at),
        ]
        if self.days_waiting is not None:
            facts.append(Fact(label="Days waiting", value=self.days_waiting))
        sections = [Section(facts=facts)]
        if self.status != ApplicationStatus.PENDING:
            decision = [
                Fact(label="Decided by", value=self.decided_by),
                Fact(
                    label="Decided on",
                    value=self.decided_at.date() if self.decided_at else None,
                ),
                Fact(label="Reason", value=self.decision_reason),
            ]
            if self.partner_key is not None:
                decision.append(Fact(label="Partner", value=self.partner_key))
            sections.append(Section(title="Decision", facts=decision))
        sections.append(
            Section(
                title="Message",
                quote=self.message if self.message else None,
                text=None if self.message else "(no message)",
            )
        )
        notes = []
        if self.status == ApplicationStatus.PENDING:
            notes.append("Approving or rejecting needs an approver's explicit command.")
        return Report(
            title=f"Application {self.application_key}: {self.name}",
            period=f"as of {_day(self.today)}",
            scope=self.company or self.name,
            sections=sections,
            notes=notes,
        )


class DecisionResult(BaseModel):
    """What an approve/reject did: the decision and the partner it created or activated."""

    application_key: str
    applicant: str
    company: str | None
    decision: Literal["approved", "rejected"]
    decided_by: str
    decided_at: datetime
    decided_on: date
    """The decision's day in the program timezone."""
    reason: str | None
    partner_key: str | None = None
    partner_name: str | None = None
    partner_status: str | None = None
    partner_created: bool = False

    def report(self) -> Report:
        company = self.company if self.company and self.company != self.applicant else None
        who = self.applicant + (f" ({company})" if company else "")
        facts = [
            Fact(label="Application", value=self.application_key),
            Fact(label="Decision", value=self.decision),
            Fact(label="Decided by", value=self.decided_by),
            Fact(label="Reason", value=self.reason),
        ]
        if self.partner_key is not None:
            action = "created" if self.partner_created else "updated"
            facts.append(Fact(label=f"Partner {action}", value=self.partner_name))
            facts.append(Fact(label="Partner key", value=self.partner_key))
            facts.append(Fact(label="Partner status", value=self.partner_status))
        return Report(
            title=f"{self.decision.capitalize()} application {self.application_key}: {who}",
            period=f"decided {_day(self.decided_on)}",
            scope=who,
            sections=[Section(facts=facts)],
            notes=["Recorded in the audit log."],
        )


# --- reads -------------------------------------------------------------------------------


def pending_applications(
    session: Session,
    *,
    today: date,
    limit: int = 20,
    where: ApplicationFilter | None = None,
) -> ApplicationList:
    """Pending applications matching `where`, oldest first, so the longest wait is seen first.

    An empty result of a filtered list says how many match with each condition dropped.
    """
    where = where or ApplicationFilter()
    criteria = where.query_arguments()
    total = queries.count_pending(session, **criteria)
    rows = queries.pending_applications(session, **criteria, limit=limit) if total else []
    relaxed: list[RelaxedCount] = []
    queue_total = None
    if total == 0 and where.used:
        queue_total = queries.count_pending(session)
        if queue_total:
            relaxed = [_relaxed(session, where, dimension) for dimension in where.used]
    return ApplicationList(
        today=today,
        where=where,
        total=total,
        applications=[
            PendingApplication(
                application_key=a.application_key,
                name=a.name,
                company=a.company,
                type=a.type,
                audience_size=a.audience_size,
                country=a.country,
                submitted_at=a.submitted_at,
                days_waiting=(today - a.submitted_at).days,
            )
            for a in rows
        ],
        relaxed=relaxed,
        queue_total=queue_total,
        decided=queries.count_decided(session, **criteria),
    )


def _relaxed(session: Session, where: ApplicationFilter, dimension: Dimension) -> RelaxedCount:
    looser = where.without(dimension)
    total = queries.count_pending(session, **looser.query_arguments())
    return RelaxedCount(
        dropped=dimension,
        condition=where.condition(dimension),
        description=looser.describe(total),
        total=total,
    )


def application_detail(session: Session, *, key_or_name: str, today: date) -> ApplicationDetail:
    """One application by key or applicant name/company, so a reviewer can decide on it."""
    application = find_application(session, key_or_name)
    partner_key = None
    if application.partner_id is not None:
        partner_key = queries.partner_key_of(session, application.partner_id)
    pending = application.status == ApplicationStatus.PENDING
    return ApplicationDetail(
        today=today,
        application_key=application.application_key,
        name=application.name,
        email=application.email,
        company=application.company,
        type=application.type,
        website=application.website,
        country=application.country,
        audience_size=application.audience_size,
        submitted_at=application.submitted_at,
        days_waiting=(today - application.submitted_at).days if pending else None,
        status=application.status,
        decided_by=application.decided_by,
        decided_at=_aware(application.decided_at),
        decision_reason=application.decision_reason,
        partner_key=partner_key,
        message=application.message,
    )


def find_application(session: Session, key_or_name: str) -> Application:
    """Resolve an application key (exact) or an applicant's name/company (fuzzy) to one record."""
    text = key_or_name.strip()
    if not text:
        raise NotFound("Which application? Give its key (e.g. app-003) or the applicant's name.")
    by_key = queries.application_by_key(session, text)
    if by_key is not None:
        return by_key
    applications = queries.all_applications(session)
    scored = _ranked(text, applications)
    matches = [(score, a) for score, a in scored if score >= MATCH_CUTOFF]
    if len(matches) == 1 or (
        len(matches) > 1 and matches[0][0] - matches[1][0] >= CLEAR_WINNER_MARGIN
    ):
        return matches[0][1]
    if matches:
        options = [_label(a) for _, a in matches[:5]]
        raise AmbiguousApplication(
            f"“{text}” matches more than one application. Which one: " + "; ".join(options) + "?",
            options,
        )
    suggestions = [_label(a) for score, a in scored[:3] if score >= SUGGEST_CUTOFF]
    message = f"I couldn't find an application “{text}”."
    if suggestions:
        message += " Closest: " + "; ".join(suggestions) + "."
        raise NotFound(message, suggestions)
    raise NotFound(message + " Here is where to look instead:", ["Show pending applications"])


def _ranked(text: str, applications: list[Application]) -> list[tuple[float, Application]]:
    """Applications by how well their name or company matches `text`, best first."""
    return sorted(
        ((_name_score(text, a), a) for a in applications),
        key=lambda pair: (-pair[0], pair[1].id),
    )


def _name_score(text: str, application: Application) -> float:
    query = text.casefold()
    best = 0.0
    for field in (application.name, application.company):
        if not field:
            continue
        value = field.casefold()
        if value == query:
            return 100.0
        if len(query) >= 3 and query in value:
            best = max(best, 95.0)
        best = max(best, float(fuzz.WRatio(query, value)))
    return best


def _label(application: Application) -> str:
    company = f", {application.company}" if application.company else ""
    return f"{application.application_key} ({application.name}{company}, {application.status})"


# --- writes (never registered as tools) ---------------------------------------------------


def approve_application(
    session: Session, ctx: ToolContext, key: str, *, reason: str | None = None
) -> DecisionResult:
    """Approve a pending application: create (or activate) its partner and audit who/when/why."""
    actor = _require_approver(ctx, "approve applications")
    reason = reason.strip() if reason and reason.strip() else None
    application = _pending_for_decision(session, key)
    before = _application_state(session, application)
    now = ctx.clock
    _claim(session, application, ApplicationStatus.APPROVED, actor, now, reason)

    partner, created, partner_before = _create_or_activate_partner(session, ctx, application)
    application.partner_id = partner.id
    session.flush()

    after = _application_state(session, application)
    after["partner_created"] = created
    if partner_before is not None:
        before["partner"] = partner_before
    after["partner"] = _partner_state(partner)
    _audit(session, ctx, "approve_application", application, reason, before, after)
    return DecisionResult(
        application_key=application.application_key,
        applicant=application.name,
        company=application.company,
        decision="approved",
        decided_by=actor,
        decided_at=now,
        decided_on=now.astimezone(ctx.tz).date(),
        reason=reason,
        partner_key=partner.partner_key,
        partner_name=partner.name,
        partner_status=partner.status,
        partner_created=created,
    )


def reject_application(
    session: Session, ctx: ToolContext, key: str, *, reason: str
) -> DecisionResult:
    """Reject a pending application with a required reason; the record is kept and audited."""
    actor = _require_approver(ctx, "reject applications")
    if not reason or not reason.strip():
        raise ToolError(
            "A reason is required to reject an application; it is kept with the record "
            "and in the audit log."
        )
    reason = reason.strip()
    application = _pending_for_decision(session, key)
    before = _application_state(session, application)
    now = ctx.clock
    _claim(session, application, ApplicationStatus.REJECTED, actor, now, reason)
    after = _application_state(session, application)
    _audit(session, ctx, "reject_application", application, reason, before, after)
    return DecisionResult(
        application_key=application.application_key,
        applicant=application.name,
        company=application.company,
        decision="rejected",
        decided_by=actor,
        decided_at=now,
        decided_on=now.astimezone(ctx.tz).date(),
        reason=reason,
    )


def split_decision_words(session: Session, words: str) -> tuple[str, str]:
    """'app-017 strong fit' or 'Anna Kowalska strong fit' → (application key, the rest).

    The application is the longest run of leading words that names one exactly (a key, or
    an applicant's full name or company), so a reason is never mistaken for part of a name.
    Raises NotFound (with suggestions for the first word) or AmbiguousApplication."""
    tokens = words.split()
    if not tokens:
        raise ToolError("Name the application: its key (e.g. app-017) or the applicant's name.")
    for cut in range(len(tokens), 0, -1):
        try:
            application = _for_write(session, " ".join(tokens[:cut]))
        except NotFound:
            continue
        rest = tokens[cut:]
        if rest and queries.application_by_key(session, rest[0]) is not None:
            raise ToolError(
                f"Decide one application at a time: “{rest[0]}” is another application, "
                "not a reason. Nothing was changed."
            )
        return application.application_key, " ".join(rest)
    _for_write(session, tokens[0])  # raises NotFound with the closest keys
    raise AssertionError("unreachable")


def is_approver(ctx: ToolContext) -> bool:
    """True when the acting user, or one of their Slack user groups, is a configured approver."""
    if ctx.user is None:
        return False
    return ctx.user in ctx.approvers or bool(ctx.user_groups & ctx.approvers)


def _require_approver(ctx: ToolContext, what: str) -> str:
    if ctx.user is None:
        raise NotAllowed(
            f"Only approvers can {what}, and I don't know who is asking. "
            "Run the command as yourself (your Slack user id)."
        )
    if not is_approver(ctx):
        raise NotAllowed(
            f"Only approvers can {what}. Ask an admin to add you (or your user group) "
            "to PARTNEROPS_APPROVERS."
        )
    return ctx.user


def _pending_for_decision(session: Session, key: str) -> Application:
    """The application named by `key` (or an exact applicant name), which must be pending."""
    application = _for_write(session, key)
    if application.status != ApplicationStatus.PENDING:
        raise AlreadyDecided(application)
    return application


def _for_write(session: Session, key: str) -> Application:
    """Writes take a key, or an exact applicant name/company; never a fuzzy guess."""
    text = key.strip()
    found = queries.application_by_key(session, text) if text else None
    if found is not None:
        return found
    applications = queries.all_applications(session)
    folded = text.casefold()
    exact = [
        a
        for a in applications
        if folded and folded in (a.name.casefold(), (a.company or "").casefold())
    ]
    pending = [a for a in exact if a.status == ApplicationStatus.PENDING]
    if len(pending) == 1:
        return pending[0]
    if len(exact) == 1:
        return exact[0]
    if exact:
        options = [_label(a) for a in exact]
        raise AmbiguousApplication(
            f"“{text}” matches more than one application; use its key: " + "; ".join(options),
            options,
        )
    suggestions = [
        _label(a) for score, a in _ranked(text, applications)[:3] if score >= SUGGEST_CUTOFF
    ]
    message = f"There is no application with key “{text}”."
    if suggestions:
        message += " Closest: " + "; ".join(suggestions) + "."
    raise NotFound(message, suggestions)


def _already_decided(application: Application) -> str:
    when = _aware(application.decided_at)
    on = f" at {when:%H:%M} UTC on {_day(when.date())}" if when else ""
    by = f" by {application.decided_by}" if application.decided_by else ""
    why = f" (reason: {application.decision_reason})" if application.decision_reason else ""
    return (
        f"Application {application.application_key} was already {application.status}{by}{on}"
        f"{why}; only pending applications can be decided."
    )


def _claim(
    session: Session,
    application: Application,
    status: ApplicationStatus,
    actor: str,
    now: datetime,
    reason: str | None,
) -> None:
    """Set the decision only if still pending, so two concurrent deciders cannot both win."""
    claimed = queries.claim_decision(session, application.id, status, actor, now, reason)
    session.refresh(application)
    if not claimed:
        raise AlreadyDecided(application)


def _create_or_activate_partner(
    session: Session, ctx: ToolContext, application: Application
) -> tuple[Partner, bool, dict[str, Any] | None]:
    """The partner an approval yields: an existing one (same email or website) or a new one."""
    existing = _matching_partner(session, application)
    if existing is not None:
        before = _partner_state(existing)
        if existing.status != PartnerStatus.ACTIVE:
            existing.status = PartnerStatus.APPROVED.value
        if existing.joined_on is None:
            existing.joined_on = ctx.today
        existing.contact_email = existing.contact_email or application.email
        existing.contact_name = existing.contact_name or application.name
        existing.website = existing.website or application.website
        existing.country = existing.country or application.country
        session.flush()
        return existing, False, before
    partner = Partner(
        partner_key=_unique_partner_key(session, application),
        name=application.company or application.name,
        type=application.type,
        status=PartnerStatus.APPROVED.value,
        country=application.country,
        contact_name=application.name,
        contact_email=application.email,
        website=application.website,
        joined_on=ctx.today,
    )
    session.add(partner)
    session.flush()
    return partner, True, None


def _matching_partner(session: Session, application: Application) -> Partner | None:
    return queries.matching_partner(session, email=application.email, website=application.website)


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80]


def _unique_partner_key(session: Session, application: Application) -> str:
    """A slug of the company (or name); `app-<key>` when that has no Latin letters; made unique."""
    base = _slug(application.company or "") or _slug(application.name)
    if not base:
        key_slug = _slug(application.application_key) or str(application.id)
        base = key_slug if key_slug.startswith("app-") else f"app-{key_slug}"
    taken = queries.partner_keys_starting_with(session, base)
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _application_state(session: Session, application: Application) -> dict[str, Any]:
    partner_key = None
    if application.partner_id is not None:
        partner_key = queries.partner_key_of(session, application.partner_id)
    decided_at = _aware(application.decided_at)
    return {
        "status": application.status,
        "decided_by": application.decided_by,
        "decided_at": decided_at.isoformat() if decided_at else None,
        "decision_reason": application.decision_reason,
        "partner_key": partner_key,
    }


def _partner_state(partner: Partner) -> dict[str, Any]:
    return {
        "partner_key": partner.partner_key,
        "name": partner.name,
        "status": partner.status,
        "joined_on": partner.joined_on.isoformat() if partner.joined_on else None,
    }


def _audit(
    session: Session,
    ctx: ToolContext,
    action: str,
    application: Application,
    reason: str | None,
    before: dict[str, Any],
    after: dict[str, Any],
) -> None:
    session.add(
        AuditEntry(
            at=ctx.clock,
            actor=ctx.user or "unknown",
            action=action,
            entity_type="application",
            entity_key=application.application_key,
            reason=reason,
            before=before,
            after=after,
            source=ctx.source,
            channel=ctx.channel,
        )
    )
    session.flush()


def _aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; they were stored as UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def _day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


# --- registry adapters ---------------------------------------------------------------------


class PendingApplicationsArgs(BaseModel):
    n: int = Field(20, ge=1, le=100, description="How many applications to list, oldest first.")
    types: list[str] = Field(
        default_factory=list,
        description="Only applications of these partner types (any of them): affiliate, "
        "influencer, b2b_brand, channel, agency, referral or content.",
    )
    countries: list[str] = Field(
        default_factory=list,
        description="Only applicants from these countries (any of them), as two-letter "
        "codes, e.g. ['PL', 'DE'].",
    )
    submitted: str | None = Field(
        None, description="Only applications submitted in this period, e.g. 'last 10 days'."
    )

    @field_validator("types", "countries", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        """A single word is a list of one: 'agency' means ['agency']."""
        return [value] if isinstance(value, str) else value


class ApplicationDetailArgs(BaseModel):
    application: str = Field(
        description="The application's key (e.g. app-003), or the applicant's name or company."
    )


@tool(
    "pending_applications",
    "Partner applications waiting for a decision, oldest first, with days waiting; "
    "optionally only some types, countries or a submitted period.",
    PendingApplicationsArgs,
)
def _run_pending(
    session: Session, ctx: ToolContext, args: PendingApplicationsArgs
) -> ApplicationList:
    where = application_filter(
        today=ctx.today, types=args.types, countries=args.countries, submitted=args.submitted
    )
    return pending_applications(session, today=ctx.today, limit=args.n, where=where)


@tool(
    "application_detail",
    "One partner application by key or applicant name: details, status and the applicant's "
    "message (quoted, untrusted).",
    ApplicationDetailArgs,
)
def _run_detail(
    session: Session, ctx: ToolContext, args: ApplicationDetailArgs
) -> ApplicationDetail:
    return application_detail(session, key_or_name=args.application, today=ctx.today)
