"""The demo, as a new supervisor meets it after `make run`: supervisor1 finds trainee1 on
their trainees page and reads trainee1's portfolio."""

import html
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from portfolio.models import LearningEntry, Status

pytestmark = pytest.mark.django_db


def test_the_demo_supervisor_reads_the_demo_trainees_entries(client):
    call_command("seed_demo")
    supervisor = User.objects.get(email="supervisor1@waymark.example")
    trainee = User.objects.get(email="trainee1@waymark.example")
    sent = LearningEntry.objects.for_trainee(trainee).exclude(status=Status.DRAFT)
    client.force_login(supervisor)

    trainees = client.get(reverse("portfolio:supervised_trainees")).content.decode()
    page = client.get(reverse("portfolio:trainee_portfolio", args=[trainee.pk]))
    entries = client.get(reverse("portfolio:trainee_entries", args=[trainee.pk]))

    assert f'href="{reverse("portfolio:trainee_portfolio", args=[trainee.pk])}"' in trainees
    assert page.status_code == 200
    assert f"Entries ({sent.count()})" in page.content.decode()
    assert sent.count() > 20
    assert f"{sent.count()} entries." in entries.content.decode()
    shown = [
        html.unescape(title)
        for title in re.findall(r'class="entry-title">([^<]+)<', entries.content.decode())
    ]
    assert shown and set(shown) <= set(sent.values_list("title", flat=True))
