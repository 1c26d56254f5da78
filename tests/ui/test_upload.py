"""Records upload (trialgraph.ui.upload): a writer's FHIR bundle or RDF file is screened at
once and stored, or refused whole with the file, resource, field and reason."""

import io
import json

import pytest

from tests.conftest import SCREENING_DATE, make_app, tokens_of
from tests.ui.conftest import PATIENTS, csrf_of, signed_in
from trialgraph.synthetic import baseline_bundle


def bundle(patient_id: str) -> bytes:
    return json.dumps(baseline_bundle(patient_id, SCREENING_DATE)).encode()


def upload(client, name: str, data: bytes, path: str = "/ui/records", **form):
    fields = {"csrf": csrf_of(client, "/ui/records"), "record": (io.BytesIO(data), name), **form}
    return client.post(path, data=fields, content_type="multipart/form-data")


def stored_ids(app) -> list[str]:
    return app.extensions["trialgraph"].store.patient_ids()


def test_a_fhir_bundle_is_screened_and_stored(writable_app):
    client = signed_in(writable_app, "writer")
    response = upload(client, "new.json", bundle("ui-new"))
    assert response.status_code == 201
    text = response.get_data(as_text=True)
    assert "Stored and screened" in text and 'href="/ui/patients/ui-new"' in text
    assert "eligible" in text and text.count("<tr><td>") == 18
    assert "ui-new" in stored_ids(writable_app)
    audit = writable_app.extensions["trialgraph"].audit.lines()[-1]
    assert (audit["action"], audit["patients"]) == ("write", ["ui-new"])
    counts = client.get("/ui/dashboard.json").get_json()["counts"]["screened"]
    assert counts["total"] == len(PATIENTS) + 1, "the dashboard sees the new patient"


def test_an_rdf_record_is_stored_and_a_second_upload_replaces_it(writable_app):
    client = signed_in(writable_app, "writer")
    turtle = client.get(f"/ui/patients/{PATIENTS[0]}/record.ttl").get_data()
    response = upload(client, "again.ttl", turtle)
    assert response.status_code == 200
    assert "Replaced and screened" in response.get_data(as_text=True)
    assert stored_ids(writable_app).count(PATIENTS[0]) == 1


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("broken.json", b"{not json", "not JSON"),
        ("two.json", b'{"resourceType": "Observation", "status": "final"}', "needs one Patient"),
        ("remote.jsonld", b'{"@context": "https://example.org/ctx", "@id": "x"}', "remote context"),
        ("notes.txt", b"hello", "not a record file"),
    ],
    ids=["bad-json", "no-patient", "remote-context", "unknown-suffix"],
)
def test_a_refused_record_says_why_and_stores_nothing(writable_app, name, data, reason):
    client, before = signed_in(writable_app, "writer"), stored_ids(writable_app)
    response = upload(client, name, data)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Refused: nothing was stored" in text and name in text and reason in text
    assert stored_ids(writable_app) == before


def test_json_twin_of_an_upload(writable_app):
    client = writable_app.test_client()
    headers = {"Authorization": f"Bearer {tokens_of(writable_app)['writer']}"}
    response = client.post(
        "/ui/records.json",
        data={"record": (io.BytesIO(bundle("ui-twin")), "twin.json")},
        content_type="multipart/form-data",
        headers=headers,
    )
    assert response.status_code == 201
    found = response.get_json()
    assert found["created"] is True and found["screening"]["status"] == "eligible"
    refused = client.post(
        "/ui/records.json",
        data={"record": (io.BytesIO(b"{"), "x.json")},
        content_type="multipart/form-data",
        headers=headers,
    ).get_json()
    assert refused["stored"] is False and refused["refused"]["source"] == "x.json"


def test_bad_as_of_and_missing_file_are_400(writable_app):
    client = signed_in(writable_app, "writer")
    assert upload(client, "a.json", bundle("ui-a"), as_of="yesterday").status_code == 400
    form = {"csrf": csrf_of(client, "/ui/records")}
    assert client.post("/ui/records", data=form).status_code == 400


def test_an_upload_over_the_size_limit_is_413(tmp_path):
    app = make_app(tmp_path / "data", patients=(), max_upload_bytes=2_000)
    try:
        response = upload(signed_in(app, "writer"), "big.json", bundle("ui-big"))
        assert response.status_code == 413 and "<h1>413</h1>" in response.get_data(as_text=True)
        assert stored_ids(app) == []
    finally:
        app.extensions["trialgraph"].close()


def test_an_investigator_may_not_upload(writable_app):
    client = signed_in(writable_app, "investigator")
    assert upload(client, "a.json", bundle("ui-a")).status_code == 403
    assert "ui-a" not in stored_ids(writable_app)
