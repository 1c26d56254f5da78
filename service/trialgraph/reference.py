"""The reference engine: pySHACL (SHACL-AF, advanced=True) validating one rdflib graph.
Slow but standard; the batch engine must agree with it (tests/test_engines_agree.py)."""

from pyshacl import validate
from rdflib import Graph

from trialgraph.shapes import shapes_graph


def run_reference(data: Graph) -> Graph:
    """Apply the shapes' rules to `data` in place and return the W3C validation report graph."""
    _conforms, report, _text = validate(
        data,
        shacl_graph=shapes_graph(),
        advanced=True,
        inplace=True,
        allow_warnings=True,
    )
    return report
