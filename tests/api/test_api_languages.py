"""The API in English or French (`?lang=`): French versions of records, English where one is missing."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def records():
    practice = factories.practice(slug="schools", title="School budgets", summary="Pupils vote.")
    practice.title_fr = "Budgets des écoles"
    practice.save()
    theme = factories.theme(name="Participation", slug="participation")
    theme.name_fr = "Participation citoyenne"
    theme.save()
    factories.toolkit(name="Futures toolkit", slug="futures")
    return practice


def test_practices_come_in_french_with_english_where_a_version_is_missing(client, records):
    (practice,) = client.get("/api/practices/?lang=fr").json()["results"]
    assert (practice["title"], practice["summary"]) == ("Budgets des écoles", "Pupils vote.")


def test_without_lang_the_api_is_english(client, records):
    (practice,) = client.get("/api/practices/").json()["results"]
    assert practice["title"] == "School budgets"
    assert client.get("/api/themes/participation/").json()["name"] == "Participation"


def test_reference_records_come_in_french(client, records):
    assert client.get("/api/themes/participation/?lang=fr").json()["name"] == "Participation citoyenne"
    response = client.get("/api/toolkits/futures/?lang=fr")
    assert response.json()["name"] == "Futures toolkit"
    assert response["Content-Language"] == "fr"


@pytest.mark.parametrize("value", ["xx", "", "FR", "fr-ca", "en%00"])
def test_an_unknown_language_is_a_json_400(client, records, value):
    response = client.get(f"/api/practices/?lang={value}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "lang" in response.json()


def test_the_openapi_description_documents_lang(client):
    schema = client.get("/api/schema/?format=json").json()
    parameters = schema["paths"]["/api/practices/"]["get"]["parameters"]
    (lang,) = [parameter for parameter in parameters if parameter["name"] == "lang"]
    assert lang["schema"]["enum"] == ["en", "fr"]


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["/api/practices/?lang=fr&page=0", "/fr/api/practices/?page=0"])
def test_a_page_number_error_comes_in_french(client, address):
    response = client.get(address)
    assert response.status_code == 400
    assert response.json() == {"page": ["Donnez un nombre entier à partir de 1."]}
