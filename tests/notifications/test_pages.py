"""The notifications page, opening a notice, marking all read, the unread count in the
navigation, and the preferences page: each person's own, at a fixed cost in queries."""

import pytest
from django.urls import reverse

from notifications.models import Delivery, Kind, Notification
from notifications.services import notify

pytestmark = pytest.mark.django_db

LIST = reverse("notifications:list")
READ_ALL = reverse("notifications:read_all")
UNREAD = reverse("notifications:unread")
PREFERENCES = reverse("notifications:preferences")


def told(recipient, subject="Your PDF portfolio is ready", **fields):
    return notify(
        recipient=recipient,
        kind=fields.pop("kind", Kind.EXPORT_READY),
        subject=subject,
        body=subject,
        url=fields.pop("url", "/exports/"),
        **fields,
    )


def open_url(notification):
    return reverse("notifications:open", args=[notification.pk])


@pytest.fixture
def signed_in(client, trainee):
    client.force_login(trainee)
    return client


def test_the_pages_need_signing_in(client):
    for url in (LIST, PREFERENCES):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url
    # The count answers "nothing to show" rather than sending htmx to the sign-in page.
    assert client.get(UNREAD).status_code == 204


def test_the_list_is_newest_first_with_unread_marked(signed_in, trainee, other_trainee):
    older = told(trainee, "Older")
    newer = told(trainee, "Newer")
    told(other_trainee, "Someone else's")
    Notification.objects.filter(pk=older.pk).update(read_at=newer.created_at)

    html = signed_in.get(LIST).content.decode()

    assert html.index("Newer") < html.index("Older")
    assert "Someone else" not in html
    assert html.count("notification-unread") == 1 and html.count(">New<") == 1
    assert "1 unread." in html and "Mark all as read" in html


def test_the_list_is_paged(signed_in, trainee):
    for n in range(26):
        told(trainee, f"Notice {n:02}")

    first, second = signed_in.get(LIST).content.decode(), signed_in.get(LIST + "?page=2")
    assert "Notice 25" in first and "Notice 00" not in first
    assert "Notice 00" in second.content.decode()
    assert 'rel="next"' in first


def test_an_empty_list_says_what_will_appear(signed_in):
    html = signed_in.get(LIST).content.decode()

    assert "You have no notifications yet." in html
    assert "Mark all as read" not in html


def test_opening_marks_it_read_and_goes_to_its_page(signed_in, trainee):
    notice = told(trainee, url="/exports/")

    response = signed_in.post(open_url(notice))

    assert response.status_code == 302 and response.url == "/exports/"
    notice.refresh_from_db()
    assert not notice.is_unread


def test_opening_is_a_post(signed_in, trainee):
    notice = told(trainee)

    assert signed_in.get(open_url(notice)).status_code == 405
    notice.refresh_from_db()
    assert notice.is_unread


def test_opening_needs_the_csrf_token(client, trainee):
    from django.test import Client

    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(trainee)
    notice = told(trainee)

    assert guarded.post(open_url(notice)).status_code == 403
    assert guarded.post(READ_ALL).status_code == 403


def test_someone_elses_notice_is_not_found(signed_in, other_trainee):
    theirs = told(other_trainee)

    assert signed_in.post(open_url(theirs)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_unread


def test_a_notice_about_no_page_opens_the_list(signed_in, trainee):
    notice = told(trainee, url="")

    assert signed_in.post(open_url(notice)).url == LIST


def test_mark_all_as_read(signed_in, trainee, other_trainee):
    told(trainee)
    told(trainee)
    theirs = told(other_trainee)

    response = signed_in.post(READ_ALL, follow=True)

    assert "Marked 2 notifications read." in response.content.decode()
    assert not Notification.objects.filter(recipient=trainee, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.is_unread


def test_the_navigation_fetches_the_unread_count_after_the_page(signed_in, trainee):
    told(trainee)
    told(trainee)

    page = signed_in.get(reverse("accounts:account")).content.decode()
    assert f'href="{LIST}"' in page and f'hx-get="{UNREAD}"' in page

    count = signed_in.get(UNREAD).content.decode()
    assert ">2<" in count and "unread" in count


def test_no_count_when_all_are_read(signed_in, trainee):
    told(trainee)
    Notification.objects.update(read_at="2026-11-02T09:00:00Z")

    assert signed_in.get(UNREAD).content.decode().strip() == ""


def test_email_only_notices_are_not_counted(signed_in, trainee):
    from notifications.models import Preference

    Preference.objects.create(user=trainee, kind=Kind.EXPORT_READY, delivery=Delivery.EMAIL)
    told(trainee)

    assert signed_in.get(UNREAD).content.decode().strip() == ""


# --- Query budgets -----------------------------------------------------------------------------


def test_the_list_costs_a_fixed_number_of_queries(signed_in, trainee, django_assert_num_queries):
    told(trainee)
    # Session, user, navigation roles; the page's count and rows; the unread count.
    with django_assert_num_queries(6):
        signed_in.get(LIST)
    for n in range(30):
        told(trainee, f"Notice {n}")
    with django_assert_num_queries(6):
        signed_in.get(LIST)


def test_the_unread_count_costs_one_query(signed_in, trainee, django_assert_num_queries):
    told(trainee)
    # Session, user, and the count.
    with django_assert_num_queries(3):
        signed_in.get(UNREAD)


def test_the_preferences_page_costs_a_fixed_number_of_queries(
    client, supervisor, django_assert_num_queries
):
    client.force_login(supervisor)
    # Session, user; the choices, the digest, the roles (which also serve the navigation).
    with django_assert_num_queries(5):
        client.get(PREFERENCES)
