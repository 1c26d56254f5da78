"""The three W3C Service Description tests, which the manifest names but does not spell out
(they have no `mf:action`): each is a check of the description an endpoint returns to a GET
without a query, written here after the vocabulary of SPARQL 1.1 Service Description.
A check returns its problems; none means the test passes."""

from collections.abc import Callable

from rdflib import RDF, Graph, Namespace, URIRef

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
PROPERTIES = {
    "endpoint", "feature", "defaultEntailmentRegime", "entailmentRegime",
    "supportedEntailmentProfile", "defaultSupportedEntailmentProfile", "extensionFunction",
    "extensionAggregate", "languageExtension", "supportedLanguage", "propertyFeature",
    "defaultDataset", "availableGraphs", "resultFormat", "inputFormat", "defaultGraph",
    "namedGraph", "name", "graph",
}  # fmt: skip
CLASSES = {
    "Service", "Feature", "Language", "Function", "Aggregate", "EntailmentRegime",
    "EntailmentProfile", "GraphCollection", "Dataset", "NamedGraph", "Graph",
}  # fmt: skip
LANGUAGES = {"SPARQL10Query", "SPARQL11Query", "SPARQL11Update"}
FEATURES = {
    "DereferencesURIs", "UnionDefaultGraph", "RequiresDataset", "EmptyGraphs",
    "BasicFederatedQuery",
}  # fmt: skip
IRI_VALUED = (SD.endpoint, SD.resultFormat, SD.inputFormat, SD.supportedLanguage, SD.feature)


def _local(term) -> str | None:
    """The name of an sd: term, or None for a term of another vocabulary."""
    return str(term)[len(SD) :] if str(term).startswith(str(SD)) else None


def returns_rdf(description: Graph, endpoint: str) -> list[str]:
    return [] if len(description) else ["the description is empty"]


def has_endpoint_triple(description: Graph, endpoint: str) -> list[str]:
    services = set(description.subjects(RDF.type, SD.Service))
    if any((s, SD.endpoint, URIRef(endpoint)) in description for s in services):
        return []
    return [f"no sd:Service with sd:endpoint <{endpoint}>"]


def conforms_to_schema(description: Graph, endpoint: str) -> list[str]:
    """Only terms of the SD vocabulary, each used as it is defined: one sd:Service with an
    endpoint and a language; languages and features from the vocabulary; IRIs where needed."""
    problems = []
    services = list(description.subjects(RDF.type, SD.Service))
    if len(services) != 1:
        problems.append(f"{len(services)} sd:Service resources, not one")
    for service in services:
        for needed in (SD.endpoint, SD.supportedLanguage):
            if description.value(service, needed) is None:
                problems.append(f"the sd:Service has no sd:{_local(needed)}")
    for _, predicate, value in description:
        name = _local(predicate)
        if name is not None and name not in PROPERTIES:
            problems.append(f"sd:{name} is not a property of the vocabulary")
        if predicate == RDF.type and _local(value) not in (None, *CLASSES):
            problems.append(f"sd:{_local(value)} is not a class of the vocabulary")
        if predicate in IRI_VALUED and not isinstance(value, URIRef):
            problems.append(f"sd:{name} {value!r} is not an IRI")
        if predicate == SD.supportedLanguage and _local(value) not in LANGUAGES:
            problems.append(f"{value} is not an sd:Language")
        if predicate == SD.feature and _local(value) not in FEATURES:
            problems.append(f"{value} is not an sd:Feature of the vocabulary")
    return problems


SD_CHECKS: dict[str, Callable[[Graph, str], list[str]]] = {
    "has-endpoint-triple": has_endpoint_triple,
    "returns-rdf": returns_rdf,
    "conforms-to-schema": conforms_to_schema,
}
