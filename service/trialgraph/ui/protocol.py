"""The protocol as pages show it: the study, its 18 criteria and, per criterion, the registered
text, the rule in words, parameters, value sets (codes with labels and code systems) and the
SHACL shapes that decide it. Everything is read from ontology/*.ttl and shapes/*.ttl."""

from dataclasses import dataclass, field
from functools import cache

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS

from trialgraph.namespaces import PREFIXES, TG, TGP, TGSH
from trialgraph.ontology import protocol_graph
from trialgraph.screening import CRITERIA
from trialgraph.shapes import shapes_graph

STATUS_SHAPES = ("Status", "Eligibility", "Decided")  # status, and the report's constraints


@dataclass(frozen=True)
class Parameter:
    name: str
    label: str
    value: str
    unit: str
    applies_to: str | None
    definition: str


@dataclass(frozen=True)
class Code:
    code: str
    label: str
    system: str
    matches_by_prefix: bool
    ingredient: str | None


@dataclass(frozen=True)
class CodeRange:
    label: str
    system: str
    start: str
    end: str


@dataclass(frozen=True)
class ValueSet:
    name: str
    label: str
    definition: str
    codes: list[Code]
    ranges: list[CodeRange]


@dataclass(frozen=True)
class Shape:
    name: str
    label: str
    turtle: str


@dataclass(frozen=True)
class Criterion:
    """A criterion (or a part of one) with what decides it."""

    id: str
    label: str
    category: str
    excluding_outcome: str  # the outcome that makes a patient ineligible ("" for a part)
    registered_text: str
    rule: str
    combination: str | None
    parameters: list[Parameter]
    value_sets: list[ValueSet]
    shapes: list[Shape]
    parts: list["Criterion"] = field(default_factory=list)


@dataclass(frozen=True)
class Study:
    title: str
    label: str
    description: str
    version: str
    condition: str
    criteria: list[dict]
    decision_shapes: list[Shape]


def _text(graph: Graph, subject, predicate) -> str:
    value = graph.value(subject, predicate)
    return "" if value is None else str(value)


def _label(graph: Graph, node) -> str:
    return _text(graph, node, RDFS.label) or str(node)


def _local(iri) -> str:
    return str(iri).rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _parameter(graph: Graph, node: URIRef) -> Parameter:
    sex = graph.value(node, TG.appliesToSex)
    return Parameter(
        name=_text(graph, node, TG.parameterName),
        label=_label(graph, node),
        value=_text(graph, node, TG.parameterValue),
        unit=_text(graph, node, TG.unit),
        applies_to=str(sex) if sex is not None else None,
        definition=_text(graph, node, SKOS.definition),
    )


def _code(graph: Graph, concept: URIRef) -> Code:
    scheme = graph.value(concept, SKOS.inScheme)
    ingredient = graph.value(concept, TG.hasIngredient)
    return Code(
        code=_text(graph, concept, SKOS.notation),
        label=_text(graph, concept, SKOS.prefLabel),
        system=_label(graph, scheme) if scheme is not None else "",
        matches_by_prefix=bool(scheme is not None and graph.value(scheme, TG.matchesByPrefix)),
        ingredient=_label(graph, ingredient) if ingredient is not None else None,
    )


def _value_set(graph: Graph, node: URIRef) -> ValueSet:
    codes = sorted(
        (_code(graph, member) for member in graph.objects(node, SKOS.member)),
        key=lambda code: (code.system, code.code),
    )
    ranges = sorted(
        (
            CodeRange(
                label=_label(graph, found),
                system=_label(graph, graph.value(found, SKOS.inScheme)),
                start=_text(graph, found, TG.rangeStart),
                end=_text(graph, found, TG.rangeEnd),
            )
            for found in graph.objects(node, TG.memberRange)
        ),
        key=lambda found: (found.system, found.start),
    )
    return ValueSet(
        _local(node), _label(graph, node), _text(graph, node, SKOS.definition), codes, ranges
    )


def shape_turtle(shape: URIRef) -> str:
    """A shape as Turtle: its triples and those of its rules and constraints."""
    shapes = shapes_graph()
    found = Graph()
    for prefix, namespace in {**PREFIXES, "sh": "http://www.w3.org/ns/shacl#"}.items():
        found.bind(prefix, namespace)
    found.bind("rdfs", RDFS)
    for triple in shapes.cbd(shape):
        found.add(triple)
    return found.serialize(format="turtle")


def _shape(name: str) -> Shape | None:
    iri = TGSH[name]
    if (iri, None, None) not in shapes_graph():
        return None
    return Shape(name, _text(shapes_graph(), iri, RDFS.label), shape_turtle(iri))


def _criterion(graph: Graph, node: URIRef) -> Criterion:
    cid = _text(graph, node, TG.criterionId)
    combination = graph.value(node, TG.combination)
    parts = sorted(
        (_criterion(graph, part) for part in graph.objects(node, TG.hasPart)),
        key=lambda part: part.id,
    )
    own = [_shape(cid)] if not parts else [_shape("Combination")]
    category = graph.value(node, TG.criterionCategory)
    excluding = graph.value(category, TG.excludingOutcome) if category is not None else None
    return Criterion(
        id=cid,
        label=_label(graph, node),
        category=_local(category),
        excluding_outcome=_label(graph, excluding) if excluding is not None else "",
        registered_text=_text(graph, node, TG.registeredText),
        rule=_text(graph, node, TG.computableRule),
        combination=_label(graph, combination) if combination is not None else None,
        parameters=sorted(
            (_parameter(graph, p) for p in graph.objects(node, TG.usesParameter)),
            key=lambda p: (p.name, p.applies_to or ""),
        ),
        value_sets=sorted(
            (_value_set(graph, v) for v in graph.objects(node, TG.usesValueSet)),
            key=lambda v: v.name,
        ),
        shapes=[shape for shape in own if shape is not None],
        parts=parts,
    )


@cache
def criteria() -> dict[str, Criterion]:
    """The study's 18 criteria by id, in protocol order (read once)."""
    graph = protocol_graph()
    found = {
        _text(graph, node, TG.criterionId): node
        for node in graph.objects(TGP.study, TG.hasCriterion)
    }
    return {cid: _criterion(graph, found[cid]) for cid in CRITERIA}


@cache
def study() -> Study:
    """The study with a summary line per criterion (read once)."""
    graph = protocol_graph()
    condition = graph.value(TGP.study, URIRef("https://schema.org/healthCondition"))
    summaries = [
        {"id": c.id, "label": c.label, "category": c.category, "registered_text": c.registered_text}
        for c in criteria().values()
    ]
    return Study(
        title=_text(graph, TGP.study, DCTERMS.title),
        label=_label(graph, TGP.study),
        description=_text(graph, TGP.study, DCTERMS.description),
        version=_text(graph, TGP.study, TG.protocolVersion),
        condition=_label(graph, condition) if condition is not None else "",
        criteria=summaries,
        decision_shapes=[s for s in map(_shape, STATUS_SHAPES) if s is not None],
    )


def criterion_labels() -> dict[str, str]:
    """Each criterion's label by id, in protocol order."""
    return {cid: criterion.label for cid, criterion in criteria().items()}


def excluding_outcomes() -> dict[str, str]:
    """By criterion id, the outcome that makes a patient ineligible (tg:excludingOutcome of its
    category: not-met for an inclusion, met for an exclusion)."""
    return {cid: criterion.excluding_outcome for cid, criterion in criteria().items()}
