"""The batch engine: runs the shapes' SPARQL rules and constraints for many screenings at once
on an in-memory Oxigraph store. `$this` becomes a variable that every rule binds itself
(`$this a tg:Screening`), so one query decides one step for the whole batch.
pySHACL on the same shapes is the reference (trialgraph.reference)."""

import re
from collections.abc import Iterable
from functools import cached_property

import pyoxigraph as ox
from rdflib import Graph

from trialgraph.shapes import declared_prefixes, shapes_graph, sparql_constraints, sparql_rules


def _batch_query(query: str) -> str:
    return query.replace("$this", "?this")


def _insert(construct: str) -> str:
    """The SPARQL Update that adds what a CONSTRUCT rule derives, without a trip through Python."""
    update, found = re.subn(r"^CONSTRUCT\b", "INSERT", construct, count=1, flags=re.MULTILINE)
    if not found:
        raise ValueError(f"a SPARQL rule that does not start with CONSTRUCT: {construct[:80]}")
    return update


class BatchEngine:
    """Runs the eligibility rules over a batch of records on one Oxigraph store."""

    def __init__(self, protocol: Graph) -> None:
        shapes = shapes_graph()
        self._prefixes = declared_prefixes(shapes)
        self._rules = [_insert(_batch_query(rule.construct)) for rule in sparql_rules(shapes)]
        self._constraints = [
            (constraint, _batch_query(constraint.select))
            for constraint in sparql_constraints(shapes)
        ]
        self._protocol = protocol.serialize(format="nt").encode()

    def run(self, documents: Iterable[str]) -> ox.Store:
        """Load the protocol and the N-Triples documents into a fresh store, apply every rule."""
        store = ox.Store()
        store.bulk_load(self._protocol, ox.RdfFormat.N_TRIPLES)
        store.bulk_load("".join(documents).encode(), ox.RdfFormat.N_TRIPLES)
        for rule in self._rules:
            store.update(rule, prefixes=self._prefixes)
        return store

    def derived(self, store: ox.Store, documents: list[str]) -> list[ox.Triple]:
        """The triples the rules added to a store that `run` made from these documents."""
        given = self._protocol_quads | set(
            ox.parse("".join(documents), format=ox.RdfFormat.N_TRIPLES)
        )
        return [quad.triple for quad in store if quad not in given]

    @cached_property
    def _protocol_quads(self) -> frozenset[ox.Quad]:
        """The protocol's quads, parsed on the first call of `derived` only."""
        return frozenset(ox.parse(self._protocol, format=ox.RdfFormat.N_TRIPLES))

    def violations(self, store: ox.Store) -> list[tuple]:
        """Return (shape, severity, focus node, value, message) for every constraint row."""
        rows = []
        for constraint, query in self._constraints:
            for solution in store.query(query, prefixes=self._prefixes):
                rows.append(
                    (
                        constraint.shape,
                        constraint.severity,
                        solution["this"],
                        solution["value"],
                        solution["message"],
                    )
                )
        return rows
