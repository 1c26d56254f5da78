"""The query page (trialgraph.ui.query): canned queries as examples, results as a table,
downloads as CSV or JSON, on the graphs the caller's role may read."""

import csv
import io

import pytest

from tests.ui.conftest import PATIENTS, csrf_of
from trialgraph.canned import canned_queries
from trialgraph.resources import queries_dir

PATIENT_IDS = (
    "PREFIX tg: <https://w3id.org/trialgraph/ontology#> "
    "SELECT ?id WHERE { ?p a tg:Patient ; tg:patientId ?id } ORDER BY ?id"
)


def run(client, query: str, path: str = "/ui/query", **form):
    return client.post(path, data={"csrf": csrf_of(client, "/ui/query"), "query": query, **form})


def test_canned_queries_are_the_examples(as_role):
    names = [e["name"] for e in as_role(None).get("/ui/query.json").get_json()["examples"]]
    assert set(names) == set(canned_queries()), "every canned query is an example"
    page = as_role(None).get("/ui/query?example=missing-data").get_data(as_text=True)
    first_line = (queries_dir() / "missing-data.rq").read_text().splitlines()[0]
    assert first_line in page, "the example's text fills the editor"


def test_an_example_runs_and_shows_rows(as_role):
    client = as_role("investigator")
    text = (queries_dir() / "assessments.rq").read_text()
    page = run(client, text).get_data(as_text=True)
    count = int(page.split('<p id="row-count">')[1].split(" ")[0])
    assert count >= len(PATIENTS) * 18, "a row per criterion of every patient at least"
    assert '<table id="results">' in page and f"<td>{PATIENTS[0]}</td>" in page


@pytest.mark.parametrize(
    ("role", "rows"), [("investigator", len(PATIENTS)), ("aggregate", 0), (None, 0)]
)
def test_results_follow_the_role(as_role, role, rows):
    answer = run(as_role(role), PATIENT_IDS, "/ui/query.json").get_json()
    assert len(answer["results"]["bindings"]) == rows


def test_csv_and_json_downloads(as_role):
    client = as_role("investigator")
    response = run(client, PATIENT_IDS, **{"as": "csv"})
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="query-results.csv"'
    table = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert table[0] == ["id"] and [row[0] for row in table[1:]] == sorted(PATIENTS)
    response = run(client, PATIENT_IDS, **{"as": "json"})
    assert response.mimetype == "application/sparql-results+json"
    assert len(response.get_json()["results"]["bindings"]) == len(PATIENTS)


def test_construct_shows_turtle_and_downloads_as_turtle(as_role):
    construct = "CONSTRUCT WHERE { ?c <https://w3id.org/trialgraph/ontology#criterionId> ?id }"
    page = run(as_role(None), construct).get_data(as_text=True)
    assert '<pre id="results">' in page and "criterionId" in page
    download = run(as_role(None), construct, **{"as": "turtle"})
    assert download.mimetype == "text/turtle"
    assert run(as_role(None), PATIENT_IDS, **{"as": "turtle"}).status_code == 400


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("SELECT WHERE {", 400, "malformed query"),
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", 403, "SERVICE"),
    ],
    ids=["syntax", "service"],
)
def test_a_bad_query_is_shown_on_the_page_with_its_text(as_role, query, status, message):
    response = run(as_role("investigator"), query)
    text = response.get_data(as_text=True)
    assert response.status_code == status and message in text
    assert 'id="error"' in text and "SELECT" in text.split('id="query"')[1]
