"""The SPARQL Update that removes patients' records and current assessments from the store,
and drops run graphs that keep no assessment (trialgraph.store runs it in the same transaction
as the new records, so a record and its results never disagree)."""

from collections.abc import Callable, Iterable

import pyoxigraph as ox

from trialgraph.graphs import RUN_BASE, patient_iri, record_graph
from trialgraph.namespaces import TG

RUNS_ONLY = f'FILTER(STRSTARTS(STR(?run), "{RUN_BASE}"))'


def iris(values: Iterable[str]) -> str:
    """IRIs as SPARQL terms, written by pyoxigraph."""
    return " ".join(str(ox.NamedNode(iri)) for iri in values)


def removal_update(query: Callable, patient_ids: list[str]) -> str:
    """The SPARQL Update that removes these patients' records and current assessments,
    dropping run graphs that keep no assessment."""
    graphs = [record_graph(pid) for pid in patient_ids]
    values = f"VALUES ?record {{ {iris(graphs)} }}"
    mine = f"{values} GRAPH ?record {{ ?screening a tg:Screening }}"
    assessed = "GRAPH ?g { ?a tg:assessedScreening ?screening"
    runs_only = RUNS_ONLY.replace("?run", "?g")
    found = query(f"SELECT DISTINCT ?g WHERE {{ {mine} {assessed} }} {runs_only} }}")
    runs = [solution["g"].value for solution in found]
    emptied = [
        run
        for run in runs
        if not query(
            f"ASK {{ GRAPH <{run}> {{ ?a tg:assessedScreening ?screening }} "
            f"FILTER NOT EXISTS {{ {mine} }} }}"
        )
    ]
    in_runs = f"VALUES ?g {{ {iris(runs)} }}"
    where = f"{in_runs} {mine} {assessed}"
    report = "?r sh:focusNode ?screening ; ?p ?v . ?report sh:result ?r"
    results = f"{in_runs} GRAPH ?g {{ {report} }}"
    conforms = (
        "DELETE { GRAPH ?g { ?report sh:conforms ?old } } "
        "INSERT { GRAPH ?g { ?report sh:conforms ?new } } "
        f"WHERE {{ VALUES ?g {{ {iris(runs)} }} "
        "GRAPH ?g { ?report a sh:ValidationReport ; sh:conforms ?old } "
        "BIND(NOT EXISTS { GRAPH ?g { ?report sh:result ?any } } AS ?new) }"
    )
    prefixes = " ".join(str(ox.Literal(patient_iri(pid) + "/")) for pid in patient_ids)
    derived = (
        "DELETE { GRAPH ?g { ?s ?p ?o } } "
        f"WHERE {{ VALUES ?g {{ {iris(runs)} }} VALUES ?prefix {{ {prefixes} }} "
        "GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?s), ?prefix)) }"
    )
    steps = [
        *([derived] if runs else []),
        f"DELETE {{ GRAPH ?g {{ ?r ?p ?v . ?report sh:result ?r }} }} "
        f"WHERE {{ {mine} {results} }}",
        f"DELETE {{ GRAPH ?g {{ ?o ?p ?v }} }} "
        f"WHERE {{ {where} ; tg:hasOutcome ?o . ?o ?p ?v }} }}",
        f"DELETE {{ GRAPH ?g {{ ?a ?p ?v }} }} WHERE {{ {where} ; ?p ?v }} }}",
        *([conforms] if runs else []),
        *(f"DROP GRAPH <{run}>" for run in emptied),
        *(f"DROP SILENT GRAPH <{graph}>" for graph in graphs),
    ]
    prologue = f"PREFIX tg: <{TG}> PREFIX sh: <http://www.w3.org/ns/shacl#> "
    return prologue + " ; ".join(steps) + " ;"
