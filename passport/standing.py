"""Whether a trainee's credentials meet mandatory-training subjects, as pure functions over
plain data: no clock, no database. Callers pass `today` and the rows.

A credential meets a subject at an organisation when the organisation accepts it for the
subject. It counts from the day it was issued until the earlier of its own expiry and the
acceptance's age limit (issued on + the acceptance's months, else the subject's refresher
period), and stops counting on that day: it counts while today is before it. Where several
credentials meet a subject, the one that counts longest wins; one that never runs out beats
any that does."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

MET, EXPIRING, MISSING = "met", "expiring", "missing"
STATUS_LABELS = {MET: "Met", EXPIRING: "Expiring soon", MISSING: "Missing"}

# A met subject whose credential stops counting within this long is "expiring soon".
EXPIRING_WITHIN = timedelta(days=30)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day where it has no such day."""
    return day + relativedelta(months=months)


@dataclass(frozen=True)
class Credential:
    """A trainee's credential: a standing award on this Waymark, or a verified badge issued
    elsewhere. `target` is what an acceptance names it by: ("badge_class", id), or
    ("external", issuer uri, achievement uri)."""

    ref: str  # "award:12" or "external:5", unique across both kinds
    target: tuple
    name: str
    issuer: str
    issued_on: date
    expires: date | None = None
    url: str = ""

    @property
    def award_id(self) -> int | None:
        kind, _, pk = self.ref.partition(":")
        return int(pk) if kind == "award" else None


@dataclass(frozen=True)
class Accepted:
    """An organisation's acceptance of a target for a subject, its age limit resolved (the
    acceptance's own, else the subject's refresher period; None for no limit)."""

    organisation_id: int
    subject: str
    target: tuple
    months: int | None


@dataclass(frozen=True)
class Match:
    credential: Credential
    # The first day the credential no longer counts; None when it never runs out.
    valid_until: date | None
    # Whether that day is the credential's own expiry, rather than the age limit.
    until_expiry: bool

    @property
    def last_day(self) -> date | None:
        """The last day the credential counts, as people read "counts until"."""
        return self.valid_until - timedelta(days=1) if self.valid_until else None


def valid_until(credential: Credential, months: int | None) -> tuple[date | None, bool]:
    """The first day `credential` no longer counts under an age limit of `months`, and
    whether that day comes from the credential's own expiry."""
    aged = add_months(credential.issued_on, months) if months else None
    expires = credential.expires
    if expires is None:
        return aged, False
    if aged is None or expires <= aged:
        return expires, True
    return aged, False


def counts(until: date | None, today: date) -> bool:
    return until is None or today < until


def _rank(match: Match):
    # Latest-counting first: no end beats any end; then the most recent; then a stable order.
    until = match.valid_until or date.max
    return (until, match.credential.issued_on, match.credential.ref)


def best(matches: Iterable[Match]) -> Match | None:
    return max(matches, key=_rank, default=None)


def index_credentials(credentials: Iterable[Credential]) -> dict[tuple, list[Credential]]:
    by_target = defaultdict(list)
    for credential in credentials:
        by_target[credential.target].append(credential)
    return by_target


def matches_for(
    accepted: Iterable[Accepted], by_target: dict[tuple, list[Credential]], today: date
) -> list[Match]:
    """Every credential that counts today under one of these acceptances."""
    found = []
    for acceptance in accepted:
        for credential in by_target.get(acceptance.target, ()):
            until, from_expiry = valid_until(credential, acceptance.months)
            if credential.issued_on <= today and counts(until, today):
                found.append(Match(credential, until, from_expiry))
    return found


def status_of(match: Match | None, today: date) -> str:
    if match is None:
        return MISSING
    if match.valid_until is not None and match.valid_until - today <= EXPIRING_WITHIN:
        return EXPIRING
    return MET


@dataclass(frozen=True)
class SubjectStanding:
    subject: str
    match: Match | None
    status: str
    # The organisations at which the credential that meets the subject counts today.
    organisations: tuple[int, ...] = ()

    @property
    def met(self) -> bool:
        return self.match is not None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def organisation_standing(
    subjects: list[str],
    accepted: Iterable[Accepted],
    credentials: Iterable[Credential],
    today: date,
) -> list[SubjectStanding]:
    """Each of `subjects` at one organisation, given what it accepts (`accepted`, its own
    acceptances only): met by which credential, until when, or missing."""
    by_subject = defaultdict(list)
    for acceptance in accepted:
        by_subject[acceptance.subject].append(acceptance)
    by_target = index_credentials(credentials)
    rows = []
    for subject in subjects:
        match = best(matches_for(by_subject[subject], by_target, today))
        organisations = tuple(sorted({a.organisation_id for a in by_subject[subject]}))
        if match is None:
            organisations = ()
        rows.append(SubjectStanding(subject, match, status_of(match, today), organisations))
    return rows


def general_standing(
    subjects: list[str],
    accepted: Iterable[Accepted],
    credentials: Iterable[Credential],
    today: date,
) -> list[SubjectStanding]:
    """Each of `subjects` across every organisation's acceptances: met by the credential
    that counts longest at any of them, naming the organisations at which it counts."""
    by_subject = defaultdict(list)
    for acceptance in accepted:
        by_subject[acceptance.subject].append(acceptance)
    by_target = index_credentials(credentials)
    rows = []
    for subject in subjects:
        match = best(matches_for(by_subject[subject], by_target, today))
        organisations = ()
        if match is not None:
            organisations = tuple(
                sorted(
                    {
                        a.organisation_id
                        for a in by_subject[subject]
                        if a.target == match.credential.target
                        and counts(valid_until(match.credential, a.months)[0], today)
                    }
                )
            )
        rows.append(SubjectStanding(subject, match, status_of(match, today), organisations))
    return rows


def covered(rows: Iterable[SubjectStanding]) -> int:
    return sum(1 for row in rows if row.met)
