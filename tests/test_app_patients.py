"""Patient records and screening over HTTP: PUT/GET/DELETE /patients/{id} (FHIR or RDF in,
RDF out), refusals that store nothing, eligibility as JSON and as a SHACL report, all results,
suppressed counts, POST /validate, and each role's access."""

import json

import pytest
from rdflib import Graph
from rdflib.namespace import RDF, SH

from tests.conftest import AS_OF, SCREENING_DATE, bearer, scenario_record
from trialgraph.screening import screen_records
from trialgraph.synthetic import SCENARIOS, baseline_bundle

INELIGIBLE = next(s for s in SCENARIOS if s.outcomes()["IN1"] == "not-met")
FHIR = "application/fhir+json"


def bundle(patient_id: str, scenario=None) -> str:
    document = baseline_bundle(patient_id, SCREENING_DATE)
    if scenario is not None:
        scenario.change(document, SCREENING_DATE)
    return json.dumps(document)


def put(client, app, patient_id: str, body, content_type=FHIR, role="writer"):
    return client.put(
        f"/patients/{patient_id}?as-of={AS_OF.isoformat()}",
        data=body,
        content_type=content_type,
        headers=bearer(app, role),
    )


def comparable(result: dict) -> dict:
    evidence = {cid: sorted(items, key=json.dumps) for cid, items in result["evidence"].items()}
    return {key: value for key, value in {**result, "evidence": evidence}.items()}


def test_put_stores_screens_and_returns_the_result(client, app):
    response = put(client, app, "new-1", bundle("new-1", INELIGIBLE))
    assert response.status_code == 201, response.json
    assert response.headers["Location"].endswith("/patients/new-1")
    assert response.json["screening"][0]["status"] == "ineligible"
    again = put(client, app, "new-1", bundle("new-1"))
    assert again.status_code == 200 and again.json["screening"][0]["status"] == "eligible"


def test_eligibility_json_is_the_screen_commands(client, app):
    investigator = bearer(app, "investigator")
    response = client.get("/patients/svc-eligible/eligibility", headers=investigator)
    assert response.status_code == 200
    document = response.json
    assert document["as_of"] == AS_OF.isoformat()
    (direct,) = screen_records([scenario_record("svc-eligible")], AS_OF)
    (served,) = document["patients"]
    expected = comparable(direct.as_json())
    assert {k: v for k, v in comparable(served).items() if k in expected} == expected


@pytest.mark.parametrize(
    ("accept", "fmt"), [("text/turtle", "turtle"), ("application/ld+json", "json-ld")]
)
def test_eligibility_report_as_rdf(client, app, accept, fmt):
    put(client, app, "bad-1", bundle("bad-1", INELIGIBLE))
    response = client.get(
        "/patients/bad-1/eligibility", headers={**bearer(app, "investigator"), "Accept": accept}
    )
    assert response.status_code == 200 and response.mimetype == accept
    report = Graph().parse(data=response.data, format=fmt)
    node = report.value(predicate=RDF.type, object=SH.ValidationReport)
    assert report.value(node, SH.conforms).toPython() is False
    messages = [str(m) for m in report.objects(None, SH.resultMessage)]
    assert any(m.startswith("IN1 not met") for m in messages), messages


@pytest.mark.parametrize(
    ("content_type", "fmt"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
    ],
)
def test_rdf_records_in_and_out(client, app, content_type, fmt):
    investigator = {**bearer(app, "investigator"), "Accept": content_type}
    original = client.get("/patients/svc-other", headers=investigator)
    assert original.status_code == 200 and original.mimetype == content_type
    graph = Graph().parse(data=original.data, format=fmt)
    assert len(graph) > 20
    body = graph.serialize(format=fmt)
    assert put(client, app, "svc-other", body, content_type).status_code == 200
    again = Graph().parse(
        data=client.get("/patients/svc-other", headers=investigator).data, format=fmt
    )
    assert len(again) == len(graph)


