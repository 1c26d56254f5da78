"""Issue 9, attack 4: every read of patient data is audited, whatever route or dataset clause
reached it (FROM, FROM NAMED, default-graph-uri, named-graph-uri, GRAPH ?g, the graph store)."""

import pytest

from tests.conftest import bearer
from trialgraph.graphs import ONTOLOGY_GRAPH, record_graph

RECORD = record_graph("svc-eligible")
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def audit_lines(app) -> list[dict]:
    return app.extensions["trialgraph"].audit.lines()


@pytest.mark.parametrize(
    ("query", "params", "patients"),
    [
        (f"SELECT * FROM <{RECORD}> WHERE {{ ?s ?p ?o }}", {}, ["svc-eligible"]),
        (f"SELECT * FROM NAMED <{RECORD}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", {},
         ["svc-eligible"]),
        (COUNT, {"default-graph-uri": RECORD}, ["svc-eligible"]),
        ("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", {"named-graph-uri": RECORD},
         ["svc-eligible"]),
        ("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", {}, "all"),
        (f"SELECT * FROM <urn:other> FROM <{ONTOLOGY_GRAPH}> WHERE {{ ?s ?p ?o }}", {}, "all"),
        (COUNT, {}, "all"),
    ],
    ids=["from", "from-named", "default-graph-uri", "named-graph-uri", "graph-var",
         "other-graph", "union"],
)
def test_every_patient_query_is_audited(client, app, query, params, patients):
    response = client.get(
        "/sparql", query_string={"query": query, **params}, headers=bearer(app, "investigator")
    )
    assert response.status_code == 200, response.data
    last = audit_lines(app)[-1]
    assert (last["action"], last["patients"]) == ("query", patients)
    assert query not in str(last), "the audit line holds the query's text"


def test_a_query_of_the_public_graphs_alone_reads_no_patient(client, app):
    before = len(audit_lines(app))
    query = f"SELECT * FROM <{ONTOLOGY_GRAPH}> WHERE {{ ?s ?p ?o }} LIMIT 1"
    response = client.get("/sparql", query_string={"query": query},
                          headers=bearer(app, "investigator"))
    assert response.status_code == 200
    assert len(audit_lines(app)) == before


def test_the_query_page_audits_as_the_endpoint(app):
    from tests.ui.conftest import signed_in

    client = signed_in(app, "investigator")
    csrf = client.get("/ui/query").get_data(as_text=True).split('name="csrf" value="')[1]
    query = f"SELECT * FROM <{RECORD}> WHERE {{ ?s ?p ?o }}"
    response = client.post("/ui/query", data={"query": query, "csrf": csrf.split('"')[0]})
    assert response.status_code == 200
    assert audit_lines(app)[-1]["patients"] == ["svc-eligible"]


def test_graph_store_reads_are_audited(client, app):
    response = client.get("/rdf-graphs", query_string={"graph": RECORD},
                          headers=bearer(app, "investigator"))
    assert response.status_code == 200
    assert audit_lines(app)[-1]["patients"] == ["svc-eligible"]
