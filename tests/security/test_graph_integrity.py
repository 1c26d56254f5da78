"""Issue 9, attack 3: TrialGraph's own graphs (ontology, shapes, records, runs) are written only
by TrialGraph, through every route, and every result, count, page and canned query reads them
by name, so triples in any other graph change no decision and no count."""

import json

import pytest

from tests.conftest import bearer
from trialgraph.graphs import ONTOLOGY_GRAPH, SHAPES_GRAPH, record_graph

TG = "PREFIX tg: <https://w3id.org/trialgraph/ontology#> "
RUN = "https://w3id.org/trialgraph/graph/run/"
ESC = "\\"

ONTOLOGY = f"<{ONTOLOGY_GRAPH}>"
WRITES_TO_OWN_GRAPHS = {
    "insert-into-ontology": f"INSERT DATA {{ GRAPH {ONTOLOGY} {{ <urn:a> <urn:b> <urn:c> }} }}",
    "rewrite-ontology": TG
    + f"DELETE {{ GRAPH {ONTOLOGY} {{ ?s tg:enrolledSubjectStatus ?o }} }} "
    f"INSERT {{ GRAPH {ONTOLOGY} {{ ?s tg:enrolledSubjectStatus 'candidate' }} }} "
    f"WHERE {{ GRAPH {ONTOLOGY} {{ ?s tg:enrolledSubjectStatus ?o }} }}",
    "with-shapes": f"WITH <{SHAPES_GRAPH}> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
    "rewrite-a-run": TG + "DELETE { GRAPH ?g { ?a tg:eligibilityStatus ?s } } "
    "INSERT { GRAPH ?g { ?a tg:eligibilityStatus tg:eligible } } "
    "WHERE { GRAPH ?g { ?a tg:eligibilityStatus ?s } }",
    "drop-a-record": f"DROP GRAPH <{record_graph('svc-eligible')}>",
    "clear-a-record": f"CLEAR GRAPH <{record_graph('svc-eligible')}>",
    "delete-where-any-graph": "DELETE WHERE { GRAPH ?g { ?s ?p ?o } }",
    "move-a-record-away": f"MOVE <{record_graph('svc-eligible')}> TO <urn:elsewhere>",
    "copy-into-ontology": f"COPY DEFAULT TO <{ONTOLOGY_GRAPH}>",
    "add-into-a-run": f"ADD <urn:x> TO <{RUN}forged>",
    "create-a-record": f"CREATE GRAPH <{record_graph('forged')}>",
    "relative-iri": "BASE <https://w3id.org/trialgraph/graph/> DROP GRAPH <ontology>",
    "prefixed-name": "PREFIX g: <https://w3id.org/trialgraph/graph/> DROP GRAPH g:ontology",
    "dot-segments": "DROP GRAPH <https://w3id.org/trialgraph/x/../graph/ontology>",
    "case-of-host": "DROP GRAPH <https://W3ID.org/trialgraph/graph/ontology>",
    "percent-encoded": "DROP GRAPH <https://w3id.org/trialgraph/%67raph/ontology>",
    "escaped": f"DROP GRAPH <https://w3id.org/trialgraph/graph/ont{ESC}u006Flogy>",
}


def assessment_statuses(client, app) -> dict:
    response = client.get("/screening", headers=bearer(app, "investigator"))
    assert response.status_code == 200, response.data
    return {p["patient"]: p["status"] for p in response.get_json()["patients"]}