def test_rdf_xml_out(client, app):
    headers = {**bearer(app, "investigator"), "Accept": "application/rdf+xml"}
    response = client.get("/patients/svc-other", headers=headers)
    assert len(Graph().parse(data=response.data, format="xml")) > 20


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("{not json", "not JSON"),
        ('{"resourceType": "Bundle", "type": "nonsense"}', "Bundle"),
        ("__WRONG_PATIENT__", "not 'svc-eligible'"),
        ("__BAD_DATE__", "birthDate"),
    ],
    ids=["syntax", "bundle-type", "other-patient", "bad-date"],
)
def test_a_refused_record_is_422_and_nothing_is_stored(client, app, body, reason):
    if body == "__WRONG_PATIENT__":
        body = bundle("somebody-else", INELIGIBLE)
    if body == "__BAD_DATE__":
        document = json.loads(bundle("svc-eligible", INELIGIBLE))
        for entry in document["entry"]:
            if entry["resource"]["resourceType"] == "Patient":
                entry["resource"]["birthDate"] = "last spring"
        body = json.dumps(document)
    investigator = bearer(app, "investigator")
    before = client.get("/patients/svc-eligible", headers=investigator).data
    response = put(client, app, "svc-eligible", body)
    assert response.status_code == 422, response.json
    assert reason in response.json["error"]
    assert client.get("/patients/svc-eligible", headers=investigator).data == before
    status = client.get("/patients/svc-eligible/eligibility", headers=investigator)
    assert status.json["patients"][0]["status"] == "eligible"
    assert "somebody-else" not in client.get("/patients", headers=investigator).json["patients"]


def test_a_json_ld_record_with_a_remote_context_is_refused(client, app):
    body = json.dumps({"@context": "http://127.0.0.1:9/context.jsonld", "@id": "urn:x"})
    response = put(client, app, "remote", body, "application/ld+json")
    assert response.status_code == 422 and "remote context" in response.json["error"]


def test_other_media_types_are_415_and_big_bodies_413(tmp_path):
    from tests.conftest import make_app

    app = make_app(tmp_path / "data", patients=(), max_upload_bytes=1000)
    client = app.test_client()
    try:
        assert put(client, app, "x", "<x/>", "application/xml").status_code == 415
        big = put(client, app, "x", bundle("x"))
        assert big.status_code == 413 and big.json["status"] == 413
        assert app.extensions["trialgraph"].store.patient_ids() == []
    finally:
        app.extensions["trialgraph"].close()


def test_delete(client, app):
    writer = bearer(app, "writer")
    assert client.delete("/patients/svc-other", headers=writer).status_code == 204
    assert client.delete("/patients/svc-other", headers=writer).status_code == 404
    assert client.get("/patients/svc-other", headers=writer).status_code == 404
    assert client.get("/patients", headers=writer).json == {"patients": ["svc-eligible"]}


def test_screening_lists_every_patient(client, app):
    response = client.get("/screening", headers=bearer(app, "investigator"))
    patients = response.json["patients"]
    assert [p["patient"] for p in patients] == ["svc-eligible", "svc-other"]
    assert all(p["as_of"] == AS_OF.isoformat() and p["run"] for p in patients)


def test_counts_suppress_small_cells(client, app):
    response = client.get("/screening/counts", headers=bearer(app, "aggregate"))
    assert response.status_code == 200
    assert response.json["patients"] == "<5"
    assert response.json["status"] == {"eligible": "<5"}
    for index in range(5):
        put(client, app, f"more-{index}", bundle(f"more-{index}"))
    document = client.get("/screening/counts", headers=bearer(app, "aggregate")).json
    assert document["patients"] == 7 and document["status"] == {"eligible": 7}
    assert document["criteria"]["IN1"] == {"met": 7}


