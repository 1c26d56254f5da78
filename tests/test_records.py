"""Reading records: FHIR and RDF files and folders; each bad file is one error, and reading
goes on; JSON-LD with a remote context is refused without being fetched."""

import json
import socket
from pathlib import Path

import pytest

from trialgraph.fhir import PatientRecord, RecordError
from trialgraph.namespaces import TG
from trialgraph.records import read_records

PATIENT = "https://w3id.org/trialgraph/patient/"


def fhir(pid: str, *resources: dict) -> str:
    patient = {"resourceType": "Patient", "id": pid, "gender": "female"}
    entries = [{"resource": resource} for resource in (patient, *resources)]
    return json.dumps({"resourceType": "Bundle", "type": "collection", "entry": entries})


def condition(pid: str) -> dict:
    return {"resourceType": "Condition", "id": "c1", "subject": {"reference": f"Patient/{pid}"}}


def turtle(pid: str) -> str:
    return f'@prefix tg: <{TG}> .\n<{PATIENT}{pid}> a tg:Patient ; tg:patientId "{pid}" .\n'


def ntriples(pid: str) -> str:
    subject, rdf_type = f"<{PATIENT}{pid}>", "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    return f'{subject} {rdf_type} <{TG.Patient}> .\n{subject} <{TG.patientId}> "{pid}" .\n'


def jsonld(pid: str, context: object = None) -> str:
    context = {"tg": str(TG)} if context is None else context
    node = {"@id": f"{PATIENT}{pid}", "@type": "tg:Patient", "tg:patientId": pid}
    return json.dumps({"@context": context, **node})


def write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")


def split(results: list) -> tuple[list[PatientRecord], list[RecordError]]:
    records = [r for r in results if isinstance(r, PatientRecord)]
    errors = [r for r in results if isinstance(r, RecordError)]
    assert len(records) + len(errors) == len(results), f"not a record or error: {results}"
    return records, errors


@pytest.fixture
def no_network(monkeypatch):
    """Fail any name lookup or connection; return what was tried."""
    tried = []

    def refuse(*args, **kwargs):
        tried.append(args)
        raise OSError(f"the test forbids network access: {args}")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return tried


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ("{ not json", "line 1 column 3"),
        (fhir("p2", condition("p9")), "subject.reference"),
        (fhir("p2", condition("p2"), condition("p2")), "id"),
    ],
    ids=["not-json", "item-of-another-patient", "duplicate-resource"],
)
def test_folder_with_one_good_and_one_bad_file(tmp_path, bad, field):
    write(tmp_path, {"good.json": fhir("p1"), "bad.json": bad})
    records, errors = split(list(read_records([tmp_path])))
    assert [r.patient_id for r in records] == ["p1"], "the good record did not go through"
    assert len(errors) == 1 and errors[0].source == str(tmp_path / "bad.json"), f"{errors}"
    assert errors[0].field == field, f"refused for {errors[0].field}: {errors[0]}"
    assert "bad.json" in str(errors[0]), "error does not name the file"


def test_folder_is_walked_recursively_in_order(tmp_path):
    write(
        tmp_path,
        {
            "b/two.json": fhir("p2"),
            "a/one.ttl": turtle("p1"),
            "c/d/three.nt": ntriples("p3"),
            "c/four.jsonld": jsonld("p4"),
            "notes.txt": "not a record",
            "a/README.md": "# not a record",
        },
    )
    records, errors = split(list(read_records([tmp_path])))
    assert errors == [], f"errors: {[str(e) for e in errors]}"
    assert [r.patient_id for r in records] == ["p1", "p2", "p3", "p4"], "order or files wrong"


def test_files_and_folders_mix(tmp_path):
    write(tmp_path, {"x/one.json": fhir("p1"), "two.json": fhir("p2")})
    results = list(read_records([tmp_path / "two.json", tmp_path / "x"]))
    assert [r.patient_id for r in results] == ["p2", "p1"], "paths not read in the order given"


