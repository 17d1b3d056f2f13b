"""The API base: OpenAPI schema, docs from installed packages, the `me` endpoint, error shape."""

import yaml
from django.urls import reverse


def test_schema_is_openapi_3_and_lists_the_resources(login, fk_officer):
    response = login(fk_officer).get(reverse("api:schema"))
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/persons/", "/api/v1/persons/{id}/", "/api/v1/me/"} <= set(schema["paths"])


def test_schema_needs_login(client, db):
    assert client.get(reverse("api:schema")).status_code in (401, 403)


def test_swagger_ui_is_served_without_a_cdn(login, fk_officer):
    response = login(fk_officer).get(reverse("api:docs"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in body
    assert "cdn." not in body and "unpkg" not in body


def test_me_tells_role_and_areas(login, coordinator, area):
    data = login(coordinator).get(reverse("api:me")).json()
    assert data["role"] == "Samverkanssamordnare"
    assert data["areas"] == [area.code]
    assert data["case_access"] is True


def test_api_errors_are_json_in_swedish(login, outsider, person):
    response = login(outsider).get(reverse("api:person-detail", args=[person.pk]))
    assert response.status_code == 404
    assert response.json() == {"detail": "Hittades inte."}
