import pytest

from curriculum.models import Framework
from portfolio import services
from tests.factories import EnrolmentFactory, ProgrammeFactory


@pytest.fixture
def foundation(db):
    return Framework.objects.get(slug="uk-foundation", version="2021")


@pytest.fixture
def fpcs(foundation):
    return {item.code: item for item in foundation.items.filter(code__startswith="FPC")}


@pytest.fixture
def enrolled_trainee(trainee, org_a, foundation):
    programme = ProgrammeFactory(organisation=org_a, frameworks=[foundation])
    EnrolmentFactory(trainee=trainee, programme=programme)
    return trainee


@pytest.fixture
def log(enrolled_trainee):
    """Log an event for the trainee through the service, as every page and the API do."""

    def log(**fields):
        defaults = {"kind": "teaching_attended", "title": "Sepsis teaching", "date": "2026-11-02"}
        event, _ = services.log_event(trainee=enrolled_trainee, **{**defaults, **fields})
        return event

    return log
