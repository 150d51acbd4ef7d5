"""Acceptance: a badge issued by another Waymark, running as a separate server, is added to
a trainee's backpack here by its baked image, verified with that server, counted by a
rule that names its issuer and badge, and meets a mandatory-training subject at a trust that
accepts it; a copy of someone else's badge, edited to name the
trainee, is refused."""

import io
import json

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from accounts.models import Role
from badges.models import Award, BadgeClass, ExternalBadge, Issuer
from passport import selectors as passport_selectors
from passport import services as passport_services
from passport.models import Subject
from tests.badges import second_waymark
from tests.factories import MembershipFactory
from tests.service_requirements import services_required

pytestmark = pytest.mark.django_db
# The other Waymark awarded its badge to this address; the trainee here has verified it.
ELSEWHERE_ADDRESS = "t.trainee@elsewhere.example"


@pytest.fixture(scope="module")
def elsewhere(tmp_path_factory):
    try:
        waymark = second_waymark.start(
            tmp_path_factory.mktemp("elsewhere"), trainee_email=ELSEWHERE_ADDRESS
        )
    except second_waymark.NotStarted as error:
        if services_required():
            pytest.fail(str(error), pytrace=False)
        pytest.skip(str(error))
    yield waymark
    waymark.stop()


@pytest.fixture
def trainee_with_two_addresses(trainee):
    EmailAddress.objects.create(user=trainee, email=ELSEWHERE_ADDRESS, verified=True)
    return trainee


def builds_on(org, *, issuer: str, achievement: str) -> BadgeClass:
    """A badge class here whose rule asks for the badge from elsewhere."""
    here = Issuer.objects.create(
        organisation=org, name=org.name, url="https://st-elsewhere.example", email="b@x.example"
    )
    return BadgeClass.objects.create(
        issuer=here,
        slug="sim-educator",
        name="Simulation educator",
        description="Builds on simulation faculty held elsewhere.",
        criteria="Hold the Elsewhere Deanery's Simulation faculty badge.",
        rule={"type": "external_badge", "issuer": issuer, "achievement": achievement},
    )


def add(client, captured, **data):
    with captured(execute=True):
        return client.post(reverse("badges:backpack_add"), data)


