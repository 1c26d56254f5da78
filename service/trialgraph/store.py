"""The persistent store: an on-disk Oxigraph store in the data folder, with the named graphs of
trialgraph.graphs. Every write is one SPARQL Update, which Oxigraph applies in one transaction:
a write that fails leaves nothing behind. Queries see the union of the graphs.

Query workers never open the live store (RocksDB is undefined when another process writes):
they read checkpoints (`snapshot()`, trialgraph.store_snapshots).
A SPARQL Update from a client runs on a copy (`update_copy`, `adopt`: trialgraph.updates).
"""

import gc
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from trialgraph.fhir import PatientRecord
from trialgraph.graphs import (
    GRAPH_BASE,
    ONTOLOGY_GRAPH,
    SHAPES_GRAPH,
    patient_of,
    record_graph,
    run_graph,
)
from trialgraph.namespaces import TG
from trialgraph.ontology import protocol_graph
from trialgraph.resources import queries_dir
from trialgraph.screening import (
    PatientScreening,
    ReportResult,
    collect_outcomes,
    outcome_row,
)
from trialgraph.shapes import shapes_graph
from trialgraph.store_location import (
    WAL_LIMIT,
    live_path,
    make_live,
    new_copy_path,
    remove_stale,
    wal_bytes,
)
from trialgraph.store_removal import RUNS_ONLY, removal_update
from trialgraph.store_snapshots import Snapshots

PREFIXES = {"tg": str(TG)}


class StoreError(Exception):
    """The store cannot be opened or written."""


class StoreBusy(StoreError):
    """Another write held the store past the time allowed to wait for it."""


class UnstorableRecord(ValueError):
    """A record graph that Oxigraph refuses (an invalid IRI or literal)."""


@dataclass
class StoredResult:
    """A patient's current screening result and the run that decided it."""

    result: PatientScreening
    run: str
    as_of: str

    def as_json(self) -> dict:
        return {**self.result.as_json(), "as_of": self.as_of, "run": self.run}


@cache
def assessments_query() -> str:
    return (queries_dir() / "assessments.rq").read_text(encoding="utf-8")


def ntriples(data: Graph | PatientRecord) -> str:
    """A graph or a record's graph as N-Triples checked by Oxigraph, safe to put into a SPARQL
    Update."""
    try:
        text = data.ntriples() if isinstance(data, PatientRecord) else data.serialize(format="nt")
        quads = ox.parse(text, format=ox.RdfFormat.N_TRIPLES)
        return ox.serialize(quads, format=ox.RdfFormat.N_TRIPLES).decode()
    except Exception as error:  # rdflib raises a bare Exception for an invalid IRI
        raise UnstorableRecord(str(error)) from None