@pytest.mark.parametrize(
    ("name", "text"),
    [("r.ttl", turtle("p1")), ("r.nt", ntriples("p1")), ("r.jsonld", jsonld("p1"))],
    ids=["turtle", "n-triples", "json-ld-inline-context"],
)
def test_rdf_record_files(tmp_path, no_network, name, text):
    write(tmp_path, {name: text})
    [result] = read_records([tmp_path / name])
    assert isinstance(result, PatientRecord), f"{name} refused: {result}"
    assert result.patient_id == "p1", f"patient id read as {result.patient_id!r}"
    assert len(result.graph) == 2, f"{name}: graph has {len(result.graph)} triples"
    assert no_network == [], "reading an RDF record opened a URL"


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (ntriples("p1") + ntriples("p2"), "tg:Patient"),
        ("<urn:a> <urn:b> <urn:c> .\n", "tg:Patient"),
        (turtle("p1") + f'<{PATIENT}p1> <{TG.patientId}> "other" .\n', "tg:patientId"),
        (turtle("p1").replace(' ; tg:patientId "p1"', ""), "tg:patientId"),
        ("@prefix tg: <", "syntax"),
    ],
    ids=["two-patients", "no-patient", "two-ids", "no-id", "bad-syntax"],
)
def test_rdf_records_need_one_patient_with_one_id(tmp_path, text, field):
    write(tmp_path, {"r.ttl": text})
    [result] = read_records([tmp_path / "r.ttl"])
    assert isinstance(result, RecordError), f"record accepted: {result}"
    assert (result.source, result.field) == (str(tmp_path / "r.ttl"), field), str(result)


@pytest.mark.parametrize(
    "document",
    [
        json.loads(jsonld("p1", context="https://example.org/context.jsonld")),
        json.loads(jsonld("p1", context=[{"tg": str(TG)}, "https://example.org/c.jsonld"])),
        {
            "@context": {"tg": str(TG)},
            "@graph": [{"@context": "https://example.org/c", "@id": "urn:x"}],
        },
        {"@context": {"tg": str(TG), "p": {"@id": "tg:p", "@context": "https://example.org/c"}}},
        {"@context": {"@import": "https://example.org/c.jsonld"}, "@id": "urn:x"},
    ],
    ids=["top-level", "in-a-list", "nested-node", "scoped-term", "import"],
)
def test_jsonld_with_remote_context_is_refused(tmp_path, no_network, document):
    write(tmp_path, {"r.jsonld": json.dumps(document)})
    [result] = read_records([tmp_path / "r.jsonld"])
    assert isinstance(result, RecordError), f"remote context accepted: {result}"
    assert result.field == "@context" and "r.jsonld" in str(result), str(result)
    assert no_network == [], "a remote context was fetched"


def test_missing_path_is_an_error(tmp_path):
    [result] = read_records([tmp_path / "nowhere"])
    assert isinstance(result, RecordError) and "nowhere" in str(result), f"{result}"


def test_unreadable_file_is_an_error_and_reading_goes_on(tmp_path):
    write(tmp_path, {"b.json": fhir("p2")})
    (tmp_path / "a.json").symlink_to(tmp_path / "gone.json")
    records, errors = split(list(read_records([tmp_path])))
    assert [r.patient_id for r in records] == ["p2"], "the readable record did not go through"
    assert [e.source for e in errors] == [str(tmp_path / "a.json")], f"{errors}"
    assert "cannot be read" in str(errors[0]), str(errors[0])


def test_file_of_another_kind_is_an_error(tmp_path):
    write(tmp_path, {"notes.txt": "x"})
    [result] = read_records([tmp_path / "notes.txt"])
    assert isinstance(result, RecordError) and result.field == "name", f"{result}"


def test_fhir_error_names_the_file_resource_and_field(tmp_path):
    bundle = json.loads(fhir("p1"))
    bundle["entry"][0]["resource"]["birthDate"] = "1990-02-30"
    write(tmp_path, {"p1.json": json.dumps(bundle)})
    [result] = read_records([tmp_path])
    assert isinstance(result, RecordError), f"bad birth date accepted: {result}"
    found = (result.source, result.resource, result.field)
    assert found == (str(tmp_path / "p1.json"), "Patient/p1", "birthDate"), str(result)