def upload(png: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("badge.png", png, content_type="image/png")


def test_a_baked_png_from_another_waymark_imports_verifies_and_counts(
    client, org_a, trainee_with_two_addresses, elsewhere, django_capture_on_commit_callbacks
):
    trainee = trainee_with_two_addresses
    facts = elsewhere.facts
    educator = builds_on(org_a, issuer=facts["issuer"], achievement=facts["badge_class"])
    client.force_login(trainee)

    response = add(
        client,
        django_capture_on_commit_callbacks,
        file=upload(elsewhere.baked_png(facts["mine"])),
    )

    badge = ExternalBadge.objects.get(trainee=trainee)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("badges:external_badge_detail", args=[badge.uid])
    assert badge.verified is True
    assert [(s["check"], s["outcome"]) for s in badge.verification] == [
        ("Hosted assertion", "passed"),
        ("Issuer", "passed"),
        ("Status", "passed"),
        ("Validity", "passed"),
        ("Recipient", "passed"),
    ]
    assert (badge.badge_name, badge.issuer_name) == ("Simulation faculty", "Elsewhere Deanery")
    assert (badge.issuer_uri, badge.achievement_uri) == (facts["issuer"], facts["badge_class"])
    assert badge.credential_id == f"{elsewhere.url}/ob/v2/assertions/{facts['mine']}"
    assert badge.image.name.endswith(".png")
    award = Award.objects.get(recipient=trainee, badge_class=educator)
    assert award.achieved["rule"]["held"] == ["Simulation faculty"]

    page = client.get(reverse("badges:my_badges")).content.decode()
    assert "Simulation faculty" in page and "Verified</span> on" in page


def test_the_imported_badge_meets_a_subject_at_a_trust_that_accepts_it(
    client, org_b, org_b_admin, trainee_with_two_addresses, elsewhere,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    """The other trust accepts the other Waymark's badge for resuscitation; the trainee,
    arriving there, finds the subject met by the badge she brought, and the trust's grid
    says so."""
    trainee = trainee_with_two_addresses
    MembershipFactory(user=trainee, organisation=org_b, role=Role.TRAINEE)
    facts = elsewhere.facts
    resuscitation = Subject.objects.get(code="CSTF-RESUS")
    passport_services.accept(
        actor=org_b_admin, organisation=org_b, subject=resuscitation,
        issuer_uri=facts["issuer"], achievement_uri=facts["badge_class"],
        name="Simulation faculty (Elsewhere Deanery)",
    )  # fmt: skip
    today = timezone.localdate()
    [before] = at(org_b, passport_selectors.passport_of(trainee, today=today))
    assert (before.covered, before.required) == (0, 1)
    client.force_login(trainee)

    add(client, django_capture_on_commit_callbacks, file=upload(elsewhere.baked_png(facts["mine"])))

    [section] = at(org_b, passport_selectors.passport_of(trainee, today=today))
    assert (section.covered, section.required) == (1, 1)
    [row] = section.met
    assert row.subject.code == "CSTF-RESUS"
    assert (row.standing.match.credential.name, row.standing.match.credential.issuer) == (
        "Simulation faculty",
        "Elsewhere Deanery",
    )
    grid = passport_selectors.compliance_grid(org_b, [trainee], today=today)
    assert [cell.met for cell in grid.rows[0].cells] == [True]


def at(organisation, passport) -> list:
    return [s for s in passport.sections if s.organisation == organisation]


def test_a_forged_copy_naming_the_trainee_is_refused_for_its_recipient(
    client, org_a, trainee, elsewhere, django_capture_on_commit_callbacks
):
    facts = elsewhere.facts
    assertion = json.loads(elsewhere.get(f"/ob/v2/assertions/{facts['theirs']}"))
    assertion["recipient"] = {"type": "email", "hashed": False, "identity": trainee.email}
    forged = bake_assertion_json(elsewhere.baked_png(facts["theirs"]), assertion)
    client.force_login(trainee)

    response = add(client, django_capture_on_commit_callbacks, file=upload(forged))

    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert any("different recipient" in e and "altered" in e for e in errors), errors
    assert not ExternalBadge.objects.exists()


def test_another_waymarks_signed_open_badges_3_image_imports_verifies_and_counts(
    client, org_a, trainee_with_two_addresses, elsewhere, django_capture_on_commit_callbacks
):
    trainee = trainee_with_two_addresses
    facts = elsewhere.facts
    educator = builds_on(
        org_a, issuer=facts["credential_issuer"], achievement=facts["credential_achievement"]
    )
    client.force_login(trainee)

    png = elsewhere.get(f"/badges/awards/{facts['mine']}/badge-ob3.png")
    response = add(client, django_capture_on_commit_callbacks, file=upload(png))

    assert response.status_code == 302, response.content.decode()[:2000]
    badge = ExternalBadge.objects.get(trainee=trainee)
    outcomes = {s["check"]: s["outcome"] for s in badge.verification}
    assert outcomes == {
        "Proof": "passed",
        "Issuer": "passed",
        "Status": "passed",
        "Validity": "passed",
        "Recipient": "passed",
    }
    assert Award.objects.filter(recipient=trainee, badge_class=educator).exists()


def test_the_hosted_assertions_address_adds_the_same_badge_once(
    client, trainee_with_two_addresses, elsewhere, django_capture_on_commit_callbacks
):
    client.force_login(trainee_with_two_addresses)
    address = f"{elsewhere.url}/ob/v2/assertions/{elsewhere.facts['mine']}"

    first = add(client, django_capture_on_commit_callbacks, url=address)
    again = add(client, django_capture_on_commit_callbacks, url=address)

    assert first.status_code == again.status_code == 302
    assert ExternalBadge.objects.get().verified
    assert "already had" in client.get(again["Location"]).content.decode()


def test_someone_elses_badge_as_it_was_issued_fails_the_recipient_check(
    client, trainee, elsewhere, django_capture_on_commit_callbacks
):
    client.force_login(trainee)

    response = add(
        client,
        django_capture_on_commit_callbacks,
        file=upload(elsewhere.baked_png(elsewhere.facts["theirs"])),
    )

    errors = response.context["form"].errors["file"]
    assert errors == ["Recipient: It was not issued to any of your verified email addresses."]
    assert not ExternalBadge.objects.exists()


def bake_assertion_json(png: bytes, assertion: dict) -> bytes:
    """The image with the assertion itself baked in, as Open Badges 2.0 allows."""
    image = Image.open(io.BytesIO(png))
    info = PngInfo()
    info.add_itxt("openbadges", json.dumps(assertion))
    output = io.BytesIO()
    image.save(output, format="PNG", pnginfo=info)
    return output.getvalue()
