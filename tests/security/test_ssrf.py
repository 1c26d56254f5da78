"""Issue 9, attack 1: no query or update, however written, makes the service open a connection
to an address that is not on TRIALGRAPH_SERVICE_ALLOWLIST, or load anything from a URL. Each
request is sent to a fresh app while a web server on loopback records every request it gets."""

import time

import pytest

from tests.conftest import bearer
from trialgraph.query_workers import Job, QueryFailed, WorkerPool

ESC = "\\"  # one backslash: the queries below carry SPARQL escapes as text


def hidden_in_string(url: str) -> str:
    """rdflib decodes \\u005C to a backslash that escapes the closing quote, so it reads the
    SERVICE as part of a string; Oxigraph reads a string holding one backslash, then SERVICE."""
    return (
        f'SELECT * WHERE {{ BIND("{ESC}u005C" AS ?a) SERVICE <{url}> {{ ?s ?p ?o }} '
        f'# " AS ?b)\n}}'
    )


def queries(url: str, port: int) -> dict[str, str]:
    return {
        "escape-in-string": hidden_in_string(url),
        "escaped-iri": f"SELECT * WHERE {{ SERVICE <{ESC}u0068ttp://127.0.0.1:{port}/q> "
        "{ ?s ?p ?o } }",
        "escaped-keyword": f"SELECT * WHERE {{ {ESC}u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
        "prefixed": f"PREFIX x: <{url}> SELECT * WHERE {{ SERVICE x:q {{ ?s ?p ?o }} }}",
        "relative": f"BASE <{url}> SELECT * WHERE {{ SERVICE <q> {{ ?s ?p ?o }} }}",
        "variable": f"SELECT * WHERE {{ BIND(<{url}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        "values": f"SELECT * WHERE {{ VALUES ?e {{ <{url}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        "nested-exists": f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}> "
        "{ ?a ?b ?c } } }",
        "subquery": f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE SILENT <{url}> "
        "{ ?a ?b ?c } } } }",
        "comment-newline": f"SELECT * WHERE {{ # {ESC}u000A\n SERVICE <{url}> {{ ?a ?b ?c }} }}",
        "own-endpoint": "SELECT * WHERE { SERVICE <sparql> { ?a ?b ?c } }",
    }


def updates(url: str) -> dict[str, str]:
    return {
        "load": f"LOAD <{url}>",
        "load-silent-into-graph": f"LOAD SILENT <{url}> INTO GRAPH <urn:x>",
        "load-hidden-in-string": f'INSERT DATA {{ <urn:a> <urn:b> "{ESC}u005C" }} ; LOAD <{url}> '
        f'# " }}\n',
        "escaped-load": f"{ESC}u004COAD <{url}>",
        "service-in-where": f"INSERT {{ <urn:a> <urn:b> ?o }} WHERE {{ SERVICE <{url}> "
        "{ ?s ?p ?o } }",
        "service-hidden-in-where": "INSERT { <urn:a> <urn:b> ?o } WHERE { "
        f'BIND("{ESC}u005C" AS ?x) SERVICE <{url}> {{ ?s ?p ?o }} # " AS ?y)\n}}',
    }


def _names(builder, *args):
    return list(builder(*args))


@pytest.mark.parametrize("name", _names(queries, "http://x/", 1))
@pytest.mark.parametrize("role", [None, "investigator"])
def test_no_query_reaches_the_network(client, app, loopback_site, name, role):
    url, fetched = loopback_site
    port = int(url.rsplit(":", 1)[1])
    headers = bearer(app, role) if role else {}
    response = client.get("/sparql", query_string={"query": queries(f"{url}/q", port)[name]},
                          headers=headers)
    time.sleep(0.2)
    assert fetched == [], f"{name}: the server fetched {fetched}"
    assert response.status_code < 500, response.data


@pytest.mark.parametrize("name", _names(updates, "http://x/"))
def test_no_update_reaches_the_network(client, app, loopback_site, name):
    url, fetched = loopback_site
    response = client.post("/update", data={"update": updates(f"{url}/q")[name]},
                           headers=bearer(app, "writer"))
    time.sleep(0.2)
    assert fetched == [], f"{name}: the server fetched {fetched}"
    # read as SPARQL 1.1 §19.2 says, a hidden LOAD is part of a string: harmless data
    assert response.status_code in (204, 400, 403), response.data


def test_a_query_worker_has_no_network_even_if_the_guard_were_fooled(tmp_path, loopback_site):
    """Defence in depth: a worker runs a SERVICE query handed to it directly (no guard) and
    still opens no connection."""
    url, fetched = loopback_site
    pool = WorkerPool(1)
    try:
        from trialgraph.store import TrialStore

        store = TrialStore(tmp_path / "store")
        with store.snapshot() as snapshot:
            job = Job(str(snapshot), f"SELECT * WHERE {{ SERVICE <{url}/q> {{ ?s ?p ?o }} }}",
                      "SELECT", "application/sparql-results+json", 10)
            with pytest.raises(QueryFailed):
                pool.run(job, 20)
    finally:
        pool.close()
    assert fetched == []
