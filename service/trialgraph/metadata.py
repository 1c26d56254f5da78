"""A VoID and DCAT description of the dataset (https://www.w3.org/TR/void/,
https://www.w3.org/TR/vocab-dcat-3/): the dataset and its SPARQL endpoint, its named graphs as
`void:subset`s with triple counts, the number of patients, the ontology and shapes as
downloadable `dcat:Distribution`s, and the protocol as its subject.

Patient graphs are described together (records, screening results), never one by one: their
IRIs carry patient ids. How many patients and triples they hold is shown by `Counts`.
"""

from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, VOID, XSD

from trialgraph.disclosure import is_small
from trialgraph.fhir import PATIENT_BASE
from trialgraph.graphs import ONTOLOGY_GRAPH, RECORD_BASE, RUN_BASE, SHAPES_GRAPH
from trialgraph.namespaces import TG, TGP
from trialgraph.ontology import protocol_graph
from trialgraph.shapes import shapes_graph
from trialgraph.store import TrialStore

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
MEDIA_TYPES = Namespace("https://www.iana.org/assignments/media-types/")
PREFIXES = {"void": VOID, "dcat": DCAT, "dcterms": DCTERMS, "foaf": FOAF, "sd": SD, "tg": TG}
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")
SPECS = {
    "ontology": URIRef("https://www.w3.org/TR/owl2-overview/"),
    "shapes": URIRef("https://www.w3.org/TR/shacl/"),
}
PLACEHOLDER = "PLACEHOLDER, to be set by the data controller before the data are published: "
DESCRIPTION = (
    "The computable eligibility criteria of one trial protocol, the patient records screened "
    "against them, and the screening results with their evidence and provenance."
)
ACCESS = (
    "The ontology, protocol and shapes are open; patient data need an API token: counts for "
    "the aggregate role, patient-level data for the investigator role."
)
TRIPLES_BY_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


class Counts(Enum):
    """How much of the patient data's size a caller may see."""

    HIDDEN = "hidden"  # no token: no count of patient data
    SUPPRESSED = "suppressed"  # aggregate role: counts unless the patients are a small cell
    EXACT = "exact"  # investigator and up


@dataclass(frozen=True)
class Statistics:
    """Triple counts of the store's graphs, by kind, and how many patients and runs."""

    ontology: int
    shapes: int
    records: int
    results: int
    total: int
    patients: int
    runs: int


@lru_cache(maxsize=4)
def _statistics(store: TrialStore, generation: int) -> Statistics:
    per_graph = {row["g"].value: int(row["n"].value) for row in store.read(TRIPLES_BY_GRAPH)}
    records = {g: n for g, n in per_graph.items() if g.startswith(RECORD_BASE)}
    runs = {g: n for g, n in per_graph.items() if g.startswith(RUN_BASE)}
    return Statistics(
        ontology=per_graph.get(ONTOLOGY_GRAPH, 0),
        shapes=per_graph.get(SHAPES_GRAPH, 0),
        records=sum(records.values()),
        results=sum(runs.values()),
        total=sum(per_graph.values()),
        patients=len(records),
        runs=len(runs),
    )


def statistics(store: TrialStore) -> Statistics:
    """The store's statistics, counted once per write (store generation)."""
    return _statistics(store, store.generation)


@dataclass(frozen=True)
class Links:
    """Where the service is: the description document, the SPARQL endpoint, the downloads."""

    document: str
    endpoint: str
    ontology: str
    shapes: str


