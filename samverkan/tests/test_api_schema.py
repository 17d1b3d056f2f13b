"""Issue 6 point 3: the OpenAPI schema describes every endpoint, field and parameter.

The schema is the one `/api/v1/schema/` serves (drf-spectacular), built without a database."""

from drf_spectacular.generators import SchemaGenerator

METHODS = {"get", "post", "put", "patch", "delete"}


def _schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def test_every_operation_has_a_summary_or_description():
    undescribed = [
        f"{method.upper()} {path}"
        for path, operations in _schema()["paths"].items()
        for method, operation in operations.items()
        if method in METHODS and not (operation.get("summary") or operation.get("description"))
    ]
    assert undescribed == []


def test_every_parameter_is_described():
    undescribed = [
        f"{method.upper()} {path} {parameter['name']}"
        for path, operations in _schema()["paths"].items()
        for method, operation in operations.items()
        if method in METHODS
        for parameter in operation.get("parameters", [])
        if not parameter.get("description")
    ]
    assert undescribed == []


def test_every_field_of_every_body_is_described():
    # A model field's verbose name becomes its title: that describes it as well.
    undescribed = [
        f"{name}.{field}"
        for name, component in _schema()["components"]["schemas"].items()
        for field, spec in component.get("properties", {}).items()
        if not (spec.get("description") or spec.get("title"))
    ]
    assert undescribed == []


def test_every_resource_of_spec_section_6_is_in_the_schema():
    paths = set(_schema()["paths"])
    resources = [
        "persons",
        "cases",
        "phase-transitions",
        "status-entries",
        "mappings",
        "meetings",
        "plans",
        "interventions",
        "work-plans",
        "snapshots",
        "deviation-reports",
    ]
    missing = [
        name for name in resources if not {f"/api/v1/{name}/", f"/api/v1/{name}/{{id}}/"} <= paths
    ]
    assert missing == []
