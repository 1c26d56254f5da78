"""Where the data folders (ontology, shapes, queries) are, installed or in a source checkout."""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_INSTALLED = _PACKAGE / "data"
_CHECKOUT = _PACKAGE.parent.parent


def data_root() -> Path:
    """Return the folder that holds ontology/, shapes/ and queries/."""
    return _INSTALLED if (_INSTALLED / "ontology").is_dir() else _CHECKOUT


def ontology_dir() -> Path:
    return data_root() / "ontology"


def shapes_dir() -> Path:
    return data_root() / "shapes"


def queries_dir() -> Path:
    return data_root() / "queries"
