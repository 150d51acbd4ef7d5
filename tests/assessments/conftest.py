"""An assessment ready to send: the enrolled trainee's mini-CEX, its case written up."""

import datetime

import pytest
from django.core.cache import cache

from assessments import services
from assessments.models import AssessmentForm

MINI_CEX_ASSESSOR_ANSWERS = {
    "history": "Meets expectations",
    "examination": "Meets expectations",
    "communication": "Above expectations",
    "judgement": "Meets expectations",
    "overall": "Meets expectations",
    "went_well": "Clear, kind explanation of the diagnosis.",
    "to_develop": "Examine the abdomen before the chest film.",
}


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    """Tickets are counted per trainee in the cache; each test starts with none sent."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def mini_cex(db):
    # Installed by a migration, which a transactional test's flush empties: install again.
    services.install_base_forms()
    return AssessmentForm.objects.get(organisation=None, code="mini-cex")


@pytest.fixture
def start(enrolled_trainee, mini_cex):
    def start(**fields):
        defaults = {
            "title": "Chest pain in the emergency department",
            "date": datetime.date(2026, 11, 2),
            "answers": {"setting": "ED majors, a man in his fifties with chest pain."},
        }
        return services.start_assessment(
            actor=enrolled_trainee, form=mini_cex, **{**defaults, **fields}
        )

    return start


@pytest.fixture
def assessment(start, fpcs):
    return start(items=[fpcs["FPC1"]])


@pytest.fixture
def send_ticket(enrolled_trainee, django_capture_on_commit_callbacks, mailoutbox):
    """Send a ticket as the page does, and return it with the link from the email."""

    def send(assessment, email="dr.jones@hospital.example", name="Dr Rhys Jones"):
        with django_capture_on_commit_callbacks(execute=True):
            ticket = services.request_assessment(
                actor=enrolled_trainee, assessment=assessment, name=name, email=email
            )
        return ticket, link_in(mailoutbox[-1].body)

    return send


def link_in(body: str) -> str:
    """The path of the one-time link in an email's text."""
    line = next(line for line in body.splitlines() if "/assess/" in line)
    return line[line.index("/assess/") :].strip()


def token_of(link: str) -> str:
    return link.removeprefix("/assess/").strip("/")