def _int(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


def _license(source: Graph) -> URIRef | None:
    """The licence a graph declares for its owl:Ontology, if any."""
    for ontology in sorted(source.subjects(RDF.type, OWL.Ontology)):
        for license_ in source.objects(ontology, DCTERMS.license):
            return license_
    return None


class _Description:
    """The description graph under construction, with IRIs made in the document's space."""

    def __init__(self, links: Links) -> None:
        self.graph, self.links = Graph(), links
        for prefix, namespace in PREFIXES.items():
            self.graph.bind(prefix, namespace)
        self.dataset = self.node("dataset")

    def node(self, name: str) -> URIRef:
        return URIRef(f"{self.links.document}#{name}")

    def add(self, subject, predicate, *objects) -> None:
        for value in objects:
            term = value if isinstance(value, URIRef | BNode | Literal) else Literal(value)
            self.graph.add((subject, predicate, term))

    def describe_dataset(self) -> None:
        """The dataset: what it is about, who may read what, where to query it."""
        document, dataset = URIRef(self.links.document), self.dataset
        self.add(document, RDF.type, VOID.DatasetDescription)
        self.add(document, FOAF.primaryTopic, dataset)
        self.add(dataset, RDF.type, VOID.Dataset, DCAT.Dataset)
        self.add(dataset, DCTERMS.title, "TrialGraph screening data")
        self.add(dataset, DCTERMS.description, DESCRIPTION)
        self.add(dataset, DCTERMS.subject, TGP.study)
        self.add(TGP.study, RDF.type, TG.ClinicalStudy)
        self.add(TGP.study, DCTERMS.title, *protocol_graph().objects(TGP.study, DCTERMS.title))
        self.add(dataset, DCTERMS.accessRights, ACCESS)
        self.add(dataset, VOID.vocabulary, *(URIRef(str(v)) for v in (TG, PROV, SKOS)))
        publisher, license_ = self.node("publisher"), self.node("license")
        self.add(dataset, DCTERMS.publisher, publisher)
        self.add(publisher, RDF.type, FOAF.Agent)
        self.add(publisher, FOAF.name, PLACEHOLDER + "the publisher (the trial sponsor)")
        self.add(dataset, DCTERMS.license, license_)
        self.add(license_, RDF.type, DCTERMS.LicenseDocument)
        self.add(license_, RDFS.label, PLACEHOLDER + "the licence of the patient data")
        endpoint, service = URIRef(self.links.endpoint), self.node("sparql")
        self.add(dataset, VOID.sparqlEndpoint, endpoint)
        self.add(dataset, DCAT.accessService, service)
        self.add(service, RDF.type, DCAT.DataService)
        self.add(service, DCAT.endpointURL, endpoint)
        self.add(service, DCTERMS.conformsTo, SPARQL_PROTOCOL)
        self.add(service, DCAT.servesDataset, dataset)

    def subset(self, name: str, title: str, description: str) -> URIRef:
        node = self.node(name)
        self.add(self.dataset, VOID.subset, node)
        self.add(node, RDF.type, VOID.Dataset, DCAT.Dataset)
        self.add(node, DCTERMS.title, title)
        self.add(node, DCTERMS.description, description)
        return node

    def download(self, name: str, title: str, graph: str, url: str, source: Graph) -> URIRef:
        """A public named graph: a subset with a Turtle download."""
        node = self.subset(name, title, f"The named graph <{graph}>.")
        self.add(node, SD.name, URIRef(graph))
        distribution = self.node(f"{name}-turtle")
        self.add(node, DCAT.distribution, distribution)
        self.add(distribution, RDF.type, DCAT.Distribution)
        self.add(distribution, DCTERMS.title, f"{title} (Turtle)")
        self.add(distribution, DCAT.downloadURL, URIRef(url))
        self.add(distribution, DCAT.accessURL, URIRef(url))
        self.add(distribution, DCAT.mediaType, MEDIA_TYPES["text/turtle"])
        self.add(distribution, DCTERMS.conformsTo, SPECS[name])
        license_ = _license(source)
        if license_ is not None:
            self.add(distribution, DCTERMS.license, license_)
        return node

    def partition(self, node: URIRef, cls: URIRef, entities: int) -> None:
        partition = BNode()
        self.add(node, VOID.classPartition, partition)
        self.add(partition, VOID["class"], cls)
        self.add(partition, VOID.entities, _int(entities))


def void_graph(stats: Statistics, links: Links, counts: Counts) -> Graph:
    """The VoID and DCAT description; the size of the patient data only as `counts` allows."""
    made = _Description(links)
    made.describe_dataset()
    ontology = made.download(
        "ontology",
        "ontology, protocol and value sets",
        ONTOLOGY_GRAPH,
        links.ontology,
        protocol_graph(),
    )
    made.add(ontology, VOID.triples, _int(stats.ontology))
    shapes = made.download(
        "shapes", "eligibility shapes", SHAPES_GRAPH, links.shapes, shapes_graph()
    )
    made.add(shapes, VOID.triples, _int(stats.shapes))
    records = made.subset(
        "records", "patient records", f"One named graph per patient, <{RECORD_BASE}{{id}}>."
    )
    made.add(records, VOID.uriSpace, PATIENT_BASE)
    results = made.subset(
        "results",
        "screening results",
        f"One named graph per screening run, <{RUN_BASE}{{run id}}>, with its PROV-O provenance "
        "and the patients' current eligibility assessments.",
    )
    small = is_small(stats.patients)
    if counts is Counts.EXACT or (counts is Counts.SUPPRESSED and not small):
        made.add(made.dataset, VOID.triples, _int(stats.total))
        made.add(records, VOID.triples, _int(stats.records))
        made.partition(records, TG.Patient, stats.patients)
        made.add(results, VOID.triples, _int(stats.results))
        made.partition(results, TG.ScreeningRun, stats.runs)
    return made.graph
