"""The trainee's passport and the organisation's compliance grid: what counts (standing
awards, verified badges issued elsewhere), until when, and at a fixed cost in queries."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from badges.services import awarding
from passport import selectors, services
from tests.conftest import member

pytestmark = pytest.mark.django_db


def section(passport, organisation):
    [found] = [s for s in passport.sections if s.organisation == organisation]
    return found


def test_a_trainee_sees_every_core_subject_and_what_meets_it(
    accepts_ig, award, ig_badge, trainee, org_a, frozen_today
):
    award(ig_badge, trainee, issued_days_ago=30)

    passport = selectors.passport_of(trainee, today=frozen_today)

    assert len(passport.rows) == 11 and "CSTF-VA-WALES" not in {
        r.subject.code for r in passport.rows
    }
    [ig] = [r for r in passport.rows if r.subject.code == "CSTF-IG"]
    assert ig.standing.match.credential.issuer == org_a.name
    assert ig.organisations == [org_a]
    assert (section(passport, org_a).covered, section(passport, org_a).required) == (1, 1)


def test_a_revoked_award_and_an_unverified_badge_do_not_count(
    accepts_ig, award, ig_badge, trainee, org_a, org_admin, external_badge, subject, frozen_today
):
    services.accept(
        actor=org_admin,
        organisation=org_a,
        subject=subject("CSTF-FIRE"),
        issuer_uri="https://learning.example/issuer",
        achievement_uri="https://learning.example/fire",
        name="Fire safety elsewhere",
    )
    made = award(ig_badge, trainee)
    awarding.revoke_award(award=made, actor=org_admin, reason="In error.")
    external_badge(trainee, verified=None)
    assert selectors.passport_of(trainee, today=frozen_today).covered == 0

    external_badge(trainee, verified=True)
    passport = selectors.passport_of(trainee, today=frozen_today)
    assert [r.subject.code for r in passport.rows if r.standing.met] == ["CSTF-FIRE"]


def test_an_expired_credential_stops_counting_on_the_day(
    accepts_ig, award, ig_badge, trainee, org_a, frozen_today
):
    expires = timezone.now() + timedelta(days=3)
    award(ig_badge, trainee, expires=expires)
    last_day = timezone.localdate(expires)
    assert (
        section(selectors.passport_of(trainee, today=last_day - timedelta(days=1)), org_a).covered
        == 1
    )
    assert section(selectors.passport_of(trainee, today=last_day), org_a).covered == 0


def test_a_wales_subject_shows_only_where_required(
    org_a, org_admin, trainee, ig_badge, subject, frozen_today
):
    services.accept(
        actor=org_admin, organisation=org_a, subject=subject("CSTF-VA-WALES"), badge_class=ig_badge
    )
    codes = [r.subject.code for r in selectors.passport_of(trainee, today=frozen_today).rows]
    assert len(codes) == 12 and codes[-1] == "CSTF-VA-WALES"


def test_the_page_shows_an_organisations_empty_state(client, trainee, org_a):
    client.force_login(trainee)
    page = client.get(reverse("passport:mine")).content.decode()
    assert f"{org_a.name} has not said what it accepts yet." in page
    assert "0 of 11 subjects met" in page


def test_the_passport_page_costs_the_same_however_much_is_held(
    client,
    accepts_ig,
    award,
    ig_badge,
    trainee,
    org_a,
    org_b,
    org_admin,
    external_badge,
    subject,
    django_assert_num_queries,
):
    def accept_elsewhere(n):
        services.accept(
            actor=org_admin,
            organisation=org_a,
            subject=subject("CSTF-FIRE"),
            issuer_uri="https://learning.example/issuer",
            achievement_uri=f"https://learning.example/{n}",
            name=f"Fire {n}",
        )

    accept_elsewhere(0)
    client.force_login(trainee)
    # Session and user, memberships, acceptances, subjects, awards, badges issued elsewhere,
    # and the menu's roles.
    with django_assert_num_queries(8):
        client.get(reverse("passport:mine"))
    org_b.memberships.create(user=trainee, role=Role.TRAINEE)
    award(ig_badge, trainee)
    for n in range(1, 4):
        accept_elsewhere(n)
        external_badge(trainee, achievement_uri=f"https://learning.example/{n}")
    with django_assert_num_queries(8):
        page = client.get(reverse("passport:mine"))
    assert "2 of 2 subjects" in page.content.decode()


# --- The compliance grid -------------------------------------------------------------------


def trainees(org, count):
    return [member(org, Role.TRAINEE, full_name=f"Dr Trainee {n:02}") for n in range(count)]


@pytest.mark.parametrize("count", [3, 30])
def test_the_grid_costs_the_same_however_many_members_and_awards(
    client, org_a, org_admin, accepts_ig, award, ig_badge, count, django_assert_num_queries
):
    for person in trainees(org_a, count):
        award(ig_badge, person)
    client.force_login(org_admin)
    url = reverse("passport:compliance", args=[org_a.slug])
    # Session and user, the organisation, the page's count and trainees, acceptances,
    # awards, badges issued elsewhere: no more with more people.
    with django_assert_num_queries(8):
        page = client.get(url).content.decode()
    assert page.count("Met</span>") == min(count, 25)


def test_the_grid_says_met_expiring_or_missing(
    client, org_a, org_admin, accepts_ig, award, ig_badge, frozen_today
):
    soon, lasting, none = trainees(org_a, 3)
    award(ig_badge, soon, expires=timezone.now() + timedelta(days=10))
    award(ig_badge, lasting)
    grid = selectors.compliance_grid(org_a, selectors.trainees_of(org_a), today=frozen_today)
    statuses = {row.trainee: row.cells[0].status for row in grid.rows}
    assert statuses == {soon: "expiring", lasting: "met", none: "missing"}
    assert [s.code for s in grid.subjects] == ["CSTF-IG"]


def test_the_csv_has_a_header_and_neutralises_formulas(
    client, org_a, org_admin, accepts_ig, award, ig_badge
):
    sly = member(org_a, Role.TRAINEE, full_name='=HYPERLINK("https://evil.example","x")')
    award(ig_badge, sly)
    client.force_login(org_admin)
    response = client.get(reverse("passport:compliance_csv", args=[org_a.slug]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == [
        "Trainee",
        "Email",
        "CSTF-IG Information Governance and Data Security",
        "Covered",
    ]
    assert rows[1][0] == '\'=HYPERLINK("https://evil.example","x")'
    assert rows[1][2].startswith("met until ") and rows[1][3] == "1 of 1"