@pytest.mark.parametrize("name", list(WRITES_TO_OWN_GRAPHS))
def test_an_update_never_writes_trialgraphs_graphs(client, app, name):
    store = app.extensions["trialgraph"].store
    before = (store.graphs(), assessment_statuses(client, app), len(store.record("svc-eligible")))
    response = client.post(
        "/update", data={"update": WRITES_TO_OWN_GRAPHS[name]}, headers=bearer(app, "admin")
    )
    assert response.status_code == 409, response.data
    assert "TrialGraph" in response.get_json()["error"]
    after = (store.graphs(), assessment_statuses(client, app), len(store.record("svc-eligible")))
    assert after == before


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { GRAPH <urn:mine> { <urn:a> <urn:b> <urn:c> } }",
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "CLEAR DEFAULT",
        "DROP ALL",
        "CLEAR NAMED",
    ],
)
def test_a_writer_still_writes_other_graphs(client, app, update):
    store = app.extensions["trialgraph"].store
    own = {g for g in store.graphs() if g.startswith("https://w3id.org/trialgraph/graph/")}
    response = client.post("/update", data={"update": update}, headers=bearer(app, "writer"))
    assert response.status_code == 204, response.data
    assert own <= store.graphs(), "ALL and NAMED reached TrialGraph's own graphs"


POISON = TG + """PREFIX tgp: <https://w3id.org/trialgraph/protocol/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
INSERT { GRAPH <urn:poison> {
  ?assessment tg:eligibilityStatus tg:eligible .
  ?screening tg:subjectStatus "on-study" ; tg:subjectStatus "candidate" .
  ?result tg:outcomeValue tg:met , tg:notMet , tg:unknown .
  tgp:study tg:enrolledSubjectStatus "candidate" .
  tg:eligible rdfs:label "ineligible" .
  <urn:fake-screening> a tg:Screening ; tg:aboutPatient <urn:fake-patient> .
  <urn:fake-patient> tg:patientId "forged" .
  <urn:fake-assessment> a tg:EligibilityAssessment ; tg:assessedScreening <urn:fake-screening> ;
    tg:eligibilityStatus tg:eligible .
} }
WHERE {
  GRAPH ?g { ?assessment tg:assessedScreening ?screening ; tg:hasOutcome ?result . }
}"""


def everything(client, app) -> dict:
    """Every result, count, page and canned query answer, for each role that reads them."""
    investigator, aggregate = bearer(app, "investigator"), bearer(app, "aggregate")
    paths = {
        "/screening": investigator,
        "/screening/counts": aggregate,
        "/ui/dashboard.json": investigator,
        "/ui/dashboard.json?per_page=500": aggregate,
        "/queries/attrition": aggregate,
        "/queries/counts-by-status": investigator,
        "/queries/eligible-not-enrolled": investigator,
        "/queries/enrolled": investigator,
        "/queries/protocol-deviations": investigator,
        "/queries/missing-data": investigator,
        "/queries/failing-criterion?criterion=IN1": investigator,
        "/queries/assessments": investigator,
        "/patients": investigator,
    }
    patients = client.get("/patients", headers=investigator).get_json()["patients"]
    for patient in patients:
        paths[f"/patients/{patient}/eligibility"] = investigator
        paths[f"/ui/patients/{patient}.json"] = investigator
    found = {}
    for path, headers in paths.items():
        response = client.get(path, headers={**headers, "Accept": "application/json"})
        assert response.status_code == 200, (path, response.data)
        found[path] = json.loads(response.data)
    return found


def test_triples_in_other_graphs_change_no_decision_or_count(mixed_app):
    client = mixed_app.test_client()
    before = everything(client, mixed_app)
    response = client.post("/update", data={"update": POISON}, headers=bearer(mixed_app, "writer"))
    assert response.status_code == 204, response.data
    put = client.put(
        "/rdf-graphs?graph=urn:poison2",
        data="<urn:x> <https://w3id.org/trialgraph/ontology#eligibilityStatus> "
        "<https://w3id.org/trialgraph/ontology#eligible> .",
        headers={**bearer(mixed_app, "writer"), "Content-Type": "application/n-triples"},
    )
    assert put.status_code == 201, put.data
    after = everything(client, mixed_app)
    changed = [path for path in before if before[path] != after[path]]
    assert changed == [], f"other graphs changed {changed}"