def test_counts_hide_a_second_cell_when_the_total_gives_a_small_one_away(client, app):
    for index in range(5):
        put(client, app, f"more-{index}", bundle(f"more-{index}"))
    put(client, app, "young-1", bundle("young-1", INELIGIBLE))
    document = client.get("/screening/counts", headers=bearer(app, "aggregate")).json
    assert document["patients"] == 8
    assert document["status"] == {"eligible": "≥5", "ineligible": "<5"}
    assert document["criteria"]["IN1"] == {"met": "≥5", "not-met": "<5"}


def test_validate_screens_without_storing(client, app):
    investigator = bearer(app, "investigator")
    response = client.post(
        f"/validate?as-of={AS_OF.isoformat()}",
        data=bundle("v-1", INELIGIBLE),
        content_type=FHIR,
        headers=investigator,
    )
    assert response.status_code == 200
    assert response.json["patients"][0]["status"] == "ineligible"
    assert "v-1" not in client.get("/patients", headers=investigator).json["patients"]
    report = client.post(
        "/validate",
        data=bundle("v-1"),
        content_type=FHIR,
        headers={**investigator, "Accept": "text/turtle"},
    )
    graph = Graph().parse(data=report.data, format="turtle")
    assert graph.value(predicate=RDF.type, object=SH.ValidationReport) is not None
    refused = client.post("/validate", data="{", content_type=FHIR, headers=investigator)
    assert refused.status_code == 422


ROUTES = [
    ("GET", "/patients", "investigator"),
    ("GET", "/patients/svc-eligible", "investigator"),
    ("GET", "/patients/svc-eligible/eligibility", "investigator"),
    ("GET", "/screening", "investigator"),
    ("GET", "/screening/counts", "aggregate"),
    ("POST", "/validate", "investigator"),
    ("PUT", "/patients/svc-eligible", "writer"),
    ("DELETE", "/patients/svc-eligible", "writer"),
]
ROLES = ["aggregate", "investigator", "writer", "admin"]


@pytest.mark.parametrize(
    ("method", "path", "needs"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES]
)
def test_each_role_gets_exactly_its_routes(client, app, method, path, needs):
    body = (
        {"data": bundle("svc-eligible"), "content_type": FHIR} if method in ("PUT", "POST") else {}
    )
    anonymous = client.open(path, method=method, **body)
    assert anonymous.status_code == 401 and anonymous.json["status"] == 401
    assert "Bearer" in anonymous.headers["WWW-Authenticate"]
    wrong = client.open(path, method=method, headers={"Authorization": "Bearer nonsense"}, **body)
    assert wrong.status_code == 401
    for role in ROLES:
        response = client.open(path, method=method, headers=bearer(app, role), **body)
        allowed = ROLES.index(role) >= ROLES.index(needs)
        refused = response.status_code in (401, 403)
        assert refused != allowed, (role, response.status_code, response.data)
        if not allowed:
            assert response.status_code == 403
        elif method != "DELETE":
            assert response.status_code < 400, (role, response.data)


def test_the_audit_log_names_reads_and_writes_without_values(client, app):
    put(client, app, "audited", bundle("audited", INELIGIBLE))
    client.get("/patients/audited/eligibility", headers=bearer(app, "investigator"))
    lines = app.extensions["trialgraph"].audit.lines()
    assert {"who": "demo-writer", "action": "write", "patients": ["audited"]}.items() <= lines[
        -2
    ].items()
    assert lines[-1]["who"] == "demo-investigator" and lines[-1]["action"] == "read"
    text = app.extensions["trialgraph"].audit.path.read_text()
    assert "1999" not in text and "ineligible" not in text and "mg" not in text


def test_unknown_route_and_method_use_the_json_error_shape(client, app):
    assert client.get("/nowhere").json == {
        "error": client.get("/nowhere").json["error"],
        "status": 404,
    }
    assert client.post("/patients", headers=bearer(app, "admin")).status_code == 405