class TrialStore:
    """The service's store: protocol, shapes, patient records and current screening results."""

    def __init__(self, path: Path, snapshots: Path | None = None) -> None:
        self._root = path
        live = live_path(path)
        live.mkdir(parents=True, exist_ok=True)
        try:
            self._store = ox.Store(str(live))
        except OSError as error:
            if "lock" in str(error).lower():
                raise StoreError(f"the store in {path} is in use by another process") from None
            raise StoreError(f"cannot open the store in {path}: {error}") from None
        remove_stale(path)
        self._live = live
        self._snapshots = Snapshots(snapshots or path.parent / "snapshots")
        self._write_lock = threading.RLock()
        self.write_wait: float | None = None  # seconds a write waits for another; None: no limit
        self.reader: Callable | None = None  # runs `read` elsewhere (trialgraph.web.limits)
        self.generation = 0

    # --- reading --------------------------------------------------------------------------

    def query(self, query: str, **options):
        """Run a SPARQL query over the union of the graphs (options as pyoxigraph's)."""
        options.setdefault("use_default_graph_as_union", "default_graph" not in options)
        return self._store.query(query, prefixes=PREFIXES, **options)

    def read(self, query: str, **options):
        """Run a SPARQL SELECT query as TrialGraph reads its own graphs: the ontology graph is
        the default graph, records and runs are read by name (GRAPH clauses restricted to
        their IRIs), so triples in other graphs change no result or count. The `reader`, if
        set, runs it (the server's: a query worker with the request's deadline)."""
        options.setdefault("default_graph", ox.NamedNode(ONTOLOGY_GRAPH))
        if self.reader is not None:
            return self.reader(self, query, options)
        return self.read_here(query, **options)

    def read_here(self, query: str, **options):
        """`read` in this process."""
        return self._store.query(query, prefixes=PREFIXES, **options)

    def graphs(self) -> set[str]:
        """The IRIs of the named graphs."""
        return {graph.value for graph in self._store.named_graphs()}

    def patient_ids(self) -> list[str]:
        """The ids of the stored patients, sorted."""
        return sorted(pid for pid in map(patient_of, self.graphs()) if pid is not None)

    def has_patient(self, patient_id: str) -> bool:
        return self._store.contains_named_graph(ox.NamedNode(record_graph(patient_id)))

    def record(self, patient_id: str) -> list[ox.Triple]:
        """The triples of a patient's record graph (empty if there is none)."""
        graph = ox.NamedNode(record_graph(patient_id))
        return [q.triple for q in self._store.quads_for_pattern(None, None, None, graph)]

    def results(self, patient_id: str | None = None) -> list[StoredResult]:
        """The current screening results of one patient, or of all, sorted by patient."""
        one = patient_id is not None
        substitutions = {ox.Variable("patient"): ox.Literal(patient_id)} if one else {}
        dataset = self._patient_dataset(patient_id) if one else {}
        runs: dict[str, tuple[str, str]] = {}
        rows = []
        found = self.read(assessments_query(), substitutions=substitutions, **dataset)
        for solution in found:
            row = outcome_row(solution)
            if one:
                row["patient"] = patient_id
            runs[row["patient"]] = (solution["run"].value, solution["asOf"].value)
            rows.append(row)
        return [StoredResult(r, *runs[r.patient]) for r in collect_outcomes(rows)]

    def _patient_dataset(self, patient_id: str) -> dict[str, list[ox.NamedNode]]:
        """Query options that confine a query to one patient's record and run graphs and the
        ontology: over the whole store, reading one patient costs as much as reading all."""
        record = ox.NamedNode(record_graph(patient_id))
        runs = self.read(
            "SELECT DISTINCT ?record ?run WHERE { GRAPH ?record { ?screening a tg:Screening } "
            f"GRAPH ?run {{ ?assessment tg:assessedScreening ?screening }} {RUNS_ONLY} }}",
            substitutions={ox.Variable("record"): record},
        )
        return {"named_graphs": [record, *(s["run"] for s in runs)]}

    def report_results(self, patient_id: str) -> list[ReportResult]:
        """The validation report results on a patient's current screening."""
        query = (
            "PREFIX sh: <http://www.w3.org/ns/shacl#> "
            "SELECT ?patient ?shape ?severity ?value ?message WHERE { "
            "GRAPH ?record { ?screening a tg:Screening ; tg:aboutPatient/tg:patientId ?patient } "
            "GRAPH ?run { ?a tg:assessedScreening ?screening . ?r sh:focusNode ?screening ; "
            "sh:sourceShape ?shape ; sh:resultSeverity ?severity ; sh:value ?value ; "
            f"sh:resultMessage ?message }} {RUNS_ONLY} }} ORDER BY ?message"
        )
        found = self.read(
            query,
            substitutions={ox.Variable("patient"): ox.Literal(patient_id)},
            **self._patient_dataset(patient_id),
        )
        names = ("shape", "severity", "value", "message")
        return [ReportResult(*(solution[name].value for name in names)) for solution in found]

    # --- writing --------------------------------------------------------------------------

    def sync_protocol(self) -> None:
        """Replace the ontology and shapes graphs with the current ontology/ and shapes/."""
        self._update(
            f"DROP SILENT GRAPH <{ONTOLOGY_GRAPH}> ; DROP SILENT GRAPH <{SHAPES_GRAPH}> ;"
            f"INSERT DATA {{ GRAPH <{ONTOLOGY_GRAPH}> {{ {ntriples(protocol_graph())} }} }} ;"
            f"INSERT DATA {{ GRAPH <{SHAPES_GRAPH}> {{ {ntriples(shapes_graph())} }} }}"
        )

    def save(self, records: dict[str, str], results: Graph | None) -> None:
        """Replace the records' graphs ({patient id: N-Triples from `ntriples`}) and their
        patients' results with `results` (one run graph), in one transaction."""
        inserts = [(record_graph(pid), triples) for pid, triples in records.items()]
        if results is not None:
            run = next(iter(results.subjects(predicate=None, object=TG.ScreeningRun)))
            inserts.append((run_graph(str(run)), ntriples(results)))
        with self.writing():
            removal = removal_update(self.query, list(records))
            data = " ".join(f"GRAPH <{graph}> {{ {triples} }}" for graph, triples in inserts)
            self._update(f"{removal} INSERT DATA {{ {data} }}")

    def delete(self, patient_id: str) -> bool:
        """Remove a patient's record and results; return whether there was a record."""
        with self.writing():
            if not self.has_patient(patient_id):
                return False
            self._update(removal_update(self.query, [patient_id]))
            return True

    def update(self, update: str, base_iri: str | None = None) -> None:
        """Run a SPARQL Update as it is (the caller has checked it), in this process; relative
        IRIs resolve against `base_iri`."""
        with self.writing():
            self._update(update, prefixes=None, base_iri=base_iri)

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the write lock (waiting at most `write_wait` seconds: else StoreBusy)."""
        if not self._write_lock.acquire(timeout=-1 if self.write_wait is None else self.write_wait):
            raise StoreBusy("another write holds the store; try again later")
        try:
            yield
        finally:
            self._write_lock.release()

    def update_copy(self) -> Path:
        """A copy of the store to run an update on (hold `writing()` until `adopt`)."""
        copy = new_copy_path(self._root)
        self._store.flush()
        self._store.backup(str(copy))
        return copy

    def adopt(self, copy: Path) -> None:
        """Make an updated copy the live store (under `writing()`)."""
        store = ox.Store(str(copy))
        make_live(self._root, copy)
        old, self._store, self._live = self._live, store, copy
        self.generation += 1
        gc.collect()  # the old store's handle closes with its last reference
        shutil.rmtree(old, ignore_errors=True)

    def writable_graphs(self) -> list[str]:
        """The named graphs that are not TrialGraph's own (a client's update may write them)."""
        return sorted(g for g in self.graphs() if not g.startswith(GRAPH_BASE))

    # --- any graph, for the Graph Store Protocol (None: the store's default graph) -------

    def has_graph(self, graph: str | None) -> bool:
        """Whether a named graph exists; the default graph always does."""
        return graph is None or self._store.contains_named_graph(ox.NamedNode(graph))

    def graph_triples(self, graph: str | None) -> list[ox.Triple]:
        """The triples of a named graph, or of the default graph."""
        name = ox.DefaultGraph() if graph is None else ox.NamedNode(graph)
        return [q.triple for q in self._store.quads_for_pattern(None, None, None, name)]

    def put_graph(self, graph: str | None, triples: list[ox.Triple], replace: bool) -> bool:
        """Replace a graph's triples (or add to them), in one transaction; return whether the
        named graph is new."""
        target = "DEFAULT" if graph is None else f"GRAPH {ox.NamedNode(graph)}"
        data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode()
        steps = [f"DROP SILENT {target}"] if replace else []
        if graph is not None:
            steps.append(f"CREATE SILENT {target}")
        steps.append(f"INSERT DATA {{ {data if graph is None else f'{target} {{ {data} }}'} }}")
        with self.writing():
            new = not self.has_graph(graph)
            self._update(" ; ".join(steps), prefixes=None)
        return new

    def drop_graph(self, graph: str | None) -> bool:
        """Remove a named graph (or empty the default graph); return whether it was there."""
        with self.writing():
            if not self.has_graph(graph):
                return False
            self._update("DROP DEFAULT" if graph is None else f"DROP GRAPH {ox.NamedNode(graph)}")
            return True

    def _update(
        self, update: str, prefixes: dict[str, str] | None = PREFIXES, base_iri: str | None = None
    ) -> None:
        self._store.update(update, prefixes=prefixes, base_iri=base_iri)
        self.generation += 1
        if wal_bytes(self._live) > WAL_LIMIT:  # README, Decisions: the write-ahead log
            self._store.flush()

    # --- snapshots for query workers ------------------------------------------------------

    def snapshot(self):
        """A read-only checkpoint of the store as it is now, for a `with` block
        (trialgraph.store_snapshots)."""
        return self._snapshots.of(lambda: self._store, lambda: self.generation)

    def close(self) -> None:
        """Flush the store to disk."""
        self._store.flush()


def open_store(store_dir: Path, snapshots_dir: Path) -> TrialStore:
    """Open the store and bring its ontology and shapes graphs up to date."""
    store = TrialStore(store_dir, snapshots_dir)
    store.sync_protocol()
    return store
