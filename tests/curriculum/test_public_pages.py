"""Framework and item pages are public, permanent, and answer as HTML or JSON."""

import pytest
from django.urls import reverse

from curriculum.models import Framework

pytestmark = pytest.mark.django_db

FPC1 = "/frameworks/uk-foundation/2021/items/FPC1/"


def test_framework_list_shows_the_shipped_frameworks_signed_out(client):
    page = client.get(reverse("curriculum:framework_list")).content.decode()
    for name in [
        "UK Foundation Programme Curriculum",
        "CanMEDS",
        "Generic professional capabilities",
    ]:
        assert name.lower() in page.lower()


def test_fpc1_has_a_public_page(client):
    response = client.get(FPC1)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Clinical assessment" in page
    assert "HLO1" in page  # the breadcrumb names its parent


@pytest.mark.parametrize("how", [{"format": "json"}, {}])
def test_fpc1_as_json(client, how, settings):
    headers = {} if how else {"Accept": "application/json"}
    response = client.get(FPC1, how, headers=headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Accept" in response["Vary"]
    data = response.json()
    assert data["id"] == settings.SITE_URL + FPC1
    assert data["code"] == "FPC1"
    assert data["title"] == "Clinical assessment"
    assert data["parent"]["code"] == "HLO1"
    assert data["framework"]["name"] == "UK Foundation Programme Curriculum"
    assert data["framework"]["version"] == "2021"


def test_framework_json_lists_every_item_with_its_parent(client):
    data = client.get("/frameworks/uk-foundation/2021/", {"format": "json"}).json()
    assert len(data["items"]) == 16
    parents = {item["code"]: item["parent"] for item in data["items"]}
    assert parents["HLO2"] is None and parents["FPC7"] == "HLO2"


def test_framework_page_is_a_tree_with_search(client):
    page = client.get("/frameworks/uk-foundation/2021/").content.decode()
    assert page.count("<details") == 3  # the three HLOs open onto their FPCs
    found = client.get(
        "/frameworks/uk-foundation/2021/", {"q": "quality improvement"}
    ).content.decode()
    assert "1 item matches" in found
    assert "<mark>Quality improvement</mark>" in found


def test_htmx_search_returns_only_the_tree(client):
    response = client.get(
        "/frameworks/uk-foundation/2021/", {"q": "ethics"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="tree">')
    assert "<mark>Ethics and law</mark>" in body


def test_framework_page_costs_the_same_queries_whatever_its_size(
    client, django_assert_max_num_queries
):
    from tests.factories import framework_with_tree

    big = framework_with_tree(20, 24)  # 500 items
    with django_assert_max_num_queries(4):
        assert client.get(big.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/frameworks/nope/2021/",
        "/frameworks/uk-foundation/1999/",
        "/frameworks/uk-foundation/2021/items/FPC99/",
    ],
)
def test_unknown_frameworks_and_items_are_404(client, url):
    assert client.get(url).status_code == 404


def test_items_api_filters_by_framework_parent_code_and_text(client):
    framework = Framework.objects.get(slug="uk-foundation", version="2021")
    hlo1 = framework.items.get(code="HLO1")
    items = client.get("/api/v1/items/", {"framework": framework.pk, "parent": hlo1.pk}).json()[
        "results"
    ]
    assert [i["code"] for i in items] == ["FPC1", "FPC2", "FPC3", "FPC4", "FPC5"]
    items = client.get("/api/v1/items/", {"framework": framework.pk, "code": "fpc9"}).json()[
        "results"
    ]
    assert [i["title"] for i in items] == ["Quality improvement"]
    items = client.get("/api/v1/items/", {"framework": framework.pk, "q": "teaching"}).json()[
        "results"
    ]
    assert [i["code"] for i in items] == ["FPC10"]
    assert items[0]["url"].endswith("/frameworks/uk-foundation/2021/items/FPC10/")


def test_frameworks_api_is_public(client):
    data = client.get("/api/v1/frameworks/", {"slug": "uk-foundation"}).json()
    assert [(f["name"], f["version"]) for f in data["results"]] == [
        ("UK Foundation Programme Curriculum", "2021")
    ]
