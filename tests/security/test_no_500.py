"""Issue 9, attack 6 (the cases found by hand): inputs that gave a 500 get a 4xx with a JSON
body naming the problem, or are answered. The schemathesis fuzzer (test_fuzz_openapi.py)
looks for more."""

import json

import pytest

from tests.conftest import SCREENING_DATE, bearer
from trialgraph.synthetic import baseline_bundle

FHIR = "application/fhir+json"


def bundle_text(pid: str = "n500") -> str:
    return json.dumps(baseline_bundle(pid, SCREENING_DATE))


CASES = {
    "surrogate-in-id": bundle_text().replace("n500", "\\ud800"),
    "surrogate-in-code": bundle_text().replace('"code": "', '"code": "\\udc00', 1),
    "surrogate-in-text": bundle_text().replace(
        '"gender": "female"', '"gender": "female", "name": [{"text": "\\ud800x"}]'
    ),
    "newline-in-code": bundle_text().replace('"code": "', '"code": "a\\nb', 1),
    "newline-in-id": bundle_text().replace("n500", "a\\nb"),
    "nul-in-code": bundle_text().replace('"code": "', '"code": "a\\u0000b', 1),
    "huge-number": bundle_text().replace('"value": ', '"value": 1e999, "_x": ', 1),
}


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("route", ["validate", "put"])
def test_odd_fhir_text_is_never_a_500(client, app, name, route):
    headers = {**bearer(app, "writer"), "Content-Type": FHIR}
    if route == "validate":
        response = client.post("/validate?as-of=2025-06-01", data=CASES[name], headers=headers)
    else:
        response = client.put("/patients/n500", data=CASES[name], headers=headers)
    assert response.status_code < 500, response.data
    assert response.is_json
    if response.status_code >= 400:
        assert response.get_json()["status"] == response.status_code
    if response.status_code in (200, 201):
        for accept in ("application/json", "text/turtle"):
            again = client.get(
                "/patients/n500/eligibility", headers={**headers, "Accept": accept}
            )
            assert again.status_code < 500, again.data


@pytest.mark.parametrize(
    "target", ["/ui/\r\nSet-Cookie: x=1", "/ui/%0d%0aLocation: http://evil/", "/ui/\x00"]
)
def test_a_control_character_in_the_sign_in_target_is_no_500(app, target):
    from tests.ui.conftest import csrf_of

    client = app.test_client()
    token = app.extensions["trialgraph"].tokens.created["investigator"]
    response = client.post(
        "/ui/sign-in",
        data={"csrf": csrf_of(client), "token": token, "next": target},
    )
    assert response.status_code in (302, 303), response.data
    location = response.headers["Location"]
    assert location.startswith("/ui/") and "\n" not in location and "\r" not in location


def test_an_answer_over_16_mb_is_answered(tmp_path):
    from tests.conftest import make_app

    app = make_app(
        tmp_path / "data", patients=(), max_upload_bytes=30_000_000, max_literal_bytes=10**7
    )
    try:
        client = app.test_client()
        big = "x" * 9_000_000
        put = client.put(
            "/rdf-graphs?graph=urn:big",
            data=f'<urn:a> <urn:b> "{big}" .\n<urn:a> <urn:c> "{big}" .',
            headers={**bearer(app, "writer"), "Content-Type": "application/n-triples"},
        )
        assert put.status_code == 201, put.data
        for accept in ("application/sparql-results+json", "text/csv",
                       "application/sparql-results+xml"):
            response = client.get(
                "/sparql",
                query_string={"query": "SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }"},
                headers={**bearer(app, "investigator"), "Accept": accept},
            )
            assert response.status_code == 200, response.data[:300]
            assert len(response.data) > 16_000_000
    finally:
        app.extensions["trialgraph"].close()
