"""An e-learning provider's system, using TinCanPython (the xAPI client library Rustici
publishes) as it would in production, pushes completions to the live server with the
key and secret from the integrations page; the entries count towards the e-learning
badge."""

import datetime
import uuid

import pytest
from django.core.management import call_command
from tincan import (
    Activity,
    ActivityDefinition,
    Agent,
    LanguageMap,
    RemoteLRS,
    Result,
    Statement,
    Verb,
)

from accounts.models import Organisation, User
from badges import demo as badge_demo
from badges.models import Award
from integrations.xapi import services
from integrations.xapi.models import Statement as StoredStatement
from portfolio.models import LearningEntry, Source

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def lrs(live_server, provider):
    credential, secret = services.create_credential(organisation=provider, actor=None)
    return RemoteLRS(
        endpoint=f"{live_server.url}/xapi/",
        version="1.0.3",
        username=credential.key,
        password=secret,
    )


def completed_module(email: str, name: str = "Sepsis: recognise and act") -> Statement:
    return Statement(
        actor=Agent(name="A learner", mbox=f"mailto:{email}"),
        verb=Verb(
            id="http://adlnet.gov/expapi/verbs/completed",
            display=LanguageMap({"en-US": "completed"}),
        ),
        object=Activity(
            id=f"https://wardround.example/modules/{uuid.uuid4()}",
            definition=ActivityDefinition(
                name=LanguageMap({"en-GB": name}),
                description=LanguageMap({"en-GB": "Spotting sepsis early on the ward."}),
                type="http://adlnet.gov/expapi/activities/module",
            ),
        ),
        result=Result(completion=True, duration=datetime.timedelta(minutes=45)),
    )


def test_a_provider_pushes_a_completion_that_earns_the_e_learning_badge(
    lrs, enrolled_trainee, provider, org_a
):
    badge_demo.create_badge_classes(org_a)
    services.connect_provider(user=enrolled_trainee, organisation=provider, actor=enrolled_trainee)

    about = lrs.about()
    assert about.success and "1.0.3" in about.content.version

    statement = completed_module(enrolled_trainee.email)
    sent = lrs.save_statement(statement)
    assert sent.success, sent.data
    statement_id = str(sent.content.id)

    entry = LearningEntry.objects.get(trainee=enrolled_trainee)
    assert (entry.source, entry.external_id) == (Source.XAPI, statement_id)
    assert entry.title == "Sepsis: recognise and act"
    assert entry.duration_minutes == 45
    assert entry.provider == "Ward Round Learning"
    # Badge rules ran on the entry the statement made: no one touched the portfolio.
    assert Award.objects.filter(
        recipient=enrolled_trainee, badge_class__slug="elearning-starter"
    ).exists()

    # The same statement again (now with its id, so sent with PUT) changes nothing.
    again = lrs.save_statement(statement)
    assert again.success, again.data
    assert LearningEntry.objects.filter(trainee=enrolled_trainee).count() == 1
    assert StoredStatement.objects.count() == 1

    read = lrs.retrieve_statement(statement_id)
    assert read.success, read.data
    assert str(read.content.object.id) == str(statement.object.id)


def test_a_completion_for_someone_who_has_not_connected_is_refused(
    lrs, enrolled_trainee, other_trainee
):
    refused = lrs.save_statement(completed_module(other_trainee.email))
    assert not refused.success
    assert refused.response.status == 403
    assert not LearningEntry.objects.exists()
    assert not StoredStatement.objects.exists()


def test_a_batch_from_the_client_makes_one_entry_each(lrs, enrolled_trainee, provider):
    services.connect_provider(user=enrolled_trainee, organisation=provider, actor=enrolled_trainee)
    batch = [completed_module(enrolled_trainee.email, f"Module {n}") for n in range(3)]
    sent = lrs.save_statements(batch)
    assert sent.success, sent.data
    titles = set(LearningEntry.objects.values_list("title", flat=True))
    assert titles == {"Module 0", "Module 1", "Module 2"}
    assert {str(s.id) for s in sent.content} == set(
        LearningEntry.objects.values_list("external_id", flat=True)
    )


def test_a_wrong_secret_is_refused(live_server, provider, enrolled_trainee):
    credential, _ = services.create_credential(organisation=provider, actor=None)
    lrs = RemoteLRS(
        endpoint=f"{live_server.url}/xapi/",
        version="1.0.3",
        username=credential.key,
        password="not-the-secret",
    )
    refused = lrs.save_statement(completed_module(enrolled_trainee.email))
    assert refused.response.status == 401


def test_in_the_demo_three_completions_from_the_provider_earn_its_badge(live_server):
    """The README's walk-through: the demo trainee has connected the demo provider, whose
    admin makes a key on its integrations page; three modules earn the provider's badge."""
    call_command("seed_demo")
    demo_provider = Organisation.objects.get(slug="ward-round-learning")
    credential, secret = services.create_credential(organisation=demo_provider, actor=None)
    lrs = RemoteLRS(
        endpoint=f"{live_server.url}/xapi/",
        version="1.0.3",
        username=credential.key,
        password=secret,
    )
    trainee1 = User.objects.get(email="trainee1@waymark.example")
    badge = {"recipient": trainee1, "badge_class__slug": "ward-round-learning-three"}

    for number in (1, 2):
        assert lrs.save_statement(completed_module(trainee1.email, f"Module {number}")).success
    assert not Award.objects.filter(**badge).exists()
    assert lrs.save_statement(completed_module(trainee1.email, "Module 3")).success
    assert Award.objects.filter(**badge).exists()

    refused = lrs.save_statement(completed_module("trainee2@waymark.example"))
    assert not refused.success and refused.response.status == 403
