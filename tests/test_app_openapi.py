"""The OpenAPI document describes exactly the routes the app serves, and is valid OpenAPI."""

import re

from openapi_spec_validator import validate

from trialgraph.web.api_docs import openapi_document

PAGES = ("static", "ui.")  # Flask's static files and the browser workspace (README, Pages)


def _routes(app) -> dict[str, set[str]]:
    """Each route of the app as an OpenAPI path ({name} for <name>) with its methods."""
    routes: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(PAGES):
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        routes.setdefault(path, set()).update(rule.methods - {"HEAD", "OPTIONS"})
    return routes


def test_document_is_valid_openapi():
    validate(openapi_document())


def test_every_route_is_documented_with_its_methods(app):
    documented = {
        path: {method.upper() for method in item if method not in ("parameters", "summary")}
        - {"HEAD"}  # Flask answers HEAD with every GET view
        for path, item in openapi_document()["paths"].items()
    }
    assert documented == _routes(app)


def test_document_is_served_without_a_token(client):
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.json["openapi"].startswith("3.1")


def test_every_operation_has_its_own_operation_id():
    ids = [
        operation.get("operationId")
        for item in openapi_document()["paths"].values()
        for method, operation in item.items()
        if method in ("get", "head", "put", "post", "delete")
    ]
    assert None not in ids and len(set(ids)) == len(ids), ids
